/*
 * import.c: plain text saved from a web page turned into a document.
 *
 * The text is cut into lines; each line gets a role (page chrome, metadata,
 * paragraph, heading, list item, pull quote) by a series of passes, each one
 * a general rule about how such pages are laid out:
 *
 *   1. teaser cards ("Label" / "Label Title" / description) and the run of
 *      related pieces after them are dropped;
 *   2. lines matching the chrome patterns, and lines without a letter or
 *      digit ("×", "|"), are dropped;
 *   3. the tail: from the end back to the last paragraph, publication notes
 *      ("… er bragt på X den …"), signatures ("– Redaktionen") and short
 *      labels (category tags) are taken out;
 *   4. the head: date lines, issue lines ("X nr. 13 / 2009"), bylines
 *      ("Af …", "By …", "tekst …"), kind labels and the title; short lines
 *      before the title (series banners, breadcrumbs) are dropped;
 *   5. pull quotes: a line that repeats the words of another (a longer
 *      paragraph, or another copy of itself) becomes one blockquote, at its
 *      first place, and the other copies go;
 *   6. bullet runs become lists; short lines without closing punctuation
 *      between paragraphs become "##" headings.
 *
 * The word lists (chrome patterns, kind words, outlet descriptors) are data:
 * the .txt lists in data/import/, embedded at build time, extended by .stance/import/,
 * read and matched in import_rules.c, which also holds the small text helpers;
 * dates are found by import_date.c; hard-wrapped lines are joined back as
 * import_wrap.c decides (src/lib/import_internal.h).
 */
#include "import_internal.h"
#include "stance/date.h"
#include "stance/document.h"

#include <ctype.h>

/* ------------------------------------------------------------------ */
/* lines and their roles                                                */

typedef enum { R_TEXT, R_DROP, R_META, R_HEADING, R_ITEM, R_OITEM, R_QUOTE, R_ATTR } line_role;

typedef struct {
	char *text;       /* trimmed */
	char *fold;       /* case-folded */
	int words;
	int joined;       /* no blank line between it and the line before */
	size_t indent;    /* spaces before the text in the file */
	int nbsp_end;     /* a no-break space trimmed from its end */
	line_role role;
	size_t marker;    /* list items: bytes of the bullet or number before the text */
	uint32_t *hash;   /* pull quotes: word hashes */
	int nhash;
} line;

/* How sure a finding is: lower wins. */
enum { RANK_PREFIX = 1, RANK_LABEL, RANK_BYLINE, RANK_HEAD, RANK_BANNER, RANK_NOTE,
	RANK_TAIL, RANK_UPDATED, RANK_NONE = 100 };

typedef struct {
	line *v;
	size_t n;
	const stance_import_rules *rules;
	const char *language;
	char *title, *organization, *publication;
	const char *kind;
	int kind_rank, date_rank;
	stance_date published;
	char **authors;
	size_t nauthors;
} import_ctx;

/* Frees everything the context owns (lines, found fields); not the context itself. */
static void ctx_dispose(import_ctx *c)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].text);
		free(c->v[i].fold);
		free(c->v[i].hash);
	}
	free(c->v);
	for (i = 0; i < c->nauthors; i++)
		free(c->authors[i]);
	free(c->authors);
	free(c->title);
	free(c->organization);
	free(c->publication);
}

/* Keeps the kind found with the strongest evidence (lowest rank); `kind` is a borrowed rules string. */
static void set_kind(import_ctx *c, const char *kind, int rank)
{
	if (kind && rank < c->kind_rank) {
		c->kind = kind;
		c->kind_rank = rank;
	}
}

/* Keeps the published date found with the strongest evidence. */
static void set_date(import_ctx *c, const stance_date *d, int rank)
{
	if (d->precision != STANCE_DATE_NONE && rank < c->date_rank) {
		c->published = *d;
		c->date_rank = rank;
	}
}

/* Fills an empty field slot with a trimmed copy of s[0..len) (owned by the context); a set slot is kept. */
static int set_str(char **slot, const char *s, size_t len)
{
	char *copy;
	if (*slot)
		return 0;
	if (!(copy = import_trim_dup(s, len)))
		return STANCE_ERROR;
	/* drop a closing full stop or comma left from the sentence */
	while (*copy && strchr(".,;:", copy[strlen(copy) - 1]))
		copy[strlen(copy) - 1] = '\0';
	if (!*copy) {
		free(copy);
		return 0;
	}
	*slot = copy;
	return 0;
}

/* Adds a copy of an author name (owned by the context), once. */
static int add_author(import_ctx *c, const char *name, size_t len)
{
	char *copy, **grown;
	size_t i;
	if (!(copy = import_trim_dup(name, len)))
		return STANCE_ERROR;
	for (i = 0; i < c->nauthors; i++)
		if (!strcmp(c->authors[i], copy)) {
			free(copy);
			return 0;
		}
	if (!(grown = realloc(c->authors, (c->nauthors + 1) * sizeof(*grown)))) {
		free(copy);
		return stance_error_oom();
	}
	grown[c->nauthors++] = copy;
	c->authors = grown;
	return 0;
}

/* Bytes of a bullet marker and the space after it, 0 when none. */
static size_t bullet_len(const char *s)
{
	static const char *const marks[] = {
		"\xE2\x80\xA2", /* • */ "\xC2\xB7", /* · */ "\xE2\x80\x93", /* – */
		"\xE2\x80\x94", /* — */ "-", "*", "\xE2\x96\xAA", /* ▪ */ "\xE2\x97\xA6", /* ◦ */
		"\xE2\x80\xA3", /* ‣ */ "\xE2\x97\x8F", /* ● */ "\xE2\x96\xA0", /* ■ */ NULL };
	size_t i, n, k;
	for (i = 0; marks[i]; i++) {
		n = strlen(marks[i]);
		if (!strncmp(s, marks[i], n) && (k = import_space_len(s + n)) > 0) {
			n += k;
			while ((k = import_space_len(s + n)) > 0)
				n += k;
			return s[n] ? n : 0;
		}
	}
	return 0;
}

/* A bullet that is never a dash in running text. */
static int strong_bullet(const char *s)
{
	return import_starts_with(s, "\xE2\x80\xA2") || import_starts_with(s, "\xC2\xB7") ||
		import_starts_with(s, "\xE2\x96\xAA") || import_starts_with(s, "\xE2\x97\x8F") ||
		import_starts_with(s, "\xE2\x96\xA0") || import_starts_with(s, "\xE2\x97\xA6");
}

/* Bytes of "12. " or "3) " at the start, 0 when none. */
static size_t number_len(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]) && n < 3)
		n++;
	if (!n || (s[n] != '.' && s[n] != ')') || s[n + 1] != ' ')
		return 0;
	n += 2;
	while (s[n] == ' ')
		n++;
	return s[n] ? n : 0;
}

/* 1 when s[0..n) ends with a no-break space, ordinary spaces after it aside. */
static int ends_nbsp(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0;
}

/* Cuts the text into trimmed, non-empty lines (owned by the context), noting which follow without a blank line. */
static int split_lines(import_ctx *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *eol;
	int blank = 1;
	size_t cap = 0, indent;
	const char *p0;

	while (p < end) {
		line *l;
		char *t;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		for (indent = 0; p + indent < eol && (p[indent] == ' ' || p[indent] == '\t'); indent++)
			;
		if (!(t = import_trim_dup(p, (size_t)(eol - p))))
			return STANCE_ERROR;
		p0 = p;
		p = eol < end ? eol + 1 : end;
		if (!*t) {
			free(t);
			blank = 1;
			continue;
		}
		if (stance_array_grow(&c->v, &cap, c->n + 1, sizeof(*c->v)) < 0) {
			free(t);
			return STANCE_ERROR;
		}
		l = &c->v[c->n];
		memset(l, 0, sizeof(*l));
		l->text = t;
		l->joined = !blank;
		l->indent = indent;
		l->nbsp_end = ends_nbsp(p0, (size_t)(eol - p0));
		c->n++;
		blank = 0;
		if (!(l->fold = import_fold(t)))
			return STANCE_ERROR;
		l->words = import_count_words(t);
	}
	return 0;
}

/*
 * Hard-wrapped text: the lines of a paragraph or a list item are joined back
 * (import_wrap.c decides which), so any wrap width gives the same lines.
 */
static int unwrap(import_ctx *c)
{
	import_wrap_line *w;
	unsigned char *join;
	size_t i, out = 0;
	int error = 0;
	if (c->n < 2)
		return 0;
	w = calloc(c->n, sizeof(*w));
	join = malloc(c->n);
	if (!w || !join) {
		free(w);
		free(join);
		return stance_error_oom();
	}
	for (i = 0; i < c->n; i++) {
		w[i].text = c->v[i].text;
		w[i].indent = c->v[i].indent;
		w[i].joined = c->v[i].joined;
		w[i].item = strong_bullet(c->v[i].text) && bullet_len(c->v[i].text) ? 2 :
			bullet_len(c->v[i].text) || number_len(c->v[i].text) ? 1 : 0;
	}
	import_unwrap_plan(w, c->n, join);
	free(w);
	for (i = 0; i < c->n; i++) {
		line *l = &c->v[i];
		/* after a failure the lines are only kept, so that all are freed */
		if (out > 0 && join[i] && !error) {
			line *prev = &c->v[out - 1];
			stance_buf b = STANCE_BUF_INIT;
			char *f = NULL;
			/* a wrap after "\u00a0 " keeps the no-break space the text had */
			if (stance_buf_printf(&b, "%s%s %s", prev->text, c->v[i - 1].nbsp_end ?
				"\xC2\xA0" : "", l->text) < 0 ||
			    !(f = import_fold(stance_buf_cstr(&b)))) {
				stance_buf_dispose(&b);
				error = STANCE_ERROR;
				c->v[out++] = *l;
				continue;
			}
			free(prev->text);
			prev->text = stance_buf_detach(&b);
			free(prev->fold);
			prev->fold = f;
			prev->words += l->words;
			free(l->text);
			free(l->fold);
			continue;
		}
		c->v[out++] = *l;
	}
	free(join);
	c->n = out;
	return error;
}

/* 1 when the line goes into the body. */
static int kept(const line *l)
{
	return l->role != R_DROP && l->role != R_META;
}

/* ---- pass 1: teaser cards ---------------------------------------- */

static int card_at(const import_ctx *c, size_t i)
{
	const line *a = &c->v[i], *b;
	size_t la = strlen(a->text);
	if (i + 1 >= c->n)
		return 0;
	b = &c->v[i + 1];
	return a->words <= 4 && b->words <= 25 && strlen(b->text) > la + 1 &&
		!strncmp(b->text, a->text, la) && b->text[la] == ' ' &&
		import_last_cp(b->text) != '.';
}

/* Pass 1: drops teaser cards and, after two or more, the short blurbs after them. */
static void pass_cards(import_ctx *c)
{
	size_t i, ncards = 0, last_end = 0;
	for (i = 0; i + 1 < c->n; i++) {
		if (!card_at(c, i))
			continue;
		c->v[i].role = c->v[i + 1].role = R_DROP;
		last_end = i + 1;
		if (i + 2 < c->n && c->v[i + 2].words <= 30 && !card_at(c, i + 2)) {
			c->v[i + 2].role = R_DROP;
			last_end = i + 2;
		}
		ncards++;
		i = last_end;
	}
	/* after a run of related pieces, a tail of short blurbs is more of them */
	if (ncards >= 2) {
		for (i = last_end + 1; i < c->n; i++)
			if (c->v[i].words > 30)
				return;
		for (i = last_end + 1; i < c->n; i++)
			c->v[i].role = R_DROP;
	}
}

/* ---- pass 2: chrome ------------------------------------------------ */

static void pass_chrome(import_ctx *c)
{
	size_t i;
	int k;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].role != R_TEXT)
			continue;
		if (!import_has_alnum(c->v[i].text)) {
			c->v[i].role = R_DROP;
			continue;
		}
		if (!(k = import_is_chrome(c->rules, c->v[i].fold)))
			continue;
		c->v[i].role = R_DROP;
		/* "Related" / "Læs også": the short titles under it are teasers */
		while (k == 2 && i + 1 < c->n && c->v[i + 1].words <= 15 &&
		       import_last_cp(c->v[i + 1].text) != '.')
			c->v[++i].role = R_DROP;
	}
}

/* ---- names, bylines, notes ----------------------------------------- */

static int particle(const char *w, size_t n)
{
	static const char *const ps[] = { "van", "von", "de", "der", "den", "la", "le", "du",
		"da", "di", "del", "bin", "al", "ter", "ten", "the", NULL };
	size_t i;
	for (i = 0; ps[i]; i++)
		if (strlen(ps[i]) == n && !strncmp(w, ps[i], n))
			return 1;
	return 0;
}

/* 1 when s[0..len) reads as a name: 1..maxwords words, capitalised (or
 * particles), no digits, no sentence punctuation. */
static int name_like(const char *s, size_t len, int maxwords)
{
	size_t i = 0;
	int words = 0, caps = 0;
	while (i < len) {
		size_t start, k;
		while (i < len && (k = import_space_len(s + i)) > 0)
			i += k;
		if (i >= len)
			break;
		start = i;
		while (i < len && !import_space_len(s + i))
			i++;
		words++;
		if (import_starts_upper(s + start) && !isdigit((unsigned char)s[start]))
			caps++;
		else if (!particle(s + start, i - start))
			return 0;
		for (k = start; k < i; k++)
			if (isdigit((unsigned char)s[k]) || strchr(",;:!?()\"", s[k]))
				return 0;
		if (s[i - 1] == '.' && i - start > 2) /* initials ("J.") only */
			return 0;
	}
	return words >= 1 && words <= maxwords && caps >= 1;
}

/* The acronym (2-6 capitals) of a possessive "KL's" / "KL’s" in s, or NULL.
 * With `at_start`, only as the first word. Caller frees. */
static char *possessive_acronym(const char *s, int at_start)
{
	const char *p = s;
	for (;;) {
		const char *a = p, *q = p;
		while (*q >= 'A' && *q <= 'Z')
			q++;
		if (q - a >= 2 && q - a <= 6 && (a == s || !import_word_byte((unsigned char)a[-1]))) {
			size_t k = 0;
			if (*q == '\'')
				k = 1;
			else if (import_starts_with(q, "\xE2\x80\x99"))
				k = 3;
			if (k && q[k] == 's' && !import_word_byte((unsigned char)q[k + 1]))
				return stance_strndup(a, (size_t)(q - a));
		}
		if (at_start)
			return NULL;
		while (*p && import_word_byte((unsigned char)*p))
			p++;
		while (*p && !import_word_byte((unsigned char)*p))
			p++;
		if (!*p)
			return NULL;
	}
}

static int is_acronym(const char *s)
{
	size_t n = 0;
	while (s[n] >= 'A' && s[n] <= 'Z')
		n++;
	return n >= 2 && n <= 6 && !s[n];
}

/* Where the name part of a byline ends: at a comma, a dash, a bar, a
 * parenthesis or a number. */
static size_t name_end(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++) {
		if (s[i] == ',' || s[i] == '|' || s[i] == '(' || s[i] == '/' ||
		    (isdigit((unsigned char)s[i]) && (i == 0 || s[i - 1] == ' ')) ||
		    import_starts_with(s + i, " - ") || import_starts_with(s + i, " \xE2\x80\x93 ") ||
		    import_starts_with(s + i, " \xE2\x80\x94 "))
			return i;
	}
	return i;
}

/* Splits "A og B", "A and B", "A & B" and checks each is a name. When
 * `commit`, adds them as authors. Returns the number of names, 0 when one
 * part is not a name. */
static int byline_names(import_ctx *c, const char *s, size_t len, int commit)
{
	static const char *const seps[] = { " og ", " and ", " & ", " samt ", ", ", NULL };
	size_t i = 0, start = 0;
	int count = 0;
	while (i <= len) {
		size_t seplen = 0, k;
		if (i == len) {
			seplen = 0;
		} else {
			for (k = 0; seps[k]; k++)
				if (i + strlen(seps[k]) <= len && !strncmp(s + i, seps[k], strlen(seps[k]))) {
					seplen = strlen(seps[k]);
					break;
				}
			if (!seplen) {
				i++;
				continue;
			}
		}
		if (!name_like(s + start, i - start, 5))
			return 0;
		if (commit && add_author(c, s + start, i - start) < 0)
			return -1;
		count++;
		if (i == len)
			break;
		i += seplen;
		start = i;
	}
	return count;
}

static int role_organization(import_ctx *c, const char *role);

/* "Af NAME[, role or date]", "By NAME", "tekst NAME", "Written by NAME". */
static int parse_byline(import_ctx *c, line *l)
{
	static const char *const leads[] = { "af: ", "af ", "by: ", "by ", "tekst: ", "tekst ",
		"text: ", "text ", "skrevet af ", "written by ", "forfatter: ", "author: ",
		"foto og tekst: ", "tekst og foto: ", NULL };
	size_t i, n = 0, ne;
	const char *rest;
	int names;
	char *org;
	stance_date d;

	if (l->words > 20)
		return 0;
	for (i = 0; leads[i]; i++)
		if (import_starts_with(l->fold, leads[i])) {
			n = strlen(leads[i]);
			break;
		}
	if (!leads[i])
		return 0;
	rest = l->text + n;
	ne = name_end(rest);
	while (ne > 0 && rest[ne - 1] == ' ')
		ne--;
	if (!ne || (names = byline_names(c, rest, ne, 0)) <= 0)
		return 0;
	if (byline_names(c, rest, ne, 1) < 0)
		return -1;
	stance_import_find_date(&d, NULL, NULL, rest + ne, c->language);
	set_date(c, &d, RANK_BYLINE);
	if (!c->organization && (org = possessive_acronym(rest + ne, 0)) != NULL)
		c->organization = org;
	if (!c->organization && role_organization(c, rest + ne) < 0)
		return -1;
	return 1;
}

/* "…, formand for Danske Regioner", "…, director at Shelter": the
 * capitalised words after "for", "i", "hos", "of", "at" in a byline's role. */
static int role_organization(import_ctx *c, const char *role)
{
	static const char *const preps[] = { " for ", " i ", " hos ", " of ", " at ", NULL };
	size_t i;
	for (i = 0; preps[i]; i++) {
		const char *p = strstr(role, preps[i]), *end;
		if (!p)
			continue;
		p += strlen(preps[i]);
		end = p;
		/* capitalised words, and "og"/"and"/"&" between two of them */
		while (*end) {
			const char *w = end, *we = w;
			while (*we && *we != ' ' && *we != ',')
				we++;
			if (import_starts_upper(w) && !isdigit((unsigned char)*w)) {
				end = we;
			} else if ((we - w == 2 && !strncmp(w, "og", 2)) || (we - w == 3 && !strncmp(w, "and", 3)) ||
				   (we - w == 1 && *w == '&')) {
				if (*we != ' ' || !import_starts_upper(we + 1))
					break;
				end = we;
			} else {
				break;
			}
			if (*end != ' ')
				break;
			end++;
		}
		while (end > p && (end[-1] == ' ' || end[-1] == ','))
			end--;
		if (end > p)
			return set_str(&c->organization, p, (size_t)(end - p));
	}
	return 0;
}

/* "– Redaktionen", "— Jane Smith": a signature; returns the name's offset. */
static size_t signature_at(const char *s)
{
	size_t n = 0;
	if (import_starts_with(s, "\xE2\x80\x93 ") || import_starts_with(s, "\xE2\x80\x94 "))
		n = 4;
	else if (import_starts_with(s, "-- "))
		n = 3;
	else if (import_starts_with(s, "- "))
		n = 2;
	else
		return 0;
	while (s[n] == ' ')
		n++;
	return name_like(s + n, strlen(s + n), 5) ? n : 0;
}

/* "Debatindlægget er bragt på Altinget Kommunal den 4. december 2020",
 * "This article first appeared in The Journal on 4 December 2020". */
static int parse_note(import_ctx *c, line *l)
{
	static const char *const marks[] = { " bragt på ", " bragt i ", " trykt i ",
		" offentliggjort i ", " offentliggjort på ", " first published in ",
		" originally published in ", " first appeared in ", " originally appeared in ",
		" appeared in ", " published in ", " was published by ", NULL };
	size_t i, at = 0, end;
	const char *hit = NULL, *outlet;
	stance_date d;

	if (l->words > 30)
		return 0;
	for (i = 0; marks[i]; i++) {
		const char *f = strstr(l->fold, marks[i] + 1);
		if (f && (f == l->fold || f[-1] == ' ')) {
			hit = f;
			at = (size_t)(f - l->fold) + strlen(marks[i]) - 1;
			break;
		}
	}
	if (!hit)
		return 0;
	stance_import_find_date(&d, NULL, NULL, l->text, c->language);
	set_date(c, &d, RANK_NOTE);
	if (strlen(l->fold) != strlen(l->text) || at >= strlen(l->text))
		return 1;
	outlet = l->text + at;
	{
		utf8proc_int32_t cp;
		import_cp_at(outlet, &cp);
		if (!import_is_upper_cp(cp))
			return 1;
	}
	for (end = 0; outlet[end]; end++) {
		if (outlet[end] == ',' || outlet[end] == '(' || isdigit((unsigned char)outlet[end]) ||
		    import_starts_with(outlet + end, " den ") || import_starts_with(outlet + end, " d. ") ||
		    import_starts_with(outlet + end, " on ") || import_starts_with(outlet + end, " i ") ||
		    import_starts_with(outlet + end, " in ") || import_starts_with(outlet + end, " the ") ||
		    (outlet[end] == '.' && (!outlet[end + 1] || outlet[end + 1] == ' ')))
			break;
		if (end > 0 && outlet[end - 1] == ' ' && import_month_name_at(outlet + end))
			break;
	}
	return set_str(&c->publication, outlet, end) < 0 ? -1 : 1;
}

/* ---- pass 3: the tail ---------------------------------------------- */

static int pass_tail(import_ctx *c, size_t *tail_author, size_t *tail_author_len)
{
	size_t i = c->n, closest = (size_t)-1;
	int r;

	*tail_author = (size_t)-1;
	while (i-- > 0) {
		line *l = &c->v[i];
		size_t sig;
		if (l->role != R_TEXT)
			continue;
		if ((r = parse_note(c, l)) < 0)
			return r;
		if (r > 0) {
			l->role = R_META;
			closest = i;
			continue;
		}
		if ((sig = signature_at(l->text)) > 0) {
			l->role = R_META;
			closest = i;
			continue;
		}
		if (l->words <= 4 && !import_ends_closed(l->text)) {
			/* a label: a category, a tag, a kind ("Tema: Leder"), a name */
			const char *colon = strchr(l->fold, ':');
			const char *k = import_kind_line(c->rules, l->fold);
			if (!k && colon) {
				const char *v = colon + 1;
				while (*v == ' ')
					v++;
				k = import_kind_line(c->rules, v);
			}
			set_kind(c, k, RANK_TAIL);
			l->role = R_META;
			closest = i;
			continue;
		}
		break;
	}
	/* the line right under the article may be its signature */
	if (closest != (size_t)-1) {
		const line *l = &c->v[closest];
		size_t sig = signature_at(l->text);
		if (sig) {
			*tail_author = closest;
			*tail_author_len = sig;
		} else if (l->words >= 1 && l->words <= 4 && !strchr(l->text, ':') &&
			   !import_kind_line(c->rules, l->fold) && name_like(l->text, strlen(l->text), 4) &&
			   (l->words >= 2 || is_acronym(l->text))) {
			*tail_author = closest;
			*tail_author_len = 0;
		}
	}
	return 0;
}

/* ---- pass 4: the head ---------------------------------------------- */

static int title_like(const line *l)
{
	utf8proc_int32_t c0, cl;
	if (l->role != R_TEXT || l->words < 1 || l->words > 25 || bullet_len(l->text))
		return 0;
	import_cp_at(l->text, &c0);
	cl = import_last_cp(l->text);
	if (import_is_quote_cp(c0) || cl == '.' || cl == ',' || cl == ';' || cl == ':')
		return 0;
	return 1;
}

/* A line that says nothing but a date (and words like a weekday or "kl."). */
static int date_line(import_ctx *c, line *l)
{
	stance_date d;
	size_t a, b;
	char *span;
	int rest;
	if (l->words > 10)
		return 0;
	stance_import_find_date(&d, &a, &b, l->text, c->language);
	if (d.precision == STANCE_DATE_NONE)
		return 0;
	if (!(span = stance_strndup(l->text + a, b - a)))
		return -1;
	rest = l->words - import_count_words(span);
	free(span);
	if (rest > 4)
		return 0;
	if (d.precision == STANCE_DATE_YEAR) /* an issue line: "X nr. 13 / 2009" */
		return 0;
	set_date(c, &d, (strstr(l->fold, "opdateret") || strstr(l->fold, "updated") ||
		strstr(l->fold, "senest ændret") || strstr(l->fold, "last modified")) ?
		RANK_UPDATED : RANK_HEAD);
	return 1;
}

/* "Nyhedsmagasinet Danske Kommuner nr. 13 / 2009": the outlet and its year. */
static int issue_line(import_ctx *c, line *l)
{
	stance_date d;
	size_t a, b, i, start = 0;
	if (l->words > 12)
		return 0;
	stance_import_find_date(&d, &a, &b, l->text, c->language);
	if (d.precision != STANCE_DATE_YEAR)
		return 0;
	set_date(c, &d, RANK_HEAD);
	/* the outlet is what comes before "nr.", less words that only describe it */
	if (strlen(l->fold) == strlen(l->text)) {
		for (i = 0; i < c->rules->nprefixes; i++) {
			size_t n = strlen(c->rules->prefixes[i]);
			if (!strncmp(l->fold, c->rules->prefixes[i], n) && l->fold[n] == ' ') {
				start = n + 1;
				break;
			}
		}
	}
	if (a > start && set_str(&c->publication, l->text + start, a - start) < 0)
		return -1;
	return 1;
}

/* Pass 4: bylines, date and issue lines, kind labels and the title in the first lines; drops the banners above the title. */
static int pass_head(import_ctx *c)
{
	size_t idx[12], nw = 0, i, k, title = (size_t)-1, byline = (size_t)-1, first = (size_t)-1;
	int r;
	const char *kind;

	for (i = 0; i < c->n && nw < STANCE_ARRAY_SIZE(idx); i++) {
		if (c->v[i].role != R_TEXT)
			continue;
		if (first == (size_t)-1)
			first = i;
		idx[nw++] = i;
	}
	for (k = 0; k < nw; k++) {
		line *l = &c->v[idx[k]];
		if ((r = parse_byline(c, l)) < 0)
			return r;
		if (r > 0) {
			l->role = R_META;
			if (byline == (size_t)-1)
				byline = idx[k];
			continue;
		}
		if ((r = date_line(c, l)) != 0 || (r = issue_line(c, l)) != 0) {
			if (r < 0)
				return r;
			l->role = R_META;
			continue;
		}
		if ((kind = import_kind_line(c->rules, l->fold)) != NULL) {
			set_kind(c, kind, RANK_LABEL);
			l->role = R_META;
		}
	}
	/* the title: led by a kind word, or the line above the byline, or the
	 * first line that reads as a title */
	for (k = 0; k < nw && k < 4 && title == (size_t)-1; k++) {
		line *l = &c->v[idx[k]];
		size_t at;
		if (l->role != R_TEXT)
			continue;
		if ((kind = import_kind_prefix(c->rules, l->fold, l->text, idx[k] == first, &at)) != NULL) {
			line probe = *l;
			probe.text = l->text + at;
			probe.words = import_count_words(probe.text);
			if (!title_like(&probe))
				continue;
			set_kind(c, kind, RANK_PREFIX);
			if (!(c->title = stance_strdup(l->text + at)))
				return -1;
			title = idx[k];
		}
	}
	if (title == (size_t)-1 && byline != (size_t)-1) {
		for (i = byline; i-- > 0;) {
			if (c->v[i].role == R_DROP || c->v[i].role == R_META)
				continue;
			if (title_like(&c->v[i]))
				title = i;
			break;
		}
	}
	for (k = 0; k < nw && title == (size_t)-1; k++)
		if (title_like(&c->v[idx[k]]))
			title = idx[k];
	if (title == (size_t)-1)
		return 0;
	if (!c->title && !(c->title = stance_strdup(c->v[title].text)))
		return -1;
	c->v[title].role = R_META;
	/* short lines above the title are banners and breadcrumbs */
	for (i = 0; i < title; i++) {
		line *l = &c->v[i];
		if (l->role != R_TEXT || l->words > 25)
			continue;
		set_kind(c, import_kind_in(c->rules, l->fold), RANK_BANNER);
		l->role = R_DROP;
	}
	return 0;
}

/* ---- pass 5: pull quotes ------------------------------------------- */

/* Bytes of the letter or digit at p, 0 when it is something else. */
static int alnum_at(const char *p)
{
	utf8proc_int32_t cp;
	int n = import_cp_at(p, &cp);
	return (import_is_letter_cp(cp) || (cp >= '0' && cp <= '9')) ? n : 0;
}

/* Fills l->hash (owned by the line) with one hash per word of the folded text. */
static int hash_words(line *l)
{
	const char *p = l->fold;
	size_t cap = (size_t)l->words + 1;
	int n;
	if (!(l->hash = malloc(cap * sizeof(*l->hash))))
		return stance_error_oom();
	l->nhash = 0;
	while (*p) {
		uint32_t h = STANCE_FNV32_BASIS;
		if (!alnum_at(p)) {
			utf8proc_int32_t cp;
			p += import_cp_at(p, &cp);
			continue;
		}
		while ((n = alnum_at(p)) > 0)
			while (n-- > 0)
				h = stance_fnv32_step(h, (unsigned char)*p++);
		if ((size_t)l->nhash < cap)
			l->hash[l->nhash++] = h;
	}
	return 0;
}

/* Fewest word edits turning b into some stretch of p. */
static int approx_within(const uint32_t *b, int nb, const uint32_t *p, int np, int limit)
{
	int *col, i, j, best = nb;
	if (!(col = malloc((size_t)(nb + 1) * sizeof(*col))))
		return nb;
	for (i = 0; i <= nb; i++)
		col[i] = i;
	for (j = 1; j <= np; j++) {
		int diag = col[0], colmin;
		col[0] = 0; /* the stretch may start anywhere in p */
		colmin = 0;
		for (i = 1; i <= nb; i++) {
			int up = col[i], v = diag + (b[i - 1] != p[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (col[i - 1] + 1 < v)
				v = col[i - 1] + 1;
			diag = up;
			col[i] = v;
			if (v < colmin)
				colmin = v;
		}
		if (col[nb] < best)
			best = col[nb];
		if (best == 0)
			break;
	}
	free(col);
	(void)limit;
	return best;
}

static int quoted(const line *l)
{
	utf8proc_int32_t c0;
	import_cp_at(l->text, &c0);
	return import_is_quote_cp(c0) && import_is_quote_cp(import_last_cp(l->text));
}

/* The line after i, when it attributes a quote: "Jacob Bundsgaard, KL's formand". */
static int attribution(const import_ctx *c, size_t i)
{
	const line *a;
	if (i + 1 >= c->n)
		return 0;
	a = &c->v[i + 1];
	return a->joined && a->role == R_TEXT && a->words <= 8 && import_last_cp(a->text) != '.' &&
		name_like(a->text, name_end(a->text), 5);
}

/* 1 when the attribution line starts with the name of an author found. */
static int attributed_to_author(const import_ctx *c, size_t i)
{
	size_t k, n;
	for (k = 0; k < c->nauthors; k++) {
		n = strlen(c->authors[k]);
		if (!strncmp(c->v[i].text, c->authors[k], n) &&
		    (!c->v[i].text[n] || c->v[i].text[n] == ','))
			return 1;
	}
	return 0;
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/* Pass 5: pull quotes become one blockquote; their other copies and repeated paragraphs go. */
static int pass_quotes(import_ctx *c)
{
	size_t i, j, *parent = NULL;
	char *host = NULL;
	int error = 0;

	if (!(parent = malloc(c->n * sizeof(*parent))) || !(host = calloc(c->n, 1))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < c->n; i++) {
		parent[i] = i;
		if (c->v[i].role == R_TEXT && (error = hash_words(&c->v[i])) < 0)
			goto done;
	}
	for (i = 0; i < c->n; i++) {
		line *b = &c->v[i];
		if (b->role != R_TEXT || b->nhash < 6 || b->nhash > 80 || bullet_len(b->text))
			continue;
		for (j = 0; j < c->n; j++) {
			line *p = &c->v[j];
			int d;
			if (j == i || p->role != R_TEXT || p->nhash < b->nhash)
				continue;
			d = approx_within(b->hash, b->nhash, p->hash, p->nhash, b->nhash / 5);
			if (d * 5 > b->nhash)
				continue;
			if (p->nhash * 10 >= b->nhash * 13) {
				host[i] = 1;
			} else {
				size_t ri = uf_find(parent, i), rj = uf_find(parent, j);
				if (ri != rj) {
					if (ri < rj)
						parent[rj] = ri;
					else
						parent[ri] = rj;
				}
			}
		}
	}
	for (i = 0; i < c->n; i++) {
		line *b = &c->v[i];
		size_t r = uf_find(parent, i);
		int copies = 0, any_host = host[i];
		if (b->role != R_TEXT)
			continue;
		for (j = 0; j < c->n; j++)
			if (j != i && uf_find(parent, j) == r) {
				copies++;
				any_host |= host[j];
			}
		if (!copies && !host[i]) {
			/* a quotation signed by the piece's author is a pull quote
			 * even when the text says it in other words */
			if (attribution(c, i) && attributed_to_author(c, i + 1)) {
				b->role = R_QUOTE;
				c->v[i + 1].role = R_ATTR;
			}
			continue;
		}
		if (r != i) {
			/* a later copy of a quote or paragraph already given */
			b->role = R_DROP;
			if (attribution(c, i))
				c->v[i + 1].role = R_DROP;
			continue;
		}
		if (quoted(b) || attribution(c, i) || (copies && any_host)) {
			b->role = R_QUOTE;
			if (attribution(c, i))
				c->v[i + 1].role = R_ATTR;
		}
	}
done:
	free(parent);
	free(host);
	return error;
}

/* ---- pass 6: lists and headings ------------------------------------ */

static void pass_lists(import_ctx *c)
{
	size_t i = 0, j;
	while (i < c->n) {
		int numbered;
		if (c->v[i].role != R_TEXT || (!bullet_len(c->v[i].text) && !number_len(c->v[i].text))) {
			i++;
			continue;
		}
		numbered = !bullet_len(c->v[i].text);
		for (j = i; j < c->n && c->v[j].role == R_TEXT &&
		     (numbered ? number_len(c->v[j].text) : bullet_len(c->v[j].text)) > 0; j++)
			;
		if (j - i >= 2 || (!numbered && strong_bullet(c->v[i].text))) {
			for (; i < j; i++) {
				c->v[i].role = numbered ? R_OITEM : R_ITEM;
				c->v[i].marker = numbered ? number_len(c->v[i].text) : bullet_len(c->v[i].text);
			}
		}
		i = j > i ? j : i + 1;
	}
}

/* Pass 6b: short lines without closing punctuation between paragraphs become headings. */
static void pass_headings(import_ctx *c)
{
	size_t i, j;
	line_role prev = R_META;
	for (i = 0; i < c->n; i++) {
		line *l = &c->v[i];
		const line *next = NULL;
		utf8proc_int32_t last;
		if (!kept(l))
			continue;
		if (l->role == R_TEXT && l->words <= 12 && strlen(l->text) <= 120 &&
		    import_starts_upper(l->text) && prev != R_HEADING) {
			last = import_last_cp(l->text);
			for (j = i + 1; j < c->n && !next; j++)
				if (kept(&c->v[j]))
					next = &c->v[j];
			if (next && (last == '?' ? l->words <= 6 : !import_ends_closed(l->text)) &&
			    (next->role == R_ITEM || next->role == R_OITEM || next->role == R_QUOTE ||
			     (next->role == R_TEXT && next->words > l->words &&
			      (next->words >= 8 || import_ends_closed(next->text)))))
				l->role = R_HEADING;
		}
		prev = l->role;
	}
}

/* ---- output -------------------------------------------------------- */

/* Appends s as Markdown text: characters Markdown would read as markup are
 * escaped, so the words come through as written. */
static int put_escaped(stance_buf *out, const char *s)
{
	size_t i = 0, n;
	int error;
	/* line-start markers: headings, lists, quotes, thematic breaks */
	if (*s == '#' || *s == '+' || *s == '-' || *s == '=' || *s == '>')
		if ((error = stance_buf_putc(out, '\\')) < 0)
			return error;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	for (; s[i]; i++) {
		if (strchr("\\`*_[]<>&~|", s[i]) && i > 0 && (error = stance_buf_putc(out, '\\')) < 0)
			return error;
		if (i == 0 && strchr("\\`*_[]<&~|", s[i]) && (error = stance_buf_putc(out, '\\')) < 0)
			return error;
		if (n > 0 && i == n && (s[i] == '.' || s[i] == ')') && (error = stance_buf_putc(out, '\\')) < 0)
			return error;
		if ((error = stance_buf_putc(out, s[i])) < 0)
			return error;
	}
	return 0;
}

/* The text of a quote without the quotation marks around it. */
static char *unquote(const char *s)
{
	utf8proc_int32_t c0, cl;
	size_t a, len = strlen(s), b = len;
	a = (size_t)import_cp_at(s, &c0);
	cl = import_last_cp(s);
	if (!import_is_quote_cp(c0) || !import_is_quote_cp(cl) || len < 3)
		return stance_strdup(s);
	while (b > 0 && ((unsigned char)s[b - 1] & 0xC0) == 0x80)
		b--;
	b--;
	return b > a ? import_trim_dup(s + a, b - a) : stance_strdup(s);
}

/* Appends the body as Markdown: headings, lists, quotes and paragraphs in order. */
static int emit(stance_buf *out, const import_ctx *c)
{
	size_t i, num = 0;
	int error = 0;
	line_role prev = R_META;
	for (i = 0; i < c->n; i++) {
		const line *l = &c->v[i];
		if (!kept(l))
			continue;
		if (l->role != R_ITEM && l->role != R_OITEM && l->role != R_ATTR && out->size)
			error = stance_buf_puts(out, "\n\n");
		else if ((l->role == R_ITEM || l->role == R_OITEM) && out->size)
			error = stance_buf_puts(out, (prev == l->role) ? "\n" : "\n\n");
		if (error < 0)
			return error;
		switch (l->role) {
		case R_HEADING:
			if ((error = stance_buf_puts(out, "## ")) < 0 || (error = put_escaped(out, l->text)) < 0)
				return error;
			break;
		case R_ITEM:
			if ((error = stance_buf_puts(out, "- ")) < 0 ||
			    (error = put_escaped(out, l->text + l->marker)) < 0)
				return error;
			break;
		case R_OITEM:
			if (prev != R_OITEM)
				num = 0;
			if ((error = stance_buf_printf(out, "%zu. ", ++num)) < 0 ||
			    (error = put_escaped(out, l->text + l->marker)) < 0)
				return error;
			break;
		case R_QUOTE: {
			char *q = unquote(l->text);
			if (!q)
				return STANCE_ERROR;
			error = stance_buf_puts(out, "> ");
			if (error >= 0)
				error = put_escaped(out, q);
			free(q);
			if (error < 0)
				return error;
			break;
		}
		case R_ATTR:
			if ((error = stance_buf_puts(out, "\n>\n> \xE2\x80\x94 ")) < 0 ||
			    (error = put_escaped(out, l->text)) < 0)
				return error;
			break;
		default:
			if ((error = put_escaped(out, l->text)) < 0)
				return error;
		}
		prev = l->role;
	}
	return stance_buf_putc(out, '\n');
}

/* "da" or "en" by the commonest short words; NULL when unclear. */
static const char *guess_language(const import_ctx *c)
{
	static const char *const da[] = { "og", "at", "det", "er", "til", "af", "på", "som", "med",
		"vi", "ikke", "der", "har", "kan", "skal", "en", "et", NULL };
	static const char *const en[] = { "the", "and", "of", "to", "is", "that", "in", "we",
		"with", "not", "are", "this", "be", "have", "it", "a", NULL };
	size_t i, k, nda = 0, nen = 0;
	for (i = 0; i < c->n; i++) {
		const char *p = c->v[i].fold;
		if (!kept(&c->v[i]))
			continue;
		while (*p) {
			size_t n = 0;
			while (*p && !import_word_byte((unsigned char)*p))
				p++;
			while (p[n] && import_word_byte((unsigned char)p[n]))
				n++;
			for (k = 0; da[k]; k++)
				if (strlen(da[k]) == n && !strncmp(p, da[k], n))
					nda++;
			for (k = 0; en[k]; k++)
				if (strlen(en[k]) == n && !strncmp(p, en[k], n))
					nen++;
			p += n;
		}
	}
	if (nda >= 5 && nda > 2 * nen)
		return "da";
	if (nen >= 5 && nen > 2 * nda)
		return "en";
	return NULL;
}

int stance_import_text(stance_document **out, const char *text, size_t len,
	const char *origin, const stance_import_options *opts, stance_buf *report)
{
	import_ctx c;
	stance_import_rules *own = NULL;
	stance_document *doc = NULL;
	stance_buf body = STANCE_BUF_INIT, missing = STANCE_BUF_INIT, date = STANCE_BUF_INIT;
	size_t tail_author = (size_t)-1, tail_len = 0, i;
	const char *lang;
	int error = 0, any = 0;

	memset(&c, 0, sizeof(c));
	c.kind_rank = c.date_rank = RANK_NONE;
	if (!origin)
		origin = "text";
	if ((error = stance_utf8_validate(text, len, origin)) < 0)
		goto done;
	if (opts && opts->rules) {
		c.rules = opts->rules;
	} else {
		if ((error = stance_import_rules_load(&own, NULL)) < 0)
			goto done;
		c.rules = own;
	}
	c.language = opts && opts->language ? opts->language : "en";

	if ((error = split_lines(&c, text, len)) < 0 || (error = unwrap(&c)) < 0)
		goto done;
	pass_cards(&c);
	pass_chrome(&c);
	if ((error = pass_tail(&c, &tail_author, &tail_len)) < 0 ||
	    (error = pass_head(&c)) < 0 || (error = pass_quotes(&c)) < 0)
		goto done;
	pass_lists(&c);
	pass_headings(&c);

	for (i = 0; i < c.n; i++)
		if (kept(&c.v[i]))
			any = 1;
	if (!any) {
		error = stance_error_set(STANCE_EPARSE, "%s: no article text found", origin);
		goto done;
	}
	/* a signature stands in for a missing byline */
	if (!c.nauthors && tail_author != (size_t)-1) {
		const char *s = c.v[tail_author].text + tail_len;
		if ((error = add_author(&c, s, strlen(s))) < 0)
			goto done;
	}
	/* an organization from "KL's input …", from an author that is one
	 * ("tekst KL"), and an organization that wrote it stands as author */
	if (!c.organization && c.title)
		c.organization = possessive_acronym(c.title, 1);
	for (i = 0; !c.organization && i < c.nauthors; i++)
		if (is_acronym(c.authors[i]) && !(c.organization = stance_strdup(c.authors[i]))) {
			error = STANCE_ERROR;
			goto done;
		}
	if (!c.nauthors && c.organization &&
	    (error = add_author(&c, c.organization, strlen(c.organization))) < 0)
		goto done;

	if ((error = emit(&body, &c)) < 0 || (error = stance_document_new(&doc)) < 0 ||
	    (error = stance_document_set_body(doc, body.ptr, body.size)) < 0)
		goto done;
	if ((c.title && (error = stance_document_set(doc, "title", c.title)) < 0) ||
	    (c.kind && (error = stance_document_set(doc, "kind", c.kind)) < 0) ||
	    (c.organization && (error = stance_document_set(doc, "organization", c.organization)) < 0) ||
	    (c.publication && (error = stance_document_set(doc, "publication", c.publication)) < 0))
		goto done;
	for (i = 0; i < c.nauthors; i++)
		if ((error = stance_document_add_author(doc, c.authors[i])) < 0)
			goto done;
	if (c.published.precision != STANCE_DATE_NONE &&
	    ((error = stance_date_format(&date, &c.published)) < 0 ||
	     (error = stance_document_set(doc, "published", stance_buf_cstr(&date))) < 0))
		goto done;
	lang = guess_language(&c);
	if (!lang && opts && opts->language)
		lang = opts->language;
	if (lang && (error = stance_document_set(doc, "language", lang)) < 0)
		goto done;

	if (report) {
		static const char *const fields[] = { "title", "kind", "authors", "organization",
			"publication", "published", NULL };
		for (i = 0; fields[i]; i++) {
			int found = i == 2 ? c.nauthors > 0 : stance_document_get(doc, fields[i]) != NULL;
			if (!found && (error = stance_buf_printf(&missing, "%s%s",
				missing.size ? ", " : "", fields[i])) < 0)
				goto done;
		}
		if (missing.size && (error = stance_buf_printf(report, "%s: could not find %s\n",
			origin, stance_buf_cstr(&missing))) < 0)
			goto done;
	}
	*out = doc;
	doc = NULL;
done:
	stance_document_free(doc);
	stance_import_rules_free(own);
	stance_buf_dispose(&body);
	stance_buf_dispose(&missing);
	stance_buf_dispose(&date);
	ctx_dispose(&c);
	return error;
}

int stance_import_suggest_id(stance_buf *out, const stance_document *doc, const char *collection)
{
	stance_buf coll = STANCE_BUF_INIT, slug = STANCE_BUF_INIT;
	const char *title = stance_document_get(doc, "title"), *from = collection;
	int error = 0;
	size_t n;

	if (!title)
		return stance_error_set(STANCE_EINVALID, "the document has no title to make an id "
			"from; give one with --id");
	if (!from)
		from = stance_document_get(doc, "organization");
	if (!from)
		from = stance_document_get(doc, "publication");
	if (!from)
		from = "import";
	if (collection) {
		if ((error = stance_buf_puts(&coll, collection)) < 0)
			goto done;
	} else if ((error = stance_slugify(&coll, from)) < 0) {
		goto done;
	}
	{
		/* "KL's input" reads "kls-input", not "kl-s-input" */
		stance_buf plain = STANCE_BUF_INIT;
		const char *t;
		for (t = title; *t && error >= 0; t++) {
			if (*t == '\'')
				continue;
			if (import_starts_with(t, "\xE2\x80\x99")) {
				t += 2;
				continue;
			}
			error = stance_buf_putc(&plain, *t);
		}
		if (error >= 0)
			error = stance_slugify(&slug, stance_buf_cstr(&plain));
		stance_buf_dispose(&plain);
		if (error < 0)
			goto done;
	}
	/* keep ids short: cut at a word boundary near 60 bytes */
	if (slug.size > 60) {
		n = 60;
		while (n > 20 && slug.ptr[n] != '-')
			n--;
		slug.ptr[n] = '\0';
		slug.size = n;
	}
	while (slug.size && slug.ptr[slug.size - 1] == '-')
		slug.ptr[--slug.size] = '\0';
	if ((error = stance_buf_printf(out, "%s/%s", stance_buf_cstr(&coll), stance_buf_cstr(&slug))) < 0)
		goto done;
	error = stance_id_validate(stance_buf_cstr(out));
done:
	stance_buf_dispose(&coll);
	stance_buf_dispose(&slug);
	return error;
}
