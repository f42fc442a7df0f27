/*
 * segment.c: Unicode-aware tokens and sentences for the diff and positions
 * modules. Graphemes come from utf8proc's grapheme-break rules, so a letter
 * with a combining accent or an emoji with modifiers is never split; letters
 * (æ ø å included) and digits form words; CJK letters are one token each;
 * everything else (curly quotes, dashes, symbols) is a punctuation token.
 */
#include "internal.h"
#include "segment.h"
#include "stance/diff.h"

#include <utf8proc.h>

/* Decodes one code point at text[p]; invalid bytes count as one U+FFFD. */
static size_t decode(int32_t *cp, const char *text, size_t len, size_t p)
{
	unsigned char c = (unsigned char)text[p];
	utf8proc_ssize_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)text + p,
		(utf8proc_ssize_t)(len - p), cp);
	if (n <= 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return (size_t)n;
}

static int is_cjk(int32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
		(cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* The class of each ASCII byte, computed at compile time. */
static const unsigned char ascii_kinds[128] = {
#define K(c) (unsigned char)((c) == ' ' || (c) == '\n' || (c) == '\t' || (c) == '\r' || (c) == '\f' || (c) == '\v' ? SEG_SPACE : \
	((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ? SEG_WORD : SEG_PUNCT)
#define K8(b) K(b), K(b + 1), K(b + 2), K(b + 3), K(b + 4), K(b + 5), K(b + 6), K(b + 7)
	K8(0), K8(8), K8(16), K8(24), K8(32), K8(40), K8(48), K8(56),
	K8(64), K8(72), K8(80), K8(88), K8(96), K8(104), K8(112), K8(120)
#undef K8
#undef K
};

static inline seg_kind classify(int32_t cp)
{
	utf8proc_category_t cat;
	if (cp < 0x80)
		return (seg_kind)ascii_kinds[cp];
	cat = utf8proc_category(cp);
	switch (cat) {
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		return SEG_SPACE;
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
		return is_cjk(cp) ? SEG_CJK : SEG_WORD;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return SEG_WORD;
	default:
		return SEG_PUNCT;
	}
}

static inline int push(seg_tokens *out, size_t start, size_t end, seg_kind kind)
{
	if (stance_array_grow(&out->items, &out->alloc, out->count + 1, sizeof(*out->items)) < 0)
		return STANCE_ERROR;
	out->items[out->count].start = start;
	out->items[out->count].end = end;
	out->items[out->count].kind = kind;
	out->count++;
	return 0;
}

/* An apostrophe joins two word pieces ("KL's", "KL’s") into one word. */
static int is_apostrophe(const char *text, size_t start, size_t end)
{
	return (end - start == 1 && text[start] == '\'') ||
		(end - start == 3 && !memcmp(text + start, "\xE2\x80\x99", 3));
}

int seg_tokenize(seg_tokens *out, const char *text, size_t len)
{
	return seg_tokenize_ex(out, text, len, 0);
}

/* Adds the grapheme run text[gstart, p) of `kind`, merged into the token
 * before it where words or spaces run on, and "word ' word" joined. */
static inline int emit(seg_tokens *out, const char *text, size_t gstart, size_t p, seg_kind kind, int graphemes)
{
	if (out->count) {
		seg_token *last = &out->items[out->count - 1];
		if (last->end == gstart && last->kind == kind &&
		    (kind == SEG_SPACE || (kind == SEG_WORD && !graphemes))) {
			last->end = p;
			return 0;
		}
		/* word ' word: fold the apostrophe and what follows into the word */
		if (kind == SEG_WORD && !graphemes && last->kind == SEG_PUNCT && out->count >= 2 &&
		    out->items[out->count - 2].kind == SEG_WORD &&
		    out->items[out->count - 2].end == last->start &&
		    is_apostrophe(text, last->start, last->end)) {
			out->count--;
			out->items[out->count - 1].end = p;
			return 0;
		}
	}
	return push(out, gstart, p, kind);
}

int seg_tokenize_ex(seg_tokens *out, const char *text, size_t len, int graphemes)
{
	size_t p = 0;
	utf8proc_int32_t state = 0;

	while (p < len) {
		unsigned char c = (unsigned char)text[p];
		size_t gstart = p, n;
		int32_t cp, next;
		seg_kind kind;

		/* fast path: ASCII followed by ASCII is a grapheme of its own
		 * (but CR LF), and runs of letters or spaces are taken at once;
		 * the last byte before non-ASCII goes the slow way, as a
		 * combining mark may follow it */
		if (c < 0x80 && (p + 1 >= len || (unsigned char)text[p + 1] < 0x80)) {
			size_t q = p + 1;
			kind = classify(c);
			if (kind == SEG_SPACE || (kind == SEG_WORD && !graphemes)) {
				while (q < len && (unsigned char)text[q] < 0x80 && classify((unsigned char)text[q]) == kind)
					q++;
				if (q < len && (unsigned char)text[q] >= 0x80 && q - 1 > p)
					q--;
			} else if (c == '\r' && q < len && text[q] == '\n') {
				q++;
			}
			state = 0;
			p = q;
			/* the usual case, a token that neither continues the one before
			 * nor follows an apostrophe, is appended here; emit() does the rest */
			if (out->count && out->count < out->alloc) {
				seg_token *last = &out->items[out->count - 1];
				int word = kind == SEG_WORD && !graphemes;
				if (!(last->kind == kind && (kind == SEG_SPACE || word)) &&
				    !(word && last->kind == SEG_PUNCT)) {
					last[1].start = gstart;
					last[1].end = q;
					last[1].kind = kind;
					out->count++;
					continue;
				}
			}
			if (emit(out, text, gstart, q, kind, graphemes) < 0)
				return -1;
			continue;
		}
		/* one grapheme by utf8proc's rules */
		n = decode(&cp, text, len, p);
		kind = classify(cp);
		p += n;
		while (p < len) {
			n = decode(&next, text, len, p);
			if (cp < 0x80 && next < 0x80) {
				if (!(cp == '\r' && next == '\n'))
					break;
			} else if (utf8proc_grapheme_break_stateful(cp, next, &state)) {
				break;
			}
			cp = next;
			p += n;
		}
		state = 0;
		if (emit(out, text, gstart, p, kind, graphemes) < 0)
			return -1;
	}
	return 0;
}

static int is_terminal(const char *s, size_t len)
{
	return (len == 1 && (*s == '.' || *s == '!' || *s == '?')) ||
		(len == 3 && !memcmp(s, "\xE2\x80\xA6", 3)); /* … */
}

/* A closing quote, bracket or emphasis after a sentence's last mark; both
 * guillemets, as Danish quotes »so« and others «so». */
static int is_closer(const char *s, size_t len)
{
	return (len == 1 && (*s == '"' || *s == '\'' || *s == ')' || *s == '*' || *s == '_')) ||
		(len == 2 && (!memcmp(s, "\xC2\xBB", 2) || !memcmp(s, "\xC2\xAB", 2))) ||
		(len == 3 && (!memcmp(s, "\xE2\x80\x9D", 3) || !memcmp(s, "\xE2\x80\x99", 3)));
}

/* Does a sentence start at this token? An uppercase letter, a digit-free
 * opening quote or a Markdown emphasis mark. */
static int starts_sentence(const char *text, const seg_token *t)
{
	int32_t cp;
	size_t len = t->end - t->start;
	decode(&cp, text, t->end, t->start);
	if (t->kind == SEG_WORD || t->kind == SEG_CJK) {
		utf8proc_category_t c = utf8proc_category(cp);
		return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT || t->kind == SEG_CJK;
	}
	if (t->kind == SEG_PUNCT)
		return (len == 1 && (cp == '"' || cp == '*' || cp == '(' || cp == '_' || cp == '-')) ||
			cp == 0x201C || cp == 0x201E || cp == 0xAB || cp == 0xBB || cp == 0x2018 ||
			cp == 0x2022 || cp == 0x2013 || cp == 0x2014 || cp == 0xB7; /* bullets, dashes */
	return 0;
}

/* Words of one letter ("a" in "bl.a.", "B." in "Jacob B. Hansen") or of one
 * or two digits ("4." in "4. december") before a full stop are
 * abbreviations, initials or ordinals, not sentence ends; but a lowercase
 * word of one letter that stands alone is a word ("… falde i. Der …"), and
 * an amount is no ordinal ("£6. The …"). */
static int abbreviation_before(const char *text, const seg_tokens *toks, size_t i, size_t first)
{
	const seg_token *w;
	size_t k, n;
	int alone;
	if (i == first || text[toks->items[i].start] != '.')
		return 0;
	w = &toks->items[i - 1];
	if (w->kind != SEG_WORD)
		return 0;
	n = w->end - w->start;
	alone = i - 1 == first || toks->items[i - 2].kind == SEG_SPACE;
	if (n == 1 && alone && text[w->start] >= 'a' && text[w->start] <= 'z')
		return 0;
	if (n == 1 && !(text[w->start] >= '0' && text[w->start] <= '9'))
		return 1;
	if (n == 2 && (unsigned char)text[w->start] >= 0xC3 && (unsigned char)text[w->start] < 0xE0) {
		/* one letter beyond ASCII: "ø." is a word, "Ø." an initial */
		int32_t cp;
		decode(&cp, text, w->end, w->start);
		return !(alone && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL);
	}
	if ((n <= 3 && alone && text[w->start] >= 'a' && text[w->start] <= 'z' &&
	     i + 2 < toks->count && toks->items[i + 1].kind == SEG_SPACE &&
	     text[toks->items[i + 2].start] >= '0' && text[toks->items[i + 2].start] <= '9'))
		return 1; /* "ø." as "i."; "kl. 9", "nr. 13", "ca. 40" */
	for (k = w->start; k < w->end; k++)
		if (text[k] < '0' || text[k] > '9')
			return 0;
	return n <= 2 && alone;
}

/* A sentence may start with a number ("… afgørende. 2018-22 bør …") after a
 * full stop that ends a word of four bytes or more, or a year. */
static int starts_with_number(const char *text, const seg_tokens *toks, size_t term, size_t next)
{
	const seg_token *w = &toks->items[next], *before;
	if (w->kind != SEG_WORD || text[w->start] < '0' || text[w->start] > '9' || term == 0)
		return 0;
	before = &toks->items[term - 1];
	return before->kind == SEG_WORD && before->end - before->start >= 4;
}

/* A line break before a dash opens a byline ("— Name, title") under a pull
 * quote, whatever ended the line. */
static int byline_after(const char *text, const seg_tokens *toks, size_t i, size_t last)
{
	const seg_token *sp = &toks->items[i], *d;
	size_t n;
	if (sp->kind != SEG_SPACE || i + 1 >= last || !memchr(text + sp->start, '\n', sp->end - sp->start))
		return 0;
	d = &toks->items[i + 1];
	n = d->end - d->start;
	return d->kind == SEG_PUNCT && n == 3 &&
		(!memcmp(text + d->start, "\xE2\x80\x94", 3) || !memcmp(text + d->start, "\xE2\x80\x93", 3));
}

static int push_end(size_t **ends, size_t *count, size_t *alloc, size_t v)
{
	if (stance_array_grow(ends, alloc, *count + 1, sizeof(**ends)) < 0)
		return STANCE_ERROR;
	(*ends)[(*count)++] = v;
	return 0;
}

int seg_sentences(size_t **ends, size_t *count, size_t *alloc,
	const char *text, const seg_tokens *toks, size_t first, size_t last)
{
	size_t i = first;
	while (i < last) {
		const seg_token *t = &toks->items[i];
		if (t->kind == SEG_PUNCT && is_terminal(text + t->start, t->end - t->start) &&
		    !abbreviation_before(text, toks, i, first)) {
			size_t j = i + 1;
			while (j < last && toks->items[j].kind == SEG_PUNCT &&
			       (is_closer(text + toks->items[j].start, toks->items[j].end - toks->items[j].start) ||
				is_terminal(text + toks->items[j].start, toks->items[j].end - toks->items[j].start) ||
				/* a run-in lead-in: "Disruption – hvor er teknologien?:" */
				(text[toks->items[j - 1].start] == '?' && text[toks->items[j].start] == ':')))
				j++;
			if (j < last && toks->items[j].kind == SEG_SPACE) {
				size_t k = j + 1;
				if (k >= last || starts_sentence(text, &toks->items[k]) ||
				    (text[t->start] == '.' && starts_with_number(text, toks, i, k))) {
					if (k < last && push_end(ends, count, alloc, k) < 0)
						return -1;
					i = k;
					continue;
				}
			}
			i = j;
			continue;
		}
		if (i > first && byline_after(text, toks, i, last)) {
			if (push_end(ends, count, alloc, i + 1) < 0)
				return -1;
		}
		i++;
	}
	if (last > first && push_end(ends, count, alloc, last) < 0)
		return -1;
	return 0;
}

size_t seg_word_tokens(const seg_tokens *t, size_t first, size_t last)
{
	size_t i, n = 0;
	for (i = first; i < last; i++)
		if (t->items[i].kind == SEG_WORD || t->items[i].kind == SEG_CJK)
			n++;
	return n;
}

size_t seg_count_words(const char *text, size_t len)
{
	seg_tokens t = { 0 };
	size_t n;
	if (seg_tokenize(&t, text, len) < 0)
		return 0;
	n = seg_word_tokens(&t, 0, t.count);
	free(t.items);
	return n;
}

/* Whitespace as the normalised hash sees it. */
static inline int hash_space(unsigned char c)
{
	return c <= ' ' && (c == ' ' || c == '\n' || c == '\t' || c == '\r');
}

/* The same FNV-1a stream as byte-at-a-time with a pending-space flag, but
 * walked as runs: a run of whitespace, then a run of content bytes in a
 * tight loop whose common test is one comparison (byte above ' '). */
uint64_t seg_hash_normalized(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	uint64_t h = STANCE_FNV64_BASIS;
	size_t i = 0;
	int any = 0;
	for (;;) {
		while (i < len && hash_space(s[i]))
			i++;
		if (i == len)
			break;
		if (any)
			h = stance_fnv64_step(h, ' ');
		any = 1;
		while (i < len && !hash_space(s[i]))
			h = stance_fnv64_step(h, s[i++]);
	}
	return h;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static void insertion_u32(uint32_t *v, size_t n)
{
	size_t i;
	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Quicksort (median of three moved to the front, Hoare's partition), the
 * larger side looped on; past `depth` levels the rest goes to qsort, so a
 * bad input cannot make it quadratic. */
static void quick_u32(uint32_t *v, size_t n, int depth)
{
	while (n > 24) {
		size_t i, j, m = n / 2;
		uint32_t p, t;
		if (depth-- == 0) {
			qsort(v, n, sizeof(*v), cmp_u32);
			return;
		}
		/* the median of v[0], v[m], v[n-1] into v[0] */
		if (v[m] < v[0]) { t = v[m]; v[m] = v[0]; v[0] = t; }
		if (v[n - 1] < v[m]) { t = v[n - 1]; v[n - 1] = v[m]; v[m] = t; }
		if (v[m] < v[0]) { t = v[m]; v[m] = v[0]; v[0] = t; }
		t = v[m]; v[m] = v[0]; v[0] = t;
		p = v[0];
		i = (size_t)-1;
		j = n;
		for (;;) {
			do i++; while (v[i] < p);
			do j--; while (v[j] > p);
			if (i >= j)
				break;
			t = v[i]; v[i] = v[j]; v[j] = t;
		}
		/* [0, j] <= p <= [j + 1, n), both sides non-empty */
		if (j + 1 < n - j - 1) {
			quick_u32(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			quick_u32(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_u32(v, n);
}

int seg_sort_u32(uint32_t *v, size_t n)
{
	quick_u32(v, n, 64);
	return 0;
}

size_t seg_fold(char *out, const char *text, size_t len)
{
	size_t p = 0, o = 0;
	while (p < len) {
		int32_t cp;
		size_t n;
		utf8proc_ssize_t w;
		/* ASCII bytes fold in a loop of their own */
		while (p < len && (unsigned char)text[p] < 0x80) {
			unsigned char c = (unsigned char)text[p++];
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		if (p >= len)
			break;
		n = decode(&cp, text, len, p);
		if (cp < 0x80) {
			out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else {
			w = utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)out + o);
			o += (size_t)w;
		}
		p += n;
	}
	out[o] = '\0';
	return o;
}

/* Length of the line starting at p, its newline included. */
static size_t line_len(const char *text, size_t len, size_t p)
{
	const char *nl = memchr(text + p, '\n', len - p);
	return nl ? (size_t)(nl - (text + p)) + 1 : len - p;
}

static int blank_line(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

size_t seg_block_marker(const char *s, size_t len, stance_block_kind *kind, int *level)
{
	size_t i = 0, j;
	stance_block_kind k = STANCE_BLOCK_PARAGRAPH;
	int h = 0;
	while (i < len && s[i] == ' ')
		i++;
	j = i;
	if (i < len && s[i] == '#') {
		/* an ATX heading: up to three spaces, one to six #, then a space
		 * or the line's end */
		while (j < len && s[j] == '#')
			j++;
		if (i > 3 || j - i > 6 || (j < len && s[j] != ' ' && s[j] != '\n'))
			return 0;
		k = STANCE_BLOCK_HEADING;
		h = (int)(j - i);
	} else if (i < len && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
		   (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\n')) {
		k = STANCE_BLOCK_LIST_ITEM;
		j = i + 1;
		while (j < len && s[j] == ' ')
			j++;
		/* a task-list box stays with the marker */
		if (j + 3 < len && s[j] == '[' && s[j + 2] == ']' && s[j + 3] == ' ')
			j += 4;
		goto done;
	} else if (i < len && s[i] >= '0' && s[i] <= '9') {
		/* an ordered item: up to nine digits, then '.' or ')' */
		while (j < len && s[j] >= '0' && s[j] <= '9' && j - i < 10)
			j++;
		if (j - i > 9 || j >= len || (s[j] != '.' && s[j] != ')') ||
		    (j + 1 < len && s[j + 1] != ' ' && s[j + 1] != '\n'))
			return 0;
		k = STANCE_BLOCK_LIST_ITEM;
		j++;
	} else if (i < len && (s[i] == '>' || s[i] == '|')) {
		k = s[i] == '>' ? STANCE_BLOCK_QUOTE : STANCE_BLOCK_TABLE_ROW;
		j = i + 1;
	} else {
		return 0;
	}
	while (j < len && s[j] == ' ')
		j++;
done:
	if (kind)
		*kind = k;
	if (level)
		*level = h;
	return j;
}

size_t seg_block_text_start(const char *text, const stance_diff_block *b)
{
	size_t p = b->start;
	/* the first block of a body tiles from byte 0, so a body that starts
	 * with a line break puts blank lines before its first block's marker */
	while (p < b->end) {
		size_t ll = line_len(text, b->end, p);
		if (!blank_line(text + p, ll))
			break;
		p += ll;
	}
	return p + seg_block_marker(text + p, b->end - p, NULL, NULL);
}

static int fence(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return i + 2 < n && ((s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`') ||
		(s[i] == '~' && s[i + 1] == '~' && s[i + 2] == '~'));
}

int seg_blocks(stance_diff_block **out, size_t *count, const char *text, size_t len)
{
	stance_diff_block *b = NULL;
	size_t n = 0, alloc = 0, p = 0;
	int in_block = 0, in_fence = 0;
	stance_block_kind cur = STANCE_BLOCK_PARAGRAPH;

	while (p < len) {
		size_t ll = line_len(text, len, p);
		const char *s = text + p;
		int start = 0, level = 0;
		stance_block_kind marked;
		stance_block_kind kind = STANCE_BLOCK_PARAGRAPH;

		if (in_fence) {
			if (fence(s, ll))
				in_fence = 0;
			p += ll;
			continue;
		}
		if (blank_line(s, ll)) {
			in_block = 0;
			p += ll;
			continue;
		}
		if (seg_block_marker(s, ll, &marked, &level) && marked == STANCE_BLOCK_HEADING) {
			kind = STANCE_BLOCK_HEADING;
			start = 1;
		} else if (fence(s, ll)) {
			kind = STANCE_BLOCK_CODE;
			in_fence = 1;
			start = 1;
		} else if (seg_block_marker(s, ll, &marked, NULL) && marked == STANCE_BLOCK_LIST_ITEM) {
			kind = STANCE_BLOCK_LIST_ITEM;
			start = 1;
		} else if (s[0] == '|') {
			kind = STANCE_BLOCK_TABLE_ROW;
			start = 1;
		} else if (!in_block && s[0] == '<') {
			kind = STANCE_BLOCK_OTHER; /* an HTML block, e.g. <!-- end list --> */
			start = 1;
		} else if (!in_block || cur == STANCE_BLOCK_HEADING || cur == STANCE_BLOCK_TABLE_ROW) {
			kind = s[0] == '>' ? STANCE_BLOCK_QUOTE : STANCE_BLOCK_PARAGRAPH;
			start = 1;
		}
		if (start) {
			if (stance_array_grow(&b, &alloc, n + 1, sizeof(*b)) < 0) {
				free(b);
				return STANCE_ERROR;
			}
			if (n)
				b[n - 1].end = p;
			b[n].kind = kind;
			b[n].start = n ? p : 0;
			b[n].end = len;
			b[n].level = level;
			n++;
			cur = kind;
		}
		in_block = 1;
		p += ll;
	}
	if (n == 0 && len > 0) {
		/* whitespace only: one block so the ranges still tile */
		if (!(b = malloc(sizeof(*b))))
			return stance_error_oom();
		b[0].kind = STANCE_BLOCK_OTHER;
		b[0].start = 0;
		b[0].end = len;
		b[0].level = 0;
		n = 1;
	}
	*out = b;
	*count = n;
	return 0;
}
