/*
 * pickaxe.c: phrase and pattern search by sentence (pickaxe.h).
 */
#include <locale.h>
#include <regex.h>

#include "internal.h"
#include "stance/pickaxe.h"
#include "stance/document.h"
#include "segment.h"

struct stance_pickaxe {
	stance_pickaxe_kind kind;
	int flags;
	const stance_positions *positions;
	regex_t re;
	int have_re;
	locale_t utf8;    /* the regex reads UTF-8: "." is a character, [[:alpha:]] has æ */
	char **words;     /* WORDS: the pattern's words, case-folded */
	size_t nwords;
	char *needle;     /* WORDS: the longest word when it is ASCII, for a quick look */
	/* what each blob gave, so that a revision's previous text is not read
	 * and searched again: blob id (its first 16 hex digits) -> summary */
	uint64_t *seen_keys, *seen_vals;
	size_t seen_cap, seen_count;
	/* each paragraph's matching sentences (stance_pickaxe_paragraph): key
	 * + 1 -> 1 + the index in `paras`, or 0 for a paragraph without any */
	uint64_t *para_keys, *para_vals;
	size_t para_cap, para_count;
	stance_pickaxe_hit_list **paras;
	size_t nparas, paras_alloc;
};

static const stance_pickaxe_hit_list no_hits = { NULL, 0, 0 };

static uint64_t blob_key(const char *hex)
{
	uint64_t k = 0;
	int i;
	for (i = 0; i < 16 && hex[i]; i++)
		k = (k << 4) | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : (hex[i] | 32) - 'a' + 10);
	return k ? k : 1;
}

/* An open-addressing map of nonzero 64-bit keys: the blob summaries and
 * the paragraphs' hits. */
static int map_get(uint64_t *const *keys, uint64_t *const *vals, size_t cap, uint64_t key, uint64_t *val)
{
	size_t i;
	if (!cap)
		return 0;
	for (i = key & (cap - 1); (*keys)[i]; i = (i + 1) & (cap - 1))
		if ((*keys)[i] == key) {
			*val = (*vals)[i];
			return 1;
		}
	return 0;
}

/* -1 when out of memory (nothing added) */
static int map_put(uint64_t **keys, uint64_t **vals, size_t *cap, size_t *count, uint64_t key, uint64_t val)
{
	size_t i;
	if ((*count + 1) * 2 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024, j;
		uint64_t *k = calloc(ncap, sizeof(*k)), *v = calloc(ncap, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return -1;
		}
		for (j = 0; j < *cap; j++) {
			if (!(*keys)[j])
				continue;
			for (i = (*keys)[j] & (ncap - 1); k[i]; i = (i + 1) & (ncap - 1))
				;
			k[i] = (*keys)[j];
			v[i] = (*vals)[j];
		}
		free(*keys);
		free(*vals);
		*keys = k;
		*vals = v;
		*cap = ncap;
	}
	for (i = key & (*cap - 1); (*keys)[i] && (*keys)[i] != key; i = (i + 1) & (*cap - 1))
		;
	if (!(*keys)[i])
		(*count)++;
	(*keys)[i] = key;
	(*vals)[i] = val;
	return 0;
}

static int seen_get(const stance_pickaxe *pk, uint64_t key, uint64_t *val)
{
	return map_get(&pk->seen_keys, &pk->seen_vals, pk->seen_cap, key, val);
}

static void seen_put(stance_pickaxe *pk, uint64_t key, uint64_t val)
{
	/* only a cache: out of memory, the text is read again */
	(void)map_put(&pk->seen_keys, &pk->seen_vals, &pk->seen_cap, &pk->seen_count, key, val);
}

/* WORDS: the number of occurrences; the others: a hash of the matching
 * sentences, in order. Two texts with equal summaries are no change. */
static uint64_t summary_of(const stance_pickaxe *pk, const stance_pickaxe_hit_list *l)
{
	uint64_t h = STANCE_FNV64_BASIS;
	size_t i;
	const unsigned char *c;
	if (pk->kind == STANCE_PICKAXE_WORDS)
		return l->hits;
	for (i = 0; i < l->count; i++) {
		for (c = (const unsigned char *)l->items[i].text; *c; c++)
			h = stance_fnv64_step(h, *c);
		h = stance_fnv64_step(h, '\n');
	}
	return h;
}

static void free_words(stance_pickaxe *pk)
{
	size_t i;
	for (i = 0; i < pk->nwords; i++)
		free(pk->words[i]);
	free(pk->words);
}

void stance_pickaxe_free(stance_pickaxe *pk)
{
	size_t i;
	if (!pk)
		return;
	if (pk->have_re)
		regfree(&pk->re);
	if (pk->utf8)
		freelocale(pk->utf8);
	free_words(pk);
	free(pk->needle);
	free(pk->seen_keys);
	free(pk->seen_vals);
	free(pk->para_keys);
	free(pk->para_vals);
	for (i = 0; i < pk->nparas; i++) {
		stance_pickaxe_hit_list_free(pk->paras[i]);
		free(pk->paras[i]);
	}
	free(pk->paras);
	free(pk);
}

/* The case-folded word tokens of text[0, len), appended to *words. */
static int fold_words(char ***words, size_t *n, size_t *alloc, const char *text, size_t len)
{
	seg_tokens t = { 0 };
	size_t i;
	int error = -1;
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	for (i = 0; i < t.count; i++) {
		size_t wl = t.items[i].end - t.items[i].start;
		char *w;
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		if (stance_array_grow(words, alloc, *n + 1, sizeof(char *)) < 0 || !(w = malloc(4 * wl + 1))) {
			stance_error_oom();
			goto done;
		}
		seg_fold(w, text + t.items[i].start, wl);
		(*words)[(*n)++] = w;
	}
	error = 0;
done:
	free(t.items);
	return error;
}

int stance_pickaxe_new(stance_pickaxe **out, stance_pickaxe_kind kind, const char *pattern,
	int flags, const stance_positions *positions)
{
	stance_pickaxe *pk = calloc(1, sizeof(*pk));
	stance_buf re = STANCE_BUF_INIT;
	size_t alloc = 0, i;
	int error = -1;

	*out = NULL;
	if (!pk)
		return stance_error_oom();
	pk->kind = kind;
	pk->flags = flags;
	pk->positions = positions;
	if (kind == STANCE_PICKAXE_WORDS) {
		size_t best = 0;
		if (fold_words(&pk->words, &pk->nwords, &alloc, pattern, strlen(pattern)) < 0)
			goto done;
		if (!pk->nwords) {
			error = stance_error_set(STANCE_EINVALID, "'%s' has no word to look for", pattern);
			goto done;
		}
		for (i = 0; i < pk->nwords; i++)
			if (strlen(pk->words[i]) > best) {
				best = strlen(pk->words[i]);
				free(pk->needle);
				pk->needle = stance_strdup(pk->words[i]);
			}
		for (i = 0; pk->needle && pk->needle[i]; i++)
			if ((unsigned char)pk->needle[i] >= 0x80) {
				free(pk->needle);
				pk->needle = NULL;
				break;
			}
		*out = pk;
		return 0;
	}
	/* ICASE: the pattern and each sentence are case-folded by utf8proc, as
	 * the C library's REG_ICASE knows no letters beyond ASCII without a locale */
	{
		size_t plen = strlen(pattern);
		char *folded = malloc(4 * plen + 1);
		const char *p;
		if (!folded) {
			error = stance_error_oom();
			goto done;
		}
		if (flags & STANCE_PICKAXE_ICASE)
			seg_fold(folded, pattern, plen);
		else
			memcpy(folded, pattern, plen + 1);
		if (flags & STANCE_PICKAXE_WHOLE_WORD)
			stance_buf_puts(&re, "(^|[^[:alnum:]_])(");
		if (kind == STANCE_PICKAXE_FIXED) {
			for (p = folded; *p; p++) {
				if (strchr("\\^$.[]|()*+?{}", *p))
					stance_buf_putc(&re, '\\');
				stance_buf_putc(&re, *p);
			}
		} else {
			stance_buf_puts(&re, folded);
		}
		if (flags & STANCE_PICKAXE_WHOLE_WORD)
			stance_buf_puts(&re, ")([^[:alnum:]_]|$)");
		free(folded);
	}
	if (re.size == 0 && kind == STANCE_PICKAXE_FIXED) {
		error = stance_error_set(STANCE_EINVALID, "the pattern is empty");
		goto done;
	}
	{
		locale_t was = (locale_t)0;
		int rc;
		/* the thread's locale only, for the compile and each match */
		pk->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (pk->utf8)
			was = uselocale(pk->utf8);
		rc = regcomp(&pk->re, stance_buf_cstr(&re), REG_EXTENDED);
		if (pk->utf8)
			uselocale(was);
		if (rc) {
			char msg[256];
			regerror(rc, &pk->re, msg, sizeof(msg));
			error = stance_error_set(STANCE_EINVALID, "'%s' is not a regular expression: %s", pattern, msg);
			goto done;
		}
		pk->have_re = 1;
	}
	*out = pk;
	pk = NULL;
	error = 0;
done:
	stance_buf_dispose(&re);
	stance_pickaxe_free(pk);
	return error;
}

void stance_pickaxe_hit_list_free(stance_pickaxe_hit_list *list)
{
	size_t i;
	for (i = 0; i < list->count; i++)
		free(list->items[i].text);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void stance_pickaxe_change_free(stance_pickaxe_change *c)
{
	stance_pickaxe_hit_list_free(&c->before);
	stance_pickaxe_hit_list_free(&c->after);
}

/* Occurrences of the pattern's words, in a row, among the sentence's. */
static size_t count_words(const stance_pickaxe *pk, const char *text, size_t len)
{
	char **w = NULL;
	size_t n = 0, alloc = 0, i, j, hits = 0;
	if (fold_words(&w, &n, &alloc, text, len) < 0)
		return 0;
	for (i = 0; i + pk->nwords <= n; i++) {
		for (j = 0; j < pk->nwords && !strcmp(w[i + j], pk->words[j]); j++)
			;
		if (j == pk->nwords) {
			hits++;
			i += pk->nwords - 1;
		}
	}
	for (i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return hits;
}

static size_t count_regex(const stance_pickaxe *pk, const char *text)
{
	regmatch_t m;
	size_t hits = 0;
	const char *p = text;
	int eflags = 0;
	locale_t was = pk->utf8 ? uselocale(pk->utf8) : (locale_t)0;
	while (*p && !regexec(&pk->re, p, 1, &m, eflags)) {
		hits++;
		p += m.rm_eo > m.rm_so ? m.rm_eo : m.rm_so + 1;
		eflags = REG_NOTBOL;
	}
	if (!hits && !*text && !regexec(&pk->re, text, 1, &m, 0))
		hits = 1;
	if (pk->utf8)
		uselocale(was);
	return hits;
}

/* ASCII case-insensitive search for a lower-case needle. */
static int contains_ascii(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;
	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++) {
			unsigned char c = (unsigned char)hay[i + j];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)needle[j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

/* A byte that may belong to a word token: ASCII letters and digits, and
 * every byte of a multibyte character (the letters æ, ø, å...). */
static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The word token before (dir -1) or after (dir 1) token j, skipping spaces
 * and markup but not a sentence's or a block's end; -1 when none. */
static long next_word(const seg_tokens *t, const char *text, long j, int dir)
{
	for (j += dir; j >= 0 && (size_t)j < t->count; j += dir) {
		const seg_token *tk = &t->items[j];
		size_t wl = tk->end - tk->start;
		if (tk->kind == SEG_WORD || tk->kind == SEG_CJK)
			return j;
		if (tk->kind == SEG_PUNCT && wl == 1 && strchr(".!?", text[tk->start]))
			return -1;
		if (tk->kind == SEG_SPACE) {
			const char *nl = memchr(text + tk->start, '\n', wl);
			if (nl && memchr(nl + 1, '\n', wl - (size_t)(nl - (text + tk->start)) - 1))
				return -1;
		}
	}
	return -1;
}

/* The pattern's words around each whole-word occurrence of its longest
 * word (ASCII, found by a byte scan): most texts hold the longest word
 * seldom, so only a short stretch round each is tokenized. */
static long count_around_needle(const stance_pickaxe *pk, const char *body, size_t len)
{
	size_t nl = strlen(pk->needle), w, p, hits = 0;
	seg_tokens t = { 0 };
	char small[512];
	for (w = 0; w < pk->nwords && strcmp(pk->words[w], pk->needle); w++)
		;
	for (p = 0; p + nl <= len; p++) {
		size_t a, b, k;
		long j, at = -1;
		int ok = 1;
		for (k = 0; k < nl; k++) {
			unsigned char c = (unsigned char)body[p + k];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)pk->needle[k])
				break;
		}
		if (k < nl || (p > 0 && word_byte((unsigned char)body[p - 1])) ||
		    (p + nl < len && word_byte((unsigned char)body[p + nl])))
			continue;
		if (pk->nwords == 1) {
			hits++;
			continue;
		}
		/* a stretch that starts and ends at ASCII whitespace round it */
		a = p > 256 ? p - 256 : 0;
		while (a > 0 && a < p && body[a - 1] != ' ' && body[a - 1] != '\n')
			a++;
		b = p + nl + 256 < len ? p + nl + 256 : len;
		while (b < len && b > p + nl && body[b] != ' ' && body[b] != '\n')
			b--;
		t.count = 0;
		if (seg_tokenize(&t, body + a, b - a) < 0) {
			free(t.items);
			return -1;
		}
		for (j = 0; (size_t)j < t.count; j++)
			if (t.items[j].start == p - a) {
				at = j;
				break;
			}
		if (at < 0)
			continue;
		for (k = w, j = at; ok && k > 0; k--) {
			size_t wl, fl;
			if ((j = next_word(&t, body + a, j, -1)) < 0)
				ok = 0;
			else if ((wl = t.items[j].end - t.items[j].start) * 4 + 1 > sizeof(small))
				ok = 0;
			else {
				fl = seg_fold(small, body + a + t.items[j].start, wl);
				ok = fl == strlen(pk->words[k - 1]) && !memcmp(small, pk->words[k - 1], fl);
			}
		}
		for (k = w + 1, j = at; ok && k < pk->nwords; k++) {
			size_t wl, fl;
			if ((j = next_word(&t, body + a, j, 1)) < 0)
				ok = 0;
			else if ((wl = t.items[j].end - t.items[j].start) * 4 + 1 > sizeof(small))
				ok = 0;
			else {
				fl = seg_fold(small, body + a + t.items[j].start, wl);
				ok = fl == strlen(pk->words[k]) && !memcmp(small, pk->words[k], fl);
			}
		}
		if (ok)
			hits++;
	}
	free(t.items);
	return (long)hits;
}

/* WORDS over a whole body at once, for the summary: the pattern's words in
 * a row, not across a sentence's end (". ! ?") or a block's, one tokenization and no
 * allocation a word; -1 when out of memory. */
static long count_body_words(const stance_pickaxe *pk, const char *body, size_t len)
{
	seg_tokens t = { 0 };
	size_t i, j, k, hits = 0;
	char small[512];
	if (pk->needle)
		return count_around_needle(pk, body, len);
	if (seg_tokenize(&t, body, len) < 0)
		return -1;
	for (i = 0; i < t.count; i++) {
		size_t matched = 0;
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		for (j = i; j < t.count && matched < pk->nwords; j++) {
			const seg_token *tk = &t.items[j];
			size_t wl = tk->end - tk->start;
			if (tk->kind == SEG_PUNCT) {
				char c = body[tk->start];
				if (wl == 1 && (c == '.' || c == '!' || c == '?'))
					break;
				continue;
			}
			if (tk->kind == SEG_SPACE) {
				if (memchr(body + tk->start, '\n', wl) &&
				    memchr(memchr(body + tk->start, '\n', wl) + 1, '\n',
					    wl - (size_t)((const char *)memchr(body + tk->start, '\n', wl) - (body + tk->start)) - 1))
					break; /* a blank line: the block ends */
				continue;
			}
			if (4 * wl + 1 > sizeof(small))
				break;
			k = seg_fold(small, body + tk->start, wl);
			if (k != strlen(pk->words[matched]) || memcmp(small, pk->words[matched], k))
				break;
			matched++;
		}
		if (matched == pk->nwords) {
			hits++;
			i = j - 1;
		}
	}
	free(t.items);
	return (long)hits;
}

long stance_pickaxe_count(const stance_pickaxe *pk, const char *text, size_t len)
{
	if (pk->kind != STANCE_PICKAXE_WORDS || pk->positions)
		return 0;
	return count_body_words(pk, text, len);
}

int stance_pickaxe_body(stance_pickaxe_hit_list *out, const stance_pickaxe *pk,
	const char *body, size_t len)
{
	seg_sentence_list sl;
	size_t i, alloc = 0;
	char *fold = NULL;
	size_t fold_alloc = 0;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (pk->kind == STANCE_PICKAXE_WORDS && pk->needle && !contains_ascii(body, len, pk->needle))
		return 0;
	if (seg_body_sentences(&sl, body, len) < 0)
		return -1;
	for (i = 0; i < sl.count; i++) {
		const seg_sentence *s = &sl.items[i];
		size_t hits;
		char *text = NULL;
		if (pk->positions && !stance_positions_match(pk->positions, NULL, body + s->start, s->end - s->start))
			continue;
		if (pk->kind == STANCE_PICKAXE_WORDS) {
			/* a sentence without the longest word holds none */
			hits = pk->needle && !contains_ascii(body + s->start, s->end - s->start, pk->needle) ? 0
				: count_words(pk, body + s->start, s->end - s->start);
		} else {
			if (!(text = seg_collapse(body + s->start, s->end - s->start)))
				goto done;
			if (pk->flags & STANCE_PICKAXE_ICASE) {
				size_t need = 4 * strlen(text) + 1;
				if (need > fold_alloc) {
					char *f = realloc(fold, need);
					if (!f) {
						free(text);
						stance_error_oom();
						goto done;
					}
					fold = f;
					fold_alloc = need;
				}
				seg_fold(fold, text, strlen(text));
			}
			hits = count_regex(pk, pk->flags & STANCE_PICKAXE_ICASE ? fold : text);
		}
		if (!hits) {
			free(text);
			continue;
		}
		if (!text && !(text = seg_collapse(body + s->start, s->end - s->start)))
			goto done;
		if (stance_array_grow(&out->items, &alloc, out->count + 1, sizeof(*out->items)) < 0) {
			free(text);
			goto done;
		}
		out->items[out->count++] = (stance_pickaxe_hit){ s->start, s->end, text, hits };
		out->hits += hits;
	}
	error = 0;
done:
	free(sl.items);
	free(fold);
	if (error < 0)
		stance_pickaxe_hit_list_free(out);
	return error;
}

static int has_text(const stance_pickaxe_hit_list *l, const char *text)
{
	size_t i;
	for (i = 0; i < l->count; i++)
		if (l->items[i].text && !strcmp(l->items[i].text, text))
			return 1;
	return 0;
}

/* Moves the hits of `from` whose text `other` lacks into `to`. */
static int keep_only_new(stance_pickaxe_hit_list *to, stance_pickaxe_hit_list *from,
	const stance_pickaxe_hit_list *other)
{
	size_t i, alloc = 0;
	memset(to, 0, sizeof(*to));
	for (i = 0; i < from->count; i++) {
		if (has_text(other, from->items[i].text))
			continue;
		if (stance_array_grow(&to->items, &alloc, to->count + 1, sizeof(*to->items)) < 0)
			return -1;
		to->items[to->count++] = from->items[i];
		to->hits += from->items[i].hits;
		from->items[i].text = NULL;
	}
	return 0;
}

/* The change from both sides' matching sentences, which it frees. */
static int change_from(stance_pickaxe_change *out, stance_pickaxe_hit_list *old_hits,
	stance_pickaxe_hit_list *new_hits)
{
	int error = 0;
	memset(out, 0, sizeof(*out));
	out->changed = 1;
	if (keep_only_new(&out->before, old_hits, new_hits) < 0 || keep_only_new(&out->after, new_hits, old_hits) < 0) {
		stance_pickaxe_change_free(out);
		out->changed = 1;
		error = -1;
	}
	stance_pickaxe_hit_list_free(old_hits);
	stance_pickaxe_hit_list_free(new_hits);
	return error;
}

static int read_body(stance_buf *raw, const char **body, size_t *len, stance_repo *repo, const char *blob)
{
	size_t off;
	if (blob[0] && stance_history_read_blob(raw, repo, blob) < 0)
		return -1;
	off = stance_document_body_offset(stance_buf_cstr(raw), raw->size);
	*body = stance_buf_cstr(raw) + off;
	*len = raw->size - off;
	return 0;
}

/* The summary of blob `blob` ("" an empty text), from the cache or read. */
static int blob_summary(uint64_t *out, stance_pickaxe *pk, stance_repo *repo, const char *blob)
{
	stance_buf raw = STANCE_BUF_INIT;
	stance_pickaxe_hit_list hits = { 0 };
	const char *body;
	size_t len;
	uint64_t key = blob[0] ? blob_key(blob) : 0;
	int error;
	if (!blob[0]) {
		*out = pk->kind == STANCE_PICKAXE_WORDS ? 0 : STANCE_FNV64_BASIS;
		return 0;
	}
	if (seen_get(pk, key, out))
		return 0;
	error = read_body(&raw, &body, &len, repo, blob);
	if (!error && pk->kind == STANCE_PICKAXE_WORDS && !pk->positions) {
		long n = count_body_words(pk, body, len);
		if (n < 0)
			error = -1;
		else {
			*out = (uint64_t)n;
			seen_put(pk, key, *out);
		}
	} else if (!error) {
		error = stance_pickaxe_body(&hits, pk, body, len);
		if (!error) {
			*out = summary_of(pk, &hits);
			seen_put(pk, key, *out);
		}
	}
	stance_pickaxe_hit_list_free(&hits);
	stance_buf_dispose(&raw);
	return error;
}

int stance_pickaxe_revision(stance_pickaxe_change *out, stance_pickaxe *pk,
	stance_repo *repo, const stance_revision *rev)
{
	const char *new_blob = rev->removed ? "" : rev->blob;
	uint64_t before, after;

	memset(out, 0, sizeof(*out));
	if (blob_summary(&before, pk, repo, rev->prev_blob) < 0 || blob_summary(&after, pk, repo, new_blob) < 0)
		return -1;
	if (before == after)
		return 0;
	return stance_pickaxe_revision_sentences(out, pk, repo, rev);
}

int stance_pickaxe_revision_sentences(stance_pickaxe_change *out, stance_pickaxe *pk,
	stance_repo *repo, const stance_revision *rev)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	const char *ob, *nb, *new_blob = rev->removed ? "" : rev->blob;
	size_t ol, nl;
	int error = -1;

	memset(out, 0, sizeof(*out));
	out->changed = 1;
	if (read_body(&a, &ob, &ol, repo, rev->prev_blob) < 0 ||
	    read_body(&b, &nb, &nl, repo, new_blob) < 0)
		goto done;
	error = stance_pickaxe_bodies_change(out, pk, ob, ol, nb, nl);
done:
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	if (error < 0)
		stance_pickaxe_change_free(out);
	return error;
}

int stance_pickaxe_bodies_change(stance_pickaxe_change *out, stance_pickaxe *pk,
	const char *old_body, size_t old_len, const char *new_body, size_t new_len)
{
	stance_pickaxe_hit_list old_hits = { 0 }, new_hits = { 0 };
	memset(out, 0, sizeof(*out));
	out->changed = 1;
	if (stance_pickaxe_body(&old_hits, pk, old_body, old_len) < 0 ||
	    stance_pickaxe_body(&new_hits, pk, new_body, new_len) < 0) {
		stance_pickaxe_hit_list_free(&old_hits);
		stance_pickaxe_hit_list_free(&new_hits);
		return -1;
	}
	return change_from(out, &old_hits, &new_hits);
}

const stance_pickaxe_hit_list *stance_pickaxe_paragraph_seen(const stance_pickaxe *pk, uint64_t key)
{
	uint64_t v;
	if (!map_get(&pk->para_keys, &pk->para_vals, pk->para_cap, key + 1, &v))
		return NULL;
	return v ? pk->paras[v - 1] : &no_hits;
}

int stance_pickaxe_paragraph(const stance_pickaxe_hit_list **out, stance_pickaxe *pk, uint64_t key,
	const char *text, size_t len)
{
	stance_pickaxe_hit_list *l;
	uint64_t v = 0;
	if ((*out = stance_pickaxe_paragraph_seen(pk, key)))
		return 0;
	if (!(l = calloc(1, sizeof(*l))))
		return stance_error_oom();
	if (stance_pickaxe_body(l, pk, text, len) < 0) {
		free(l);
		return -1;
	}
	/* most paragraphs hold no match: those keep no list of their own; the
	 * others keep theirs at its size, a run may remember thousands */
	if (l->count) {
		stance_pickaxe_hit *fit = realloc(l->items, l->count * sizeof(*l->items));
		if (fit)
			l->items = fit;
		if (stance_array_grow(&pk->paras, &pk->paras_alloc, pk->nparas + 1, sizeof(*pk->paras)) < 0) {
			stance_pickaxe_hit_list_free(l);
			free(l);
			return -1;
		}
		pk->paras[pk->nparas++] = l;
		v = pk->nparas;
	} else {
		free(l);
	}
	if (map_put(&pk->para_keys, &pk->para_vals, &pk->para_cap, &pk->para_count, key + 1, v) < 0)
		return stance_error_oom();
	*out = v ? pk->paras[v - 1] : &no_hits;
	return 0;
}

/* Whether one of the n lists holds a hit of text `text`. */
static int parts_have_text(const stance_pickaxe_hit_list *const *parts, size_t n, const char *text)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (has_text(parts[i], text))
			return 1;
	return 0;
}

/* The hits of `from` whose text `other` lacks, copied into `to`. */
static int copy_only_new(stance_pickaxe_hit_list *to, const stance_pickaxe_hit_list *const *from, size_t nfrom,
	const stance_pickaxe_hit_list *const *other, size_t nother)
{
	size_t i, j, alloc = 0;
	for (i = 0; i < nfrom; i++)
		for (j = 0; j < from[i]->count; j++) {
			const stance_pickaxe_hit *h = &from[i]->items[j];
			char *text;
			if (parts_have_text(other, nother, h->text))
				continue;
			if (stance_array_grow(&to->items, &alloc, to->count + 1, sizeof(*to->items)) < 0 ||
			    !(text = stance_strdup(h->text)))
				return -1;
			to->items[to->count++] = (stance_pickaxe_hit){ h->start, h->end, text, h->hits };
			to->hits += h->hits;
		}
	return 0;
}

int stance_pickaxe_paragraphs_change(stance_pickaxe_change *out,
	const stance_pickaxe_hit_list *const *old_parts, size_t nold,
	const stance_pickaxe_hit_list *const *new_parts, size_t nnew)
{
	memset(out, 0, sizeof(*out));
	out->changed = 1;
	if (copy_only_new(&out->before, old_parts, nold, new_parts, nnew) < 0 ||
	    copy_only_new(&out->after, new_parts, nnew, old_parts, nold) < 0) {
		stance_pickaxe_change_free(out);
		out->changed = 1;
		return -1;
	}
	return 0;
}
