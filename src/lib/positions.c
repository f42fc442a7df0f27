/*
 * positions.c: the position lens: which sentences carry a stance marker,
 * and how the position statements of two texts correspond.
 */
#include "internal.h"
#include "positions_lens.h"
#include "segment.h"
#include "positions_track.h"
#include "stance/diff.h"
#include "stance/document.h"
#include "stance/positions.h"

#include <stdio.h>
#include <unistd.h>

typedef struct {
	char *language;  /* "da", "en", ... */
	char **words;    /* the marker's case-folded words */
	size_t nwords;
	int builtin;     /* one of the lists below, which the construction
	                  * rules of positions_lens.c stand in for */
} marker;

struct stance_positions {
	marker *items;
	size_t count, alloc;
};

/* The built-in markers: what a language without construction rules goes
 * by. For "da" and "en" the rules of positions_lens.c decide instead, and
 * only the markers a repository adds count besides them. */
static const char *const default_da[] = {
	"skal", "bør", "må", "kræver", "mener", "foreslår", "ønsker",
	"er nødt til", "der er brug for", "opfordrer", "anbefaler", NULL
};
static const char *const default_en[] = {
	"must", "should", "propose", "proposes", "believe", "believes",
	"need to", "needs to", "call for", "calls for", "we want", "urge", "recommend", NULL
};

void stance_positions_free(stance_positions *p)
{
	size_t i, j;
	if (!p)
		return;
	for (i = 0; i < p->count; i++) {
		for (j = 0; j < p->items[i].nwords; j++)
			free(p->items[i].words[j]);
		free(p->items[i].words);
		free(p->items[i].language);
	}
	free(p->items);
	free(p);
}

/* Adds one marker phrase of `language`; duplicates are harmless. */
static int add_marker(stance_positions *p, const char *language, const char *phrase, size_t len)
{
	seg_tokens t = { 0 };
	marker m = { 0 };
	size_t i;
	int error = -1;

	if (seg_tokenize(&t, phrase, len) < 0)
		goto done;
	if (!(m.language = stance_strdup(language)))
		goto done;
	if (!(m.words = calloc(t.count ? t.count : 1, sizeof(char *)))) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < t.count; i++) {
		size_t n = t.items[i].end - t.items[i].start;
		char *w;
		if (t.items[i].kind == SEG_SPACE)
			continue;
		if (!(w = malloc(4 * n + 1))) {
			stance_error_oom();
			goto done;
		}
		seg_fold(w, phrase + t.items[i].start, n);
		m.words[m.nwords++] = w;
	}
	if (m.nwords == 0) {
		error = 0;
		goto done;
	}
	if (stance_array_grow(&p->items, &p->alloc, p->count + 1, sizeof(*p->items)) < 0)
		goto done;
	p->items[p->count++] = m;
	memset(&m, 0, sizeof(m));
	error = 0;
done:
	for (i = 0; i < m.nwords; i++)
		free(m.words[i]);
	free(m.words);
	free(m.language);
	free(t.items);
	return error;
}

int stance_positions_new_default(stance_positions **out)
{
	stance_positions *p = calloc(1, sizeof(*p));
	size_t i;
	if (!p)
		return stance_error_oom();
	for (i = 0; default_da[i]; i++)
		if (add_marker(p, "da", default_da[i], strlen(default_da[i])) < 0)
			goto fail;
	for (i = 0; default_en[i]; i++)
		if (add_marker(p, "en", default_en[i], strlen(default_en[i])) < 0)
			goto fail;
	for (i = 0; i < p->count; i++)
		p->items[i].builtin = 1;
	*out = p;
	return 0;
fail:
	stance_positions_free(p);
	return STANCE_ERROR;
}

int stance_positions_parse(stance_positions **out, const char *data, size_t len,
	const char *origin)
{
	stance_positions *p = NULL;
	char lang[32] = "";
	size_t pos = 0, line = 0;
	int error;

	if ((error = stance_utf8_validate(data, len, origin)) < 0)
		return error;
	if ((error = stance_positions_new_default(&p)) < 0)
		return error;
	while (pos < len) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		size_t a = 0, b = n;
		pos += n + (nl ? 1 : 0);
		line++;
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (a == b || s[a] == '#')
			continue;
		if (s[a] == '[') {
			size_t k;
			if (s[b - 1] != ']' || b - a < 3 || b - a - 2 >= sizeof(lang)) {
				error = stance_error_set(STANCE_EPARSE,
					"%s:%zu: a language section looks like [da]",
					origin ? origin : "positions", line);
				goto done;
			}
			for (k = a + 1; k < b - 1; k++)
				if (!((s[k] >= 'a' && s[k] <= 'z') || s[k] == '-')) {
					error = stance_error_set(STANCE_EPARSE,
						"%s:%zu: '%.*s' is not a language code",
						origin ? origin : "positions", line, (int)(b - a), s + a);
					goto done;
				}
			memcpy(lang, s + a + 1, b - a - 2);
			lang[b - a - 2] = '\0';
			continue;
		}
		if (!*lang) {
			error = stance_error_set(STANCE_EPARSE,
				"%s:%zu: marker '%.*s' stands before any [language] section",
				origin ? origin : "positions", line, (int)(b - a), s + a);
			goto done;
		}
		if ((error = add_marker(p, lang, s + a, b - a)) < 0)
			goto done;
	}
	*out = p;
	p = NULL;
	error = 0;
done:
	stance_positions_free(p);
	return error;
}

int stance_positions_load(stance_positions **out, const char *path)
{
	stance_buf b = STANCE_BUF_INIT;
	int error;
	if (access(path, F_OK) != 0)
		return stance_positions_new_default(out);
	if ((error = stance_file_read(&b, path)) < 0)
		return error;
	error = stance_positions_parse(out, b.ptr ? b.ptr : "", b.size, path);
	stance_buf_dispose(&b);
	return error;
}

/* Folded words of text[0, len), in order. */
typedef struct {
	char **w;
	size_t n;
	char *arena;
	char *pre;  /* fold_tokens: the punctuation before each word (lens_sentence) */
} folded;

static void folded_free(folded *f)
{
	free(f->w);
	free(f->arena);
	free(f->pre);
}

static int fold_words(folded *f, const char *text, size_t len)
{
	seg_tokens t = { 0 };
	size_t i, o = 0;
	memset(f, 0, sizeof(*f));
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	f->arena = malloc(4 * len + t.count + 1);
	f->w = malloc((t.count + 1) * sizeof(char *));
	if (!f->arena || !f->w) {
		free(t.items);
		folded_free(f);
		return stance_error_oom();
	}
	for (i = 0; i < t.count; i++) {
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		f->w[f->n++] = f->arena + o;
		o += seg_fold(f->arena + o, text + t.items[i].start, t.items[i].end - t.items[i].start) + 1;
	}
	free(t.items);
	return 0;
}

/* fold_words over tokens [t0, t1) of `text` already cut: the tokens of a
 * sentence inside its block are the ones cutting the sentence alone gives
 * (they start and end on token boundaries), so it is not cut again. */
static int fold_tokens(folded *f, const char *text, const seg_tokens *t, size_t t0, size_t t1)
{
	size_t i, o = 0, len = t1 > t0 ? t->items[t1 - 1].end - t->items[t0].start : 0;
	char punct = 0;
	memset(f, 0, sizeof(*f));
	f->arena = malloc(4 * len + (t1 - t0) + 1);
	f->w = malloc((t1 - t0 + 1) * sizeof(char *));
	f->pre = malloc(t1 - t0 + 1);
	if (!f->arena || !f->w || !f->pre) {
		folded_free(f);
		return stance_error_oom();
	}
	for (i = t0; i < t1; i++) {
		if (t->items[i].kind == SEG_PUNCT) {
			const char *c = text + t->items[i].start;
			size_t cl = t->items[i].end - t->items[i].start;
			if (cl == 1 && (*c == ',' || *c == ';' || *c == ':'))
				punct = *c;
			else if (cl == 3 && (!memcmp(c, "\xE2\x80\x93", 3) || !memcmp(c, "\xE2\x80\x94", 3)))
				punct = '-';
			continue;
		}
		if (t->items[i].kind != SEG_WORD && t->items[i].kind != SEG_CJK)
			continue;
		f->pre[f->n] = punct;
		punct = 0;
		f->w[f->n++] = f->arena + o;
		o += seg_fold(f->arena + o, text + t->items[i].start, t->items[i].end - t->items[i].start) + 1;
	}
	return 0;
}

/* Does f carry a marker of `language`? With `users_only`, only the markers
 * a repository added count. */
static int match_folded(const stance_positions *p, const char *language, const folded *f,
	int users_only)
{
	size_t m, i, k;
	unsigned char head[256], next[255];
	int any = 0;
	if (p->count > 255) {
		/* more markers than the index below holds: marker by marker */
		for (m = 0; m < p->count; m++) {
			const marker *mk = &p->items[m];
			/* a language with markers of its own uses only those */
			if ((language && strcmp(language, mk->language)) || (users_only && mk->builtin))
				continue;
			for (i = 0; i + mk->nwords <= f->n; i++) {
				for (k = 0; k < mk->nwords; k++)
					if (f->w[i + k][0] != mk->words[k][0] || strcmp(f->w[i + k], mk->words[k]))
						break;
				if (k == mk->nwords)
					return 1;
			}
		}
		return 0;
	}
	/* the markers (of the language, when it has its own) chained by the
	 * first byte of their first word, so each word of the sentence is
	 * compared only with the markers that could start there */
	memset(head, 0xFF, sizeof(head));
	for (m = p->count; m-- > 0;)
		if ((!language || !strcmp(language, p->items[m].language)) &&
		    !(users_only && p->items[m].builtin)) {
			unsigned char c = (unsigned char)p->items[m].words[0][0];
			next[m] = head[c];
			head[c] = (unsigned char)m;
			any = 1;
		}
	if (!any)
		return 0;
	for (i = 0; i < f->n; i++) {
		for (m = head[(unsigned char)f->w[i][0]]; m != 0xFF; m = next[m]) {
			const marker *mk = &p->items[m];
			if (i + mk->nwords > f->n)
				continue;
			for (k = 0; k < mk->nwords; k++)
				if (f->w[i + k][0] != mk->words[k][0] || strcmp(f->w[i + k], mk->words[k]))
					break;
			if (k == mk->nwords)
				return 1;
		}
	}
	return 0;
}

/* A language with markers of its own; otherwise every language's count. */
static const char *effective_language(const stance_positions *p, const char *language)
{
	size_t m;
	if (!language || !*language)
		return NULL;
	for (m = 0; m < p->count; m++)
		if (!strcmp(p->items[m].language, language))
			return language;
	return NULL;
}

int stance_positions_match(const stance_positions *p, const char *language,
	const char *text, size_t len)
{
	folded f;
	int r;
	if (fold_words(&f, text, len) < 0)
		return 0;
	r = match_folded(p, effective_language(p, language), &f, 0);
	folded_free(&f);
	return r;
}

/* The last mark of tokens [t0, t1) that is not a closing quote, bracket or
 * emphasis: '.', '?', '!', '…' as 'e', 0 when the sentence has none. */
static char closing_mark(const char *text, const seg_tokens *t, size_t t0, size_t t1)
{
	while (t1 > t0) {
		const seg_token *k = &t->items[t1 - 1];
		const char *c = text + k->start;
		size_t n = k->end - k->start;
		t1--;
		if (k->kind == SEG_SPACE)
			continue;
		if (k->kind != SEG_PUNCT)
			return 0;
		if (n == 1 && (*c == '.' || *c == '?' || *c == '!'))
			return *c;
		if (n == 3 && !memcmp(c, "\xE2\x80\xA6", 3))
			return 'e';
		if ((n == 1 && (*c == '"' || *c == '\'' || *c == ')' || *c == '*' || *c == '_' || *c == ':')) ||
		    (n == 2 && (!memcmp(c, "\xC2\xBB", 2) || !memcmp(c, "\xC2\xAB", 2))) ||
		    (n == 3 && (!memcmp(c, "\xE2\x80\x9D", 3) || !memcmp(c, "\xE2\x80\x99", 3))))
			continue;
		return 0;
	}
	return 0;
}

/* The lens's verdict on the sentence of tokens [t0, t1): `lang` is the
 * document's language (given or detected), `mlang` the marker language. */
static int judge_tokens(const stance_positions *p, const char *lang, const char *mlang,
	const char *text, const seg_tokens *t, size_t t0, size_t t1, int list_item)
{
	folded f;
	lens_sentence ls;
	char mark = closing_mark(text, t, t0, t1);
	int has_rules = lang && (!strcmp(lang, "da") || !strcmp(lang, "en")), r;
	size_t k;

	if (fold_tokens(&f, text, t, t0, t1) < 0)
		return -1;
	ls.w = f.w;
	ls.pre = f.pre;
	ls.n = f.n;
	ls.first = 0;
	ls.flags = (mark == '?' ? LENS_QUESTION : 0) | (mark ? 0 : LENS_UNTERMINATED) |
		(list_item ? LENS_LIST_ITEM : 0);
	/* a run-in lead-in in bold ("**Tid:** Giv …"): the sentence proper
	 * starts after its colon */
	if (t1 > t0 && text[t->items[t0].start] == '*')
		for (k = 1; k < f.n && k <= 8; k++)
			if (f.pre[k] == ':') {
				ls.first = k;
				break;
			}
	r = lens_judge(has_rules ? lang : NULL, &ls,
		match_folded(p, mlang, &f, has_rules));
	folded_free(&f);
	return r;
}

int stance_positions_judge(const stance_positions *p, const char *language,
	const char *text, size_t len)
{
	seg_tokens t = { 0 };
	const char *lang = language && *language ? language : lens_detect_language(text, len);
	int r;
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	r = judge_tokens(p, lang, effective_language(p, lang), text, &t, 0, t.count, 0);
	free(t.items);
	return r;
}

const char *stance_positions_detect_language(const char *text, size_t len)
{
	return lens_detect_language(text, len);
}

void stance_position_list_free(stance_position_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++) {
		free(list->items[i].text);
		free(list->items[i].section);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* Text with whitespace runs collapsed and Markdown emphasis marks and heading
 * hashes left as they are; caller frees. Written straight into one buffer of
 * the input's size (the result is never longer). */
static char *collapse(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;
	int sp = 0;
	if (!out) {
		stance_error_oom();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			sp = o > 0;
			continue;
		}
		if (sp)
			out[o++] = ' ';
		sp = 0;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

static int is_alnum_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* A statement as a reader sees it, from its canonical Markdown: backslash
 * escapes ("3\\*1", "\\!") give their character, emphasis marks and code
 * ticks go, a link keeps its text and drops its target, a quote's "> " at
 * the start of a line goes, whitespace runs collapse. The canonical body
 * writes inline Markdown only in these forms (canonical.c). Caller frees. */
static char *reader_text(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;
	int sp = 0, line_start = 0;
	if (!out) {
		stance_error_oom();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			line_start |= c == '\n';
			sp = o > 0;
			continue;
		}
		if (line_start && c == '>')
			continue;
		line_start = 0;
		if (c == '\\' && i + 1 < n && (unsigned char)s[i + 1] < 0x80 &&
		    !is_alnum_byte((unsigned char)s[i + 1]) && s[i + 1] > ' ') {
			c = (unsigned char)s[++i];
		} else if (c == '*' || c == '`') {
			continue;
		} else if (c == '_' && (i == 0 || i + 1 == n || !is_alnum_byte((unsigned char)s[i - 1]) ||
			   !is_alnum_byte((unsigned char)s[i + 1]))) {
			continue;
		} else if (c == '[') {
			size_t k = i + 1;
			while (k + 1 < n && s[k] != '[' && !(s[k] == ']' && s[k + 1] == '('))
				k++;
			if (k + 1 < n && s[k] == ']' && s[k + 1] == '(')
				continue; /* a link: its text follows */
		} else if (c == ']' && i + 1 < n && s[i + 1] == '(') {
			const char *close = memchr(s + i, ')', n - i);
			if (close) {
				i = (size_t)(close - s);
				continue;
			}
		}
		if (sp)
			out[o++] = ' ';
		sp = 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* A heading's text without its "#" marks. Caller frees. */
static char *heading_text(const char *s, size_t n)
{
	size_t a = 0;
	/* the first block of a body that starts with a blank line begins with
	 * that line's newline */
	while (a < n && (s[a] == '#' || s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
		a++;
	return collapse(s + a, n - a);
}

/* A list, quote or table marker, or a bullet or dash, before a statement. */
static int is_marker(const char *s, size_t n)
{
	return (n == 1 && (*s == '-' || *s == '*' || *s == '+' || *s == '>' || *s == '|')) ||
		(n == 3 && (!memcmp(s, "\xE2\x80\xA2", 3) || !memcmp(s, "\xE2\x80\x93", 3) ||
			!memcmp(s, "\xE2\x80\x94", 3))) ||
		(n == 2 && !memcmp(s, "\xC2\xB7", 2));
}

/* "12." or "3)" starting an ordered list item. */
static int is_number_marker(const char *text, const seg_token *num, const seg_token *dot)
{
	size_t k;
	if (dot->end - dot->start != 1 || (text[dot->start] != '.' && text[dot->start] != ')'))
		return 0;
	for (k = num->start; k < num->end; k++)
		if (text[k] < '0' || text[k] > '9')
			return 0;
	return 1;
}

int stance_positions_extract(stance_position_list *out, const stance_positions *p,
	const char *language, const char *body, size_t len)
{
	return positions_extract_masked(out, p, language, body, len, NULL, NULL, 0);
}

int positions_extract_masked(stance_position_list *out, const stance_positions *p,
	const char *language, const char *body, size_t len, const stance_diff_block *given,
	const uint8_t *only, size_t nonly)
{
	return positions_extract_filtered(out, p, language, body, len, given, only, nonly, NULL, NULL);
}

int positions_extract_filtered(stance_position_list *out, const stance_positions *p,
	const char *language, const char *body, size_t len, const stance_diff_block *given,
	const uint8_t *only, size_t nonly, positions_sentence_skip skip, void *skip_ctx)
{
	stance_diff_block *blocks = NULL;
	const stance_diff_block *bks = given;
	size_t nblocks = given ? nonly : 0, i, alloc = 0;
	seg_tokens t = { 0 };
	size_t *ends = NULL, nends = 0, aends = 0;
	char *section = NULL;
	/* the heading the section name comes from, read only when a statement
	 * needs it: most headings of a long text head blocks never listed */
	const stance_diff_block *heading = NULL;
	/* a document whose language is not given is read in the one it is
	 * written in */
	const char *doc_lang = language && *language ? language : lens_detect_language(body, len);
	const char *lang = p ? effective_language(p, doc_lang) : NULL;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (!given) {
		if (seg_blocks(&blocks, &nblocks, body, len) < 0)
			goto done;
		bks = blocks;
	}
	for (i = 0; i < nblocks; i++) {
		const stance_diff_block *bk = &bks[i];
		size_t s, first = 0;
		if (bk->kind == STANCE_BLOCK_HEADING) {
			heading = bk;
			free(section);
			section = NULL;
			continue;
		}
		if (bk->kind == STANCE_BLOCK_CODE || (only && (i >= nonly || !only[i])))
			continue;
		t.count = 0;
		nends = 0;
		if (seg_tokenize(&t, body + bk->start, bk->end - bk->start) < 0 ||
		    seg_sentences(&ends, &nends, &aends, body + bk->start, &t, 0, t.count) < 0)
			goto done;
		for (s = 0; s < nends; s++) {
			size_t a, last = ends[s], b, lead = first;
			int hit;
			/* drop the block's marker ("- ", "1. ", "> ", "| ", a bullet)
			 * and whitespace from the sentence's ends */
			while (lead < last && (t.items[lead].kind == SEG_SPACE ||
			       (t.items[lead].kind == SEG_PUNCT && is_marker(body + bk->start + t.items[lead].start,
					t.items[lead].end - t.items[lead].start)) ||
			       (s == 0 && bk->kind == STANCE_BLOCK_LIST_ITEM && lead + 1 < last &&
				t.items[lead].kind == SEG_WORD && t.items[lead + 1].kind == SEG_PUNCT &&
				is_number_marker(body + bk->start, &t.items[lead], &t.items[lead + 1]))))
				lead += t.items[lead].kind == SEG_WORD ? 2 : 1;
			while (last > lead && t.items[last - 1].kind == SEG_SPACE)
				last--;
			if (last <= lead) {
				first = ends[s];
				continue;
			}
			a = t.items[lead].start + bk->start;
			b = t.items[last - 1].end + bk->start;
			if (skip && skip(skip_ctx, body + a, b - a, s == 0 && bk->kind == STANCE_BLOCK_LIST_ITEM)) {
				first = ends[s];
				continue;
			}
			if (!p) {
				hit = 1; /* every sentence */
			} else if ((hit = judge_tokens(p, doc_lang, lang, body + bk->start, &t, lead, last,
					s == 0 && bk->kind == STANCE_BLOCK_LIST_ITEM)) < 0) {
				goto done;
			}
			if (hit) {
				stance_position *np;
				if (stance_array_grow(&out->items, &alloc, out->count + 1, sizeof(*out->items)) < 0)
					goto done;
				if (!section && !(section = heading ? heading_text(body + heading->start,
					heading->end - heading->start) : stance_strdup("")))
					goto done;
				np = &out->items[out->count];
				np->start = a;
				np->end = b;
				np->text = reader_text(body + a, b - a);
				np->section = stance_strdup(section);
				out->count++;
				if (!np->text || !np->section)
					goto done;
			}
			first = ends[s];
		}
	}
	error = 0;
done:
	if (error < 0)
		stance_position_list_free(out);
	free(blocks);
	free(t.items);
	free(ends);
	free(section);
	return error;
}

/* A number (digits or a number word) or a negation (positions_track.c). */
static int counts_twice(const char *w)
{
	return positions_number_word(w) || positions_negation_word(w);
}

/* Sorted 32-bit hashes of the folded words, for overlap counting. */
static int word_bag(uint32_t **out, size_t *n, const char *text, size_t len)
{
	folded f;
	size_t i;
	uint32_t *h;
	if (fold_words(&f, text, len) < 0)
		return -1;
	if (!(h = malloc((2 * f.n + 1) * sizeof(*h)))) {
		folded_free(&f);
		return stance_error_oom();
	}
	*n = 0;
	for (i = 0; i < f.n; i++) {
		const unsigned char *c = (const unsigned char *)f.w[i];
		size_t wl = strlen(f.w[i]);
		/* numbers, dates and negations are what a position turns on: each
		 * counts twice, whole, so "50" -> "80" or a dropped "ikke" is not
		 * "100% alike" (the second entry is salted to stay distinct) */
		if (counts_twice(f.w[i])) {
			h[(*n)++] = stance_fnv32(c, wl);
			h[(*n)++] = stance_fnv32(c, wl) ^ 0x9E3779B9u;
			continue;
		}
		/* short function words ("at", "vi", "og", "of") say little about a
		 * position; a crude stem (six bytes, on a character boundary) lets
		 * "kvaliteten" meet "kvalitet" and "regler" meet "reglerne" */
		if (wl < 3)
			continue;
		if (wl > 6) {
			wl = 6;
			while (wl > 0 && (c[wl] & 0xC0) == 0x80)
				wl--;
		}
		h[(*n)++] = stance_fnv32(c, wl);
	}
	folded_free(&f);
	seg_sort_u32(h, *n);
	*out = h;
	return 0;
}


/* Dice coefficient of two sorted bags. */
static double dice(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, common = 0;
	if (na + nb == 0)
		return 1.0;
	/* branch-free steps: the values are hashes (see bag_dice in diff.c) */
	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];
		common += x == y;
		i += x <= y;
		j += y <= x;
	}
	return 2.0 * (double)common / (double)(na + nb);
}

double stance_text_similarity(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t *ha = NULL, *hb = NULL;
	size_t na = 0, nb = 0;
	double r = 0;
	if (word_bag(&ha, &na, a, alen) == 0 && word_bag(&hb, &nb, b, blen) == 0)
		r = dice(ha, na, hb, nb);
	free(ha);
	free(hb);
	return r;
}

void stance_position_change_list_free(stance_position_change_list *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static int push_change(stance_position_change_list *out, size_t *alloc,
	stance_position_change_kind kind, int o, int n, double sim)
{
	if (stance_array_grow(&out->items, alloc, out->count + 1, sizeof(*out->items)) < 0)
		return STANCE_ERROR;
	out->items[out->count].kind = kind;
	out->items[out->count].old_index = o;
	out->items[out->count].new_index = n;
	out->items[out->count].similarity = sim;
	out->count++;
	return 0;
}

/* Statements at least this alike are one position, reworded (positions.h);
 * below it, one removed and one added. */
#define REWORD_THRESHOLD STANCE_POSITION_REWORD_THRESHOLD

uint64_t *positions_text_hashes(const stance_position_list *l)
{
	uint64_t *h = malloc((l->count + 1) * sizeof(*h));
	size_t i;
	if (!h) {
		stance_error_oom();
		return NULL;
	}
	for (i = 0; i < l->count; i++)
		h[i] = seg_hash_normalized(l->items[i].text, strlen(l->items[i].text));
	return h;
}

int stance_positions_compare(stance_position_change_list *out,
	const stance_position_list *ol, const stance_position_list *nl)
{
	uint64_t *oh = positions_text_hashes(ol), *nh = positions_text_hashes(nl);
	int error = -1;
	memset(out, 0, sizeof(*out));
	if (oh && nh)
		error = positions_compare_hashed(out, ol, oh, nl, nh);
	free(oh);
	free(nh);
	return error;
}

int positions_compare_hashed(stance_position_change_list *out, const stance_position_list *ol,
	const uint64_t *oh, const stance_position_list *nl, const uint64_t *nh)
{
	uint32_t **ob = NULL, **nb = NULL;
	size_t *on = NULL, *nn = NULL, alloc = 0, i, j;
	int *o_used = NULL, *n_used = NULL, error = -1;

	memset(out, 0, sizeof(*out));
	ob = calloc(ol->count + 1, sizeof(*ob));
	nb = calloc(nl->count + 1, sizeof(*nb));
	on = calloc(ol->count + 1, sizeof(*on));
	nn = calloc(nl->count + 1, sizeof(*nn));
	o_used = calloc(ol->count + 1, sizeof(int));
	n_used = calloc(nl->count + 1, sizeof(int));
	if (!ob || !nb || !on || !nn || !o_used || !n_used) {
		stance_error_oom();
		goto done;
	}
	/* identical wording first: unchanged, not listed (the texts' hashes
	 * compared first: across a collection's revisions most statements
	 * stay, and long sentences share long beginnings) */
	{
		positions_text_slot *ns = malloc((nl->count + 1) * sizeof(*ns));
		if (!ns) {
			stance_error_oom();
			goto done;
		}
		for (j = 0; j < nl->count; j++) {
			ns[j].hash = nh[j];
			ns[j].index = j;
		}
		positions_slots_sort(ns, nl->count);
		/* each old statement to the first new one of its wording not taken */
		for (i = 0; i < ol->count; i++) {
			size_t k;
			for (k = positions_slots_find(ns, nl->count, oh[i]); k < nl->count && ns[k].hash == oh[i]; k++) {
				j = ns[k].index;
				if (!n_used[j] && !strcmp(ol->items[i].text, nl->items[j].text)) {
					o_used[i] = n_used[j] = 1;
					break;
				}
			}
		}
		free(ns);
	}
	for (i = 0; i < ol->count; i++)
		if (!o_used[i] && word_bag(&ob[i], &on[i], ol->items[i].text, strlen(ol->items[i].text)) < 0)
			goto done;
	for (j = 0; j < nl->count; j++)
		if (!n_used[j] && word_bag(&nb[j], &nn[j], nl->items[j].text, strlen(nl->items[j].text)) < 0)
			goto done;
	/* then the best remaining pairs, greedily, best first */
	for (;;) {
		double best = REWORD_THRESHOLD;
		size_t bi = 0, bj = 0;
		int found = 0;
		for (i = 0; i < ol->count; i++) {
			if (o_used[i])
				continue;
			for (j = 0; j < nl->count; j++) {
				double s;
				if (n_used[j])
					continue;
				s = dice(ob[i], on[i], nb[j], nn[j]);
				if (s >= best) {
					best = s;
					bi = i;
					bj = j;
					found = 1;
				}
			}
		}
		if (!found)
			break;
		o_used[bi] = n_used[bj] = 1;
		if (push_change(out, &alloc, STANCE_POSITION_REWORDED, (int)bi, (int)bj, best) < 0)
			goto done;
	}
	for (i = 0; i < ol->count; i++)
		if (!o_used[i] && push_change(out, &alloc, STANCE_POSITION_REMOVED, (int)i, -1, 0) < 0)
			goto done;
	for (j = 0; j < nl->count; j++)
		if (!n_used[j] && push_change(out, &alloc, STANCE_POSITION_ADDED, -1, (int)j, 0) < 0)
			goto done;
	error = 0;
done:
	if (error < 0)
		stance_position_change_list_free(out);
	for (i = 0; ob && i < ol->count; i++)
		free(ob[i]);
	for (j = 0; nb && j < nl->count; j++)
		free(nb[j]);
	free(ob);
	free(nb);
	free(on);
	free(nn);
	free(o_used);
	free(n_used);
	return error;
}

/* Appends a copy of `src` to `list`. */
static int list_push_copy(stance_position_list *list, const stance_position *src)
{
	stance_position *np = realloc(list->items, (list->count + 1) * sizeof(*np));
	if (!np)
		return stance_error_oom();
	list->items = np;
	np = &list->items[list->count];
	np->start = src->start;
	np->end = src->end;
	np->text = stance_strdup(src->text);
	np->section = stance_strdup(src->section);
	if (!np->text || !np->section) {
		free(np->text);
		free(np->section);
		return STANCE_ERROR;
	}
	list->count++;
	return 0;
}

/* Is a sentence at [start, end) already one of the list's statements? */
static int in_list(const stance_position_list *list, size_t start, size_t end)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		if (list->items[i].start == start && list->items[i].end == end)
			return 1;
	return 0;
}

/* Pairs statements left added or removed in one direction: `kind` changes
 * whose statement is on side `from` look for a sentence of `cands` (the
 * other side's sentences) alike enough. */
static int pair_one_way(stance_position_change_list *ch, stance_position_list *from_list,
	stance_position_list *to_list, const stance_position_list *cands,
	stance_position_change_kind kind, int from_is_old)
{
	uint32_t **cb = NULL;
	size_t *cn = NULL, i, c;
	uint8_t *used = NULL;
	int error = -1;

	if (!cands->count)
		return 0;
	cb = calloc(cands->count, sizeof(*cb));
	cn = calloc(cands->count, sizeof(*cn));
	used = calloc(cands->count, 1);
	if (!cb || !cn || !used) {
		stance_error_oom();
		goto done;
	}
	for (c = 0; c < cands->count; c++) {
		if (in_list(to_list, cands->items[c].start, cands->items[c].end)) {
			used[c] = 1; /* a statement already: compared as one */
			continue;
		}
		if (word_bag(&cb[c], &cn[c], cands->items[c].text, strlen(cands->items[c].text)) < 0)
			goto done;
	}
	for (i = 0; i < ch->count; i++) {
		stance_position_change *x = &ch->items[i];
		int idx = from_is_old ? x->old_index : x->new_index;
		uint32_t *h = NULL;
		size_t n = 0, best_c = 0;
		double best = STANCE_POSITION_RESTATED_THRESHOLD; /* stricter: no marker to go by */
		int found = 0;
		if (x->kind != kind)
			continue;
		if (word_bag(&h, &n, from_list->items[idx].text, strlen(from_list->items[idx].text)) < 0)
			goto done;
		for (c = 0; c < cands->count; c++) {
			double sim;
			if (used[c])
				continue;
			sim = dice(h, n, cb[c], cn[c]);
			if (sim >= best) {
				best = sim;
				best_c = c;
				found = 1;
			}
		}
		free(h);
		if (!found)
			continue;
		if (list_push_copy(to_list, &cands->items[best_c]) < 0)
			goto done;
		used[best_c] = 1;
		x->kind = STANCE_POSITION_REWORDED;
		x->similarity = best;
		if (from_is_old)
			x->new_index = (int)to_list->count - 1;
		else
			x->old_index = (int)to_list->count - 1;
	}
	error = 0;
done:
	for (c = 0; cb && c < cands->count; c++)
		free(cb[c]);
	free(cb);
	free(cn);
	free(used);
	return error;
}

int positions_pair_restated(stance_position_change_list *ch, stance_position_list *old_list,
	stance_position_list *new_list, const stance_position_list *old_all,
	const stance_position_list *new_all)
{
	if (pair_one_way(ch, old_list, new_list, new_all, STANCE_POSITION_REMOVED, 1) < 0 ||
	    pair_one_way(ch, new_list, old_list, old_all, STANCE_POSITION_ADDED, 0) < 0)
		return -1;
	return 0;
}
