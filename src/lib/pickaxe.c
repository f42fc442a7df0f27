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
};

static void free_words(stance_pickaxe *pk)
{
	size_t i;
	for (i = 0; i < pk->nwords; i++)
		free(pk->words[i]);
	free(pk->words);
}

void stance_pickaxe_free(stance_pickaxe *pk)
{
	if (!pk)
		return;
	if (pk->have_re)
		regfree(&pk->re);
	if (pk->utf8)
		freelocale(pk->utf8);
	free_words(pk);
	free(pk->needle);
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
			hits = count_words(pk, body + s->start, s->end - s->start);
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

int stance_pickaxe_revision(stance_pickaxe_change *out, const stance_pickaxe *pk,
	stance_repo *repo, const stance_revision *rev)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	stance_pickaxe_hit_list old_hits = { 0 }, new_hits = { 0 };
	const char *ob, *nb;
	size_t ol, nl, i;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (read_body(&a, &ob, &ol, repo, rev->prev_blob) < 0 ||
	    read_body(&b, &nb, &nl, repo, rev->removed ? "" : rev->blob) < 0 ||
	    stance_pickaxe_body(&old_hits, pk, ob, ol) < 0 ||
	    stance_pickaxe_body(&new_hits, pk, nb, nl) < 0)
		goto done;
	if (pk->kind == STANCE_PICKAXE_WORDS) {
		out->changed = old_hits.hits != new_hits.hits;
	} else {
		out->changed = old_hits.count != new_hits.count;
		for (i = 0; !out->changed && i < old_hits.count; i++)
			out->changed = strcmp(old_hits.items[i].text, new_hits.items[i].text) != 0;
	}
	if (out->changed && (keep_only_new(&out->before, &old_hits, &new_hits) < 0 ||
	    keep_only_new(&out->after, &new_hits, &old_hits) < 0))
		goto done;
	error = 0;
done:
	stance_pickaxe_hit_list_free(&old_hits);
	stance_pickaxe_hit_list_free(&new_hits);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	if (error < 0)
		stance_pickaxe_change_free(out);
	return error;
}
