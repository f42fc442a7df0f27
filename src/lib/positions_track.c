/*
 * positions_track.c: a position followed through revisions. What a
 * rewording did (callouts: an amount, a date, a negation), the wording with
 * the changed words marked, and the tracker that keeps each position's
 * identity from one revision to the next by content.
 */
#include "internal.h"
#include "segment.h"
#include "positions_track.h"
#include "stance/positions.h"

#include <stdlib.h>
#include <string.h>

/* ---- the words of a sentence ---- */

typedef struct {
	size_t start, end;  /* byte range in the sentence */
	char *fold;         /* case-folded */
	int number;         /* holds a digit */
	int negation;
} word;

typedef struct {
	word *w;
	size_t n;
	char *arena;
} words;

static void words_free(words *ws)
{
	free(ws->w);
	free(ws->arena);
	memset(ws, 0, sizeof(*ws));
}

int positions_negation_word(const char *f)
{
	static const char *const list[] = {
		"ikke", "aldrig", "ingen", "intet", "ingenting", "hverken", "næppe",
		"not", "no", "never", "cannot", "nor", "neither", "none", "nothing", NULL
	};
	size_t i, n = strlen(f);
	for (i = 0; list[i]; i++)
		if (f[0] == list[i][0] && !strcmp(f, list[i]))
			return 1;
	/* "don't", "won’t" as one word */
	return (n > 3 && !strcmp(f + n - 3, "n't")) || (n > 5 && !strcmp(f + n - 5, "n\xE2\x80\x99t"));
}

int positions_number_word(const char *f)
{
	static const char *const list[] = {
		"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
		"twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion",
		"tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv", "tyve", "tredive",
		"fyrre", "halvtreds", "tres", "hundrede", "tusind", "halvdelen", "dobbelt", "fordoble", "halvere", NULL
	};
	size_t i;
	for (i = 0; f[i]; i++)
		if (f[i] >= '0' && f[i] <= '9')
			return 1;
	for (i = 0; list[i]; i++)
		if (f[0] == list[i][0] && !strcmp(f, list[i]))
			return 1;
	return 0;
}

static int split_words(words *ws, const char *text)
{
	seg_tokens t = { 0 };
	size_t len = strlen(text), i, o = 0;
	memset(ws, 0, sizeof(*ws));
	if (seg_tokenize(&t, text, len) < 0)
		return -1;
	ws->arena = malloc(4 * len + t.count + 1);
	ws->w = malloc((t.count + 1) * sizeof(*ws->w));
	if (!ws->arena || !ws->w) {
		free(t.items);
		words_free(ws);
		return stance_error_oom();
	}
	for (i = 0; i < t.count; i++) {
		word *w;
		if (t.items[i].kind != SEG_WORD && t.items[i].kind != SEG_CJK)
			continue;
		w = &ws->w[ws->n++];
		w->start = t.items[i].start;
		w->end = t.items[i].end;
		w->fold = ws->arena + o;
		o += seg_fold(w->fold, text + w->start, w->end - w->start) + 1;
		w->number = positions_number_word(w->fold);
		w->negation = positions_negation_word(w->fold);
		/* "don't", "won’t": the "t" after an apostrophe after "…n" */
		if (!strcmp(w->fold, "t") && i >= 2 && t.items[i - 1].kind == SEG_PUNCT &&
		    t.items[i - 2].kind == SEG_WORD && text[t.items[i - 2].end - 1] == 'n' &&
		    (text[t.items[i - 1].start] == '\'' || !strncmp(text + t.items[i - 1].start, "\xE2\x80\x99", 3)))
			w->negation = 1;
	}
	free(t.items);
	return 0;
}

int stance_text_negated(const char *text)
{
	words ws;
	size_t i, n = 0;
	if (!text || split_words(&ws, text) < 0)
		return 0;
	for (i = 0; i < ws.n; i++)
		n += ws.w[i].negation;
	words_free(&ws);
	return (int)(n & 1);
}

/* ---- the word alignment of two wordings ---- */

/* One step of the alignment: a word kept (both), dropped (old) or added (new). */
typedef struct {
	char op;          /* '=', '-', '+' */
	size_t i, j;      /* old and new word */
} step;

/* The longest common subsequence of the folded words, as steps in order.
 * A sentence is short; past a bound (a runaway "sentence"), every word is
 * dropped and added. */
static int align_words(step **out, size_t *nout, const words *a, const words *b)
{
	size_t n = a->n, m = b->n, i, j, k = 0;
	unsigned short *len = NULL;
	step *s;
	*out = NULL;
	*nout = 0;
	if (!(s = malloc((n + m + 1) * sizeof(*s))))
		return stance_error_oom();
	if (n * m <= 250000 && n < 60000 && m < 60000) {
		if (!(len = calloc((n + 1) * (m + 1), sizeof(*len)))) {
			free(s);
			return stance_error_oom();
		}
#define L(x, y) len[(x) * (m + 1) + (y)]
		for (i = n; i-- > 0;)
			for (j = m; j-- > 0;)
				L(i, j) = !strcmp(a->w[i].fold, b->w[j].fold) ? (unsigned short)(L(i + 1, j + 1) + 1) :
					L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j) : L(i, j + 1);
		i = j = 0;
		while (i < n && j < m) {
			if (!strcmp(a->w[i].fold, b->w[j].fold)) {
				s[k++] = (step){ '=', i++, j++ };
			} else if (L(i + 1, j) >= L(i, j + 1)) {
				s[k++] = (step){ '-', i++, j };
			} else {
				s[k++] = (step){ '+', i, j++ };
			}
		}
#undef L
		free(len);
	} else {
		i = j = 0;
	}
	for (; i < n; i++)
		s[k++] = (step){ '-', i, j };
	for (; j < m; j++)
		s[k++] = (step){ '+', i, j };
	*out = s;
	*nout = k;
	return 0;
}

/* ---- callouts ---- */

void stance_position_callout_list_free(stance_position_callout_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++) {
		free(list->items[i].old_value);
		free(list->items[i].new_value);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

const char *stance_position_callout_name(stance_position_callout_kind kind)
{
	switch (kind) {
	case STANCE_CALLOUT_AMOUNT: return "amount changed";
	case STANCE_CALLOUT_DATE: return "date changed";
	case STANCE_CALLOUT_NEGATED: return "negated";
	case STANCE_CALLOUT_UNNEGATED: return "no longer negated";
	case STANCE_CALLOUT_SOFTENED: return "softened";
	case STANCE_CALLOUT_STRENGTHENED: return "strengthened";
	}
	return "changed";
}

const char *stance_position_callout_key(stance_position_callout_kind kind)
{
	switch (kind) {
	case STANCE_CALLOUT_AMOUNT: return "amount";
	case STANCE_CALLOUT_DATE: return "date";
	case STANCE_CALLOUT_NEGATED: return "negated";
	case STANCE_CALLOUT_UNNEGATED: return "unnegated";
	case STANCE_CALLOUT_SOFTENED: return "softened";
	case STANCE_CALLOUT_STRENGTHENED: return "strengthened";
	}
	return "changed";
}

static int is_month(const char *f)
{
	static const char *const months[] = {
		"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
		"oktober", "november", "december", "january", "february", "march", "may", "june",
		"july", "october", NULL
	};
	size_t i;
	for (i = 0; months[i]; i++)
		if (!strcmp(f, months[i]))
			return 1;
	return 0;
}

static int is_year(const word *w)
{
	const char *f = w->fold;
	return strlen(f) == 4 && (f[0] == '1' || f[0] == '2') && f[1] >= '0' && f[1] <= '9' &&
		f[2] >= '0' && f[2] <= '9' && f[3] >= '0' && f[3] <= '9' && (f[0] == '2' ? f[1] <= '1' : f[1] >= '8');
}

/* Words that say what a number counts: kept with the new amount. */
static int is_unit(const char *f)
{
	static const char *const units[] = {
		"mio", "mia", "million", "millioner", "milliard", "milliarder", "mille", "kr", "kroner",
		"procent", "pct", "procentpoint", "euro", "dollar", "dollars", "timer", "dage", "uger",
		"måneder", "år", "stillinger", "ansatte", "millions", "billion", "billions", "percent",
		"per", "pounds", "hours", "days", "weeks", "months", "years", "jobs", "thousand", "tusind", NULL
	};
	size_t i;
	for (i = 0; units[i]; i++)
		if (!strcmp(f, units[i]))
			return 1;
	return 0;
}

static char *slice(const char *text, size_t start, size_t end)
{
	char *s = malloc(end - start + 1);
	if (!s) {
		stance_error_oom();
		return NULL;
	}
	memcpy(s, text + start, end - start);
	s[end - start] = '\0';
	return s;
}

static int push_callout(stance_position_callout_list *out, size_t *alloc,
	stance_position_callout_kind kind, char *old_value, char *new_value)
{
	if (stance_array_grow(&out->items, alloc, out->count + 1, sizeof(*out->items)) < 0) {
		free(old_value);
		free(new_value);
		return -1;
	}
	out->items[out->count].kind = kind;
	out->items[out->count].old_value = old_value;
	out->items[out->count].new_value = new_value;
	out->count++;
	return 0;
}

/* How strongly a modal verb binds: 2 a demand ("skal", "must"), 1 a
 * recommendation or a possibility ("bør", "should", "kan"), 0 not a modal. */
static int modal_strength(const char *f)
{
	static const char *const strong[] = { "skal", "må", "must", "shall", "nødt", "kræver", "require", "requires", NULL };
	static const char *const weak[] = { "bør", "kan", "kunne", "burde", "should", "could", "may", "might",
		"ought", "anbefaler", "recommend", "recommends", NULL };
	size_t i;
	for (i = 0; strong[i]; i++)
		if (!strcmp(f, strong[i]))
			return 2;
	for (i = 0; weak[i]; i++)
		if (!strcmp(f, weak[i]))
			return 1;
	return 0;
}

/* A modal replaced by one that binds more or less: softened, strengthened. */
static int modal_callout(stance_position_callout_list *out, size_t *alloc,
	const words *a, size_t a0, size_t a1, const words *b, size_t b0, size_t b1)
{
	size_t i, j;
	for (i = a0; i < a1; i++) {
		int sa = modal_strength(a->w[i].fold);
		if (!sa)
			continue;
		for (j = b0; j < b1; j++) {
			int sb = modal_strength(b->w[j].fold);
			char *ov, *nv;
			if (!sb || sb == sa)
				continue;
			if (!(ov = stance_strdup(a->w[i].fold)) || !(nv = stance_strdup(b->w[j].fold))) {
				free(ov);
				return -1;
			}
			return push_callout(out, alloc, sb < sa ? STANCE_CALLOUT_SOFTENED : STANCE_CALLOUT_STRENGTHENED, ov, nv);
		}
	}
	return 0;
}

/* A run of changed words holding a number on each side: an amount or a date. */
static int hunk_callout(stance_position_callout_list *out, size_t *alloc,
	const char *ot, const words *a, size_t a0, size_t a1,
	const char *nt, const words *b, size_t b0, size_t b1)
{
	size_t i, fa = (size_t)-1, la = 0, fb = (size_t)-1, lb = 0, end_b;
	int date = 0;
	char *ov, *nv;
	/* the numbers and month names of each side ("in May" -> "in June") */
	for (i = a0; i < a1; i++)
		if (a->w[i].number || is_month(a->w[i].fold)) {
			if (fa == (size_t)-1)
				fa = i;
			la = i;
			date |= is_year(&a->w[i]);
		}
	for (i = b0; i < b1; i++)
		if (b->w[i].number || is_month(b->w[i].fold)) {
			if (fb == (size_t)-1)
				fb = i;
			lb = i;
			date |= is_year(&b->w[i]);
		}
	if (fa == (size_t)-1 || fb == (size_t)-1)
		return 0;
	/* a month named beside the numbers makes it a date */
	for (i = a0; i < a1; i++)
		date |= is_month(a->w[i].fold);
	for (i = b0; i < b1; i++)
		date |= is_month(b->w[i].fold);
	if (fa > a0 && is_month(a->w[fa - 1].fold))
		date = 1, fa--;
	if (fb > b0 && is_month(b->w[fb - 1].fold))
		date = 1, fb--;
	if (la + 1 < a1 && is_month(a->w[la + 1].fold))
		la++;
	if (lb + 1 < b1 && is_month(b->w[lb + 1].fold))
		lb++;
	end_b = b->w[lb].end;
	/* "50 → 80 millioner": the unit after the new amount, changed or not */
	if (!date && lb + 1 < b->n && is_unit(b->w[lb + 1].fold))
		end_b = b->w[lb + 1].end;
	ov = slice(ot, a->w[fa].start, a->w[la].end);
	nv = slice(nt, b->w[fb].start, end_b);
	if (!ov || !nv) {
		free(ov);
		free(nv);
		return -1;
	}
	return push_callout(out, alloc, date ? STANCE_CALLOUT_DATE : STANCE_CALLOUT_AMOUNT, ov, nv);
}

int stance_position_callouts(stance_position_callout_list *out, const char *old_text,
	const char *new_text)
{
	words a = { 0 }, b = { 0 };
	step *s = NULL;
	size_t ns = 0, k, alloc = 0, neg_a = 0, neg_b = 0;
	int error = -1;

	memset(out, 0, sizeof(*out));
	if (split_words(&a, old_text ? old_text : "") < 0 || split_words(&b, new_text ? new_text : "") < 0 ||
	    align_words(&s, &ns, &a, &b) < 0)
		goto done;
	for (k = 0; k < ns;) {
		size_t a0, a1, b0, b1;
		if (s[k].op == '=') {
			k++;
			continue;
		}
		a0 = a1 = s[k].i;
		b0 = b1 = s[k].j;
		for (; k < ns && s[k].op != '='; k++) {
			if (s[k].op == '-')
				a1 = s[k].i + 1;
			else
				b1 = s[k].j + 1;
		}
		if (hunk_callout(out, &alloc, old_text, &a, a0, a1 > a0 ? a1 : a0, new_text, &b, b0,
			b1 > b0 ? b1 : b0) < 0 ||
		    modal_callout(out, &alloc, &a, a0, a1 > a0 ? a1 : a0, &b, b0, b1 > b0 ? b1 : b0) < 0)
			goto done;
	}
	for (k = 0; k < a.n; k++)
		neg_a += a.w[k].negation;
	for (k = 0; k < b.n; k++)
		neg_b += b.w[k].negation;
	if ((neg_a & 1) != (neg_b & 1) &&
	    push_callout(out, &alloc, neg_b & 1 ? STANCE_CALLOUT_NEGATED : STANCE_CALLOUT_UNNEGATED, NULL, NULL) < 0)
		goto done;
	error = 0;
done:
	if (error < 0)
		stance_position_callout_list_free(out);
	free(s);
	words_free(&a);
	words_free(&b);
	return error;
}

int stance_position_callouts_describe(stance_buf *out, const char *old_text, const char *new_text)
{
	stance_position_callout_list list;
	size_t i;
	int error = 0;
	if (stance_position_callouts(&list, old_text, new_text) < 0)
		return -1;
	for (i = 0; i < list.count && error == 0; i++) {
		const stance_position_callout *c = &list.items[i];
		if (i)
			error = stance_buf_puts(out, "; ");
		if (error == 0)
			error = stance_buf_puts(out, stance_position_callout_name(c->kind));
		if (error == 0 && c->old_value)
			error = stance_buf_printf(out, ": %s \xE2\x86\x92 %s", c->old_value, c->new_value);
	}
	stance_position_callout_list_free(&list);
	return error;
}

/* ---- the wording with its changes marked ---- */

int stance_position_redline(stance_buf *out, const char *old_text, const char *new_text,
	const char *const marks[4])
{
	words a = { 0 }, b = { 0 };
	step *s = NULL;
	size_t ns = 0, k, pos = 0; /* pos: how far new_text has been written */
	int error = -1;

	old_text = old_text ? old_text : "";
	new_text = new_text ? new_text : "";
	if (split_words(&a, old_text) < 0 || split_words(&b, new_text) < 0 || align_words(&s, &ns, &a, &b) < 0)
		goto done;
	for (k = 0; k < ns;) {
		size_t a0 = (size_t)-1, a1 = 0, b0 = (size_t)-1, b1 = 0;
		if (s[k].op == '=') {
			k++;
			continue;
		}
		for (; k < ns && s[k].op != '='; k++) {
			if (s[k].op == '-') {
				if (a0 == (size_t)-1)
					a0 = s[k].i;
				a1 = s[k].i;
			} else {
				if (b0 == (size_t)-1)
					b0 = s[k].j;
				b1 = s[k].j;
			}
		}
		/* the new text up to the change (or up to where the dropped words stood) */
		{
			size_t at = b0 != (size_t)-1 ? b.w[b0].start : k < ns ? b.w[s[k].j].start : strlen(new_text);
			if (at > pos && stance_buf_put(out, new_text + pos, at - pos) < 0)
				goto done;
			if (at > pos)
				pos = at;
		}
		if (a0 != (size_t)-1) {
			if (stance_buf_puts(out, marks[0]) < 0 ||
			    stance_buf_put(out, old_text + a.w[a0].start, a.w[a1].end - a.w[a0].start) < 0 ||
			    stance_buf_puts(out, marks[1]) < 0)
				goto done;
			if (b0 == (size_t)-1 && stance_buf_puts(out, " ") < 0)
				goto done;
		}
		if (b0 != (size_t)-1) {
			if (stance_buf_puts(out, marks[2]) < 0 ||
			    stance_buf_put(out, new_text + b.w[b0].start, b.w[b1].end - b.w[b0].start) < 0 ||
			    stance_buf_puts(out, marks[3]) < 0)
				goto done;
			pos = b.w[b1].end;
		}
	}
	if (stance_buf_puts(out, new_text + pos) < 0)
		goto done;
	error = 0;
done:
	free(s);
	words_free(&a);
	words_free(&b);
	return error;
}

/* ---- the tracker ---- */

struct stance_position_tracker {
	stance_position_life *lives;
	size_t count, alloc;
	stance_position_list prev;  /* the statements of the step before */
	size_t *prev_life;          /* the life each of them belongs to */
	uint64_t *prev_hash;        /* their texts' hashes (positions_text_hashes) */
};

int stance_position_tracker_new(stance_position_tracker **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return stance_error_oom();
	return 0;
}

static void event_free(stance_position_event *e)
{
	free(e->old_text);
	free(e->new_text);
	free(e->section);
}

void stance_position_tracker_free(stance_position_tracker *t)
{
	size_t i, k;
	if (!t)
		return;
	for (i = 0; i < t->count; i++) {
		for (k = 0; k < t->lives[i].count; k++)
			event_free(&t->lives[i].events[k]);
		free(t->lives[i].events);
	}
	free(t->lives);
	stance_position_list_free(&t->prev);
	free(t->prev_life);
	free(t->prev_hash);
	free(t);
}

size_t stance_position_tracker_count(const stance_position_tracker *t)
{
	return t->count;
}

const stance_position_life *stance_position_tracker_life(const stance_position_tracker *t, size_t i)
{
	return i < t->count ? &t->lives[i] : NULL;
}

static int add_event(stance_position_life *life, stance_position_change_kind kind, size_t revision,
	const stance_position *old_p, const stance_position *new_p, double similarity)
{
	stance_position_event *e, *grown;
	if (!(grown = realloc(life->events, (life->count + 1) * sizeof(*grown))))
		return stance_error_oom();
	life->events = grown;
	e = &grown[life->count];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->revision = revision;
	e->similarity = similarity;
	if ((old_p && !(e->old_text = stance_strdup(old_p->text))) ||
	    (new_p && !(e->new_text = stance_strdup(new_p->text))) ||
	    !(e->section = stance_strdup(new_p ? new_p->section : old_p->section))) {
		event_free(e);
		return -1;
	}
	life->count++;
	return 0;
}

static int copy_list(stance_position_list *dst, const stance_position_list *src)
{
	size_t i;
	memset(dst, 0, sizeof(*dst));
	if (!src->count)
		return 0;
	if (!(dst->items = calloc(src->count, sizeof(*dst->items))))
		return stance_error_oom();
	for (i = 0; i < src->count; i++) {
		dst->items[i] = src->items[i];
		dst->items[i].text = stance_strdup(src->items[i].text);
		dst->items[i].section = stance_strdup(src->items[i].section);
		dst->count++;
		if (!dst->items[i].text || !dst->items[i].section) {
			stance_position_list_free(dst);
			return -1;
		}
	}
	return 0;
}

/* The life, no longer held, whose last wording `text` states again (the
 * most alike, at least STANCE_POSITION_REWORD_THRESHOLD); -1 when none. */
static size_t revived(const stance_position_tracker *t, const char *text)
{
	size_t i, best = (size_t)-1;
	double best_sim = STANCE_POSITION_REWORD_THRESHOLD;
	for (i = 0; i < t->count; i++) {
		const stance_position_life *l = &t->lives[i];
		const char *last;
		double sim;
		if (l->current || !l->count || !(last = l->events[l->count - 1].old_text))
			continue;
		sim = stance_text_similarity(last, strlen(last), text, strlen(text));
		if (sim >= best_sim) {
			best_sim = sim;
			best = i;
		}
	}
	return best;
}

static int cmp_text_slot(const void *a, const void *b)
{
	const positions_text_slot *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void positions_slots_sort(positions_text_slot *slots, size_t n)
{
	qsort(slots, n, sizeof(*slots), cmp_text_slot);
}

size_t positions_slots_find(const positions_text_slot *slots, size_t n, uint64_t hash)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (slots[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && slots[lo].hash == hash ? lo : n;
}

int stance_position_tracker_step(stance_position_tracker *t, const stance_position_list *cur,
	size_t revision)
{
	stance_position_change_list ch = { 0 };
	stance_position_list copy = { 0 };
	size_t *cur_life = NULL, i, c;
	uint8_t *carried = NULL;
	uint64_t *cur_hash = NULL;
	int error = -1;

	/* the statements' hashes, each list's made once: as the new list, kept
	 * for the next step */
	if ((!t->prev_hash && !(t->prev_hash = positions_text_hashes(&t->prev))) ||
	    !(cur_hash = positions_text_hashes(cur)))
		return -1;
	if (positions_compare_hashed(&ch, &t->prev, t->prev_hash, cur, cur_hash) < 0) {
		free(cur_hash);
		return -1;
	}
	if (!(cur_life = calloc(cur->count + 1, sizeof(*cur_life))) ||
	    !(carried = calloc(t->prev.count + 1, 1))) {
		stance_error_oom();
		goto done;
	}
	for (i = 0; i < cur->count; i++)
		cur_life[i] = (size_t)-1;
	/* what the comparison does not list kept its wording: carried over */
	{
		uint8_t *listed_old = calloc(t->prev.count + 1, 1), *listed_new = calloc(cur->count + 1, 1);
		if (!listed_old || !listed_new) {
			free(listed_old);
			free(listed_new);
			stance_error_oom();
			goto done;
		}
		for (c = 0; c < ch.count; c++) {
			if (ch.items[c].old_index >= 0)
				listed_old[ch.items[c].old_index] = 1;
			if (ch.items[c].new_index >= 0)
				listed_new[ch.items[c].new_index] = 1;
		}
		/* each to the first earlier statement of the same text not yet
		 * taken, found through the texts' hashes sorted with their index
		 * (the same one a scan in order finds) */
		positions_text_slot *slots = malloc((t->prev.count + 1) * sizeof(*slots));
		if (!slots) {
			free(listed_old);
			free(listed_new);
			stance_error_oom();
			goto done;
		}
		for (c = 0; c < t->prev.count; c++) {
			slots[c].hash = t->prev_hash[c];
			slots[c].index = c;
		}
		positions_slots_sort(slots, t->prev.count);
		for (i = 0; i < cur->count; i++) {
			size_t k;
			uint64_t h;
			if (listed_new[i])
				continue;
			h = cur_hash[i];
			for (k = positions_slots_find(slots, t->prev.count, h); k < t->prev.count && slots[k].hash == h; k++) {
				c = slots[k].index;
				if (!listed_old[c] && !carried[c] && !strcmp(t->prev.items[c].text, cur->items[i].text)) {
					carried[c] = 1;
					cur_life[i] = t->prev_life[c];
					break;
				}
			}
		}
		free(slots);
		free(listed_old);
		free(listed_new);
	}
	for (c = 0; c < ch.count; c++) {
		const stance_position_change *x = &ch.items[c];
		if (x->kind == STANCE_POSITION_ADDED) {
			stance_position_life *life;
			size_t back = revived(t, cur->items[x->new_index].text);
			if (back != (size_t)-1) {
				/* a position dropped earlier and stated again: the same one */
				t->lives[back].current = 1;
				cur_life[x->new_index] = back;
				if (add_event(&t->lives[back], STANCE_POSITION_ADDED, revision, NULL,
					&cur->items[x->new_index], 0) < 0)
					goto done;
				continue;
			}
			if (stance_array_grow(&t->lives, &t->alloc, t->count + 1, sizeof(*t->lives)) < 0)
				goto done;
			life = &t->lives[t->count];
			memset(life, 0, sizeof(*life));
			life->current = 1;
			t->count++;
			cur_life[x->new_index] = t->count - 1;
			if (add_event(life, STANCE_POSITION_ADDED, revision, NULL, &cur->items[x->new_index], 0) < 0)
				goto done;
		} else if (x->kind == STANCE_POSITION_REWORDED) {
			size_t id = t->prev_life[x->old_index];
			cur_life[x->new_index] = id;
			if (add_event(&t->lives[id], STANCE_POSITION_REWORDED, revision, &t->prev.items[x->old_index],
				&cur->items[x->new_index], x->similarity) < 0)
				goto done;
		} else {
			size_t id = t->prev_life[x->old_index];
			t->lives[id].current = 0;
			if (add_event(&t->lives[id], STANCE_POSITION_REMOVED, revision, &t->prev.items[x->old_index],
				NULL, 0) < 0)
				goto done;
		}
	}
	if (copy_list(&copy, cur) < 0)
		goto done;
	stance_position_list_free(&t->prev);
	free(t->prev_life);
	t->prev = copy;
	t->prev_life = cur_life;
	free(t->prev_hash);
	t->prev_hash = cur_hash;
	cur_life = NULL;
	cur_hash = NULL;
	error = 0;
done:
	free(cur_life);
	free(cur_hash);
	free(carried);
	stance_position_change_list_free(&ch);
	return error;
}

/* ---- the changes between two versions, reading only what changed ---- */

typedef struct {
	uint64_t hash;
	size_t index;
} block_key;

static int cmp_block_key(const void *x, const void *y)
{
	const block_key *a = x, *b = y;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

static int block_keys(block_key **out, const char *body, const stance_diff_block *b, size_t n)
{
	size_t i;
	if (!(*out = malloc((n + 1) * sizeof(**out))))
		return stance_error_oom();
	for (i = 0; i < n; i++) {
		(*out)[i].hash = seg_hash_normalized(body + b[i].start, b[i].end - b[i].start);
		(*out)[i].index = i;
	}
	qsort(*out, n, sizeof(**out), cmp_block_key);
	return 0;
}

/* The sentences of one side's changed blocks, by the hash of their bytes
 * (and whether they open a list item, which the lens weighs): first
 * collected, then, once those found on both sides are known, the number of
 * each still to pass over. */
typedef struct {
	uint64_t *hash;
	size_t count, alloc;
	size_t *skip;   /* per distinct hash of `hash` (sorted, unique): left to pass over */
	int error;
} sentence_set;

static uint64_t sentence_key(const char *s, size_t n, int list_item)
{
	return seg_hash_normalized(s, n) ^ (list_item ? 0x9e3779b97f4a7c15ull : 0);
}

static int collect_sentence(void *ctx, const char *s, size_t n, int list_item)
{
	sentence_set *set = ctx;
	if (stance_array_grow(&set->hash, &set->alloc, set->count + 1, sizeof(*set->hash)) < 0)
		set->error = -1;
	else
		set->hash[set->count++] = sentence_key(s, n, list_item);
	return 1;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

/* Sorts and counts each side's sentences; each side is to pass over, of a
 * sentence both hold, as many as the other holds (the first ones, which
 * stance_positions_compare() would find unchanged). */
static int shared_sentences(sentence_set *o, sentence_set *n)
{
	sentence_set *side[2] = { o, n };
	size_t *cnt[2], u[2], i, j, k;
	for (k = 0; k < 2; k++) {
		sentence_set *x = side[k];
		if (x->count)
			qsort(x->hash, x->count, sizeof(*x->hash), cmp_u64);
		if (!(cnt[k] = calloc(x->count + 1, sizeof(size_t))) || !(x->skip = calloc(x->count + 1, sizeof(size_t)))) {
			free(k ? cnt[0] : NULL);
			free(cnt[k]);
			return stance_error_oom();
		}
		for (i = u[k] = 0; i < x->count; i++) {
			if (i && x->hash[i] == x->hash[i - 1]) {
				cnt[k][u[k] - 1]++;
				continue;
			}
			x->hash[u[k]] = x->hash[i];
			cnt[k][u[k]++] = 1;
		}
		x->count = u[k];
	}
	for (i = j = 0; i < o->count && j < n->count;) {
		if (o->hash[i] == n->hash[j]) {
			o->skip[i] = n->skip[j] = cnt[0][i] < cnt[1][j] ? cnt[0][i] : cnt[1][j];
			i++;
			j++;
		} else if (o->hash[i] < n->hash[j]) {
			i++;
		} else {
			j++;
		}
	}
	free(cnt[0]);
	free(cnt[1]);
	return 0;
}

static int pass_over_shared(void *ctx, const char *s, size_t n, int list_item)
{
	sentence_set *set = ctx;
	uint64_t key = sentence_key(s, n, list_item);
	const uint64_t *at = set->count ? bsearch(&key, set->hash, set->count, sizeof(key), cmp_u64) : NULL;
	size_t i = at ? (size_t)(at - set->hash) : 0;
	if (!at || !set->skip[i])
		return 0;
	set->skip[i]--;
	return 1;
}

int stance_positions_between(stance_position_change_list *changes, stance_position_list *old_list,
	stance_position_list *new_list, const stance_positions *p, const char *language,
	const char *old_body, size_t old_len, const char *new_body, size_t new_len)
{
	stance_diff_block *ob = NULL, *nb = NULL;
	size_t onb = 0, nnb = 0, i, j;
	block_key *ok = NULL, *nk = NULL;
	uint8_t *ot = NULL, *nt = NULL;
	sentence_set os = { 0 }, ns = { 0 };
	int error = -1;

	memset(changes, 0, sizeof(*changes));
	memset(old_list, 0, sizeof(*old_list));
	memset(new_list, 0, sizeof(*new_list));
	if (seg_blocks(&ob, &onb, old_body ? old_body : "", old_body ? old_len : 0) < 0 ||
	    seg_blocks(&nb, &nnb, new_body ? new_body : "", new_body ? new_len : 0) < 0 ||
	    block_keys(&ok, old_body, ob, onb) < 0 || block_keys(&nk, new_body, nb, nnb) < 0)
		goto done;
	if (!(ot = malloc(onb + 1)) || !(nt = malloc(nnb + 1))) {
		stance_error_oom();
		goto done;
	}
	memset(ot, 1, onb + 1);
	memset(nt, 1, nnb + 1);
	/* a block found on both sides (as often as it stands on each) cannot
	 * hold a changed statement: only the others are read */
	for (i = j = 0; i < onb && j < nnb;) {
		if (ok[i].hash == nk[j].hash) {
			ot[ok[i++].index] = 0;
			nt[nk[j++].index] = 0;
		} else if (ok[i].hash < nk[j].hash) {
			i++;
		} else {
			j++;
		}
	}
	/* likewise a sentence found on both sides' changed blocks (the lens
	 * judges a sentence by its own words): of a paragraph with one sentence
	 * reworded, only that sentence is judged */
	if (positions_extract_filtered(old_list, p, language, old_body ? old_body : "", old_body ? old_len : 0,
		ob, ot, onb, collect_sentence, &os) < 0 || os.error ||
	    positions_extract_filtered(new_list, p, language, new_body ? new_body : "", new_body ? new_len : 0,
		nb, nt, nnb, collect_sentence, &ns) < 0 || ns.error || shared_sentences(&os, &ns) < 0) {
		if (os.error || ns.error)
			stance_error_oom();
		goto done;
	}
	if (positions_extract_filtered(old_list, p, language, old_body ? old_body : "", old_body ? old_len : 0,
		ob, ot, onb, pass_over_shared, &os) < 0 ||
	    positions_extract_filtered(new_list, p, language, new_body ? new_body : "", new_body ? new_len : 0,
		nb, nt, nnb, pass_over_shared, &ns) < 0 ||
	    stance_positions_compare(changes, old_list, new_list) < 0)
		goto done;
	error = 0;
done:
	if (error < 0) {
		stance_position_change_list_free(changes);
		stance_position_list_free(old_list);
		stance_position_list_free(new_list);
	}
	free(ob);
	free(nb);
	free(ok);
	free(nk);
	free(ot);
	free(nt);
	free(os.hash);
	free(os.skip);
	free(ns.hash);
	free(ns.skip);
	return error;
}
