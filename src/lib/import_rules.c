/*
 * import_rules.c: the import rules: the word lists of the importer (chrome
 * patterns, kind words, publication prefixes), read from the .txt lists in
 * data/import/ (embedded at build time) and extended by .stance/import/, and
 * matched against folded lines (glob_match, import_is_chrome, import_kind_*);
 * and the small text helpers the import files share (import_fold, ...).
 */
#include "import_internal.h"
#include "embedded.h"

#include <ctype.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* small string helpers                                                 */

/* Case-folded, NFC copy of `s`. Caller frees; NULL on failure (message set). */
char *import_fold(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0) {
		stance_error_set(STANCE_EPARSE, "text is not valid UTF-8");
		return NULL;
	}
	return (char *)m;
}

/* Decodes the code point at s; returns its length in bytes (1 for a bad byte). */
int import_cp_at(const char *s, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, cp);
	if (n <= 0) {
		*cp = (unsigned char)*s;
		return 1;
	}
	return (int)n;
}

int import_is_letter_cp(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
		c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_LM;
}

int import_is_upper_cp(utf8proc_int32_t cp)
{
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

/* Spaces as scraped text has them: ASCII, no-break, thin, zero-width. */
size_t import_space_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\f' || *u == '\v')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0x8B || u[2] == 0xAF || u[2] == 0x8A))
		return 3;
	if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) /* byte order mark */
		return 3;
	return 0;
}

/* A trimmed copy of s[0..len). Caller frees. */
char *import_trim_dup(const char *s, size_t len)
{
	size_t a = 0, b = len, n;
	while (a < b && (n = import_space_len(s + a)) > 0)
		a += n;
	while (b > a) {
		/* step back over trailing spaces, whatever their width */
		if (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')
			b--;
		else if (b - a >= 2 && (unsigned char)s[b - 2] == 0xC2 && (unsigned char)s[b - 1] == 0xA0)
			b -= 2;
		else if (b - a >= 3 && import_space_len(s + b - 3) == 3)
			b -= 3;
		else
			break;
	}
	return stance_strndup(s + a, b - a);
}

int import_count_words(const char *s)
{
	int n = 0, in = 0;
	size_t k;
	while (*s) {
		if ((k = import_space_len(s)) > 0) {
			in = 0;
			s += k;
			continue;
		}
		if (!in)
			n++;
		in = 1;
		s++;
	}
	return n;
}

int import_has_alnum(const char *s)
{
	utf8proc_int32_t cp;
	while (*s) {
		s += import_cp_at(s, &cp);
		if (import_is_letter_cp(cp) || (cp >= '0' && cp <= '9'))
			return 1;
	}
	return 0;
}

/* The last code point of s (0 for ""). */
utf8proc_int32_t import_last_cp(const char *s)
{
	size_t n = strlen(s);
	utf8proc_int32_t cp = 0;
	if (!n)
		return 0;
	n--;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	import_cp_at(s + n, &cp);
	return cp;
}

int import_is_quote_cp(utf8proc_int32_t cp)
{
	return cp == '"' || cp == 0x201D || cp == 0x201C || cp == 0x201E || cp == 0xAB ||
		cp == 0xBB || cp == 0x2019 || cp == 0x2018 || cp == '\'';
}

/* Ends with closing punctuation of a sentence or clause. */
int import_ends_closed(const char *s)
{
	utf8proc_int32_t c = import_last_cp(s);
	return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == 0x2026 ||
		c == '?' || import_is_quote_cp(c) || c == ')';
}

int import_starts_upper(const char *s)
{
	utf8proc_int32_t cp;
	import_cp_at(s, &cp);
	return import_is_upper_cp(cp) || (cp >= '0' && cp <= '9');
}

int import_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* ------------------------------------------------------------------ */
/* rules: the word lists                                                */

void stance_import_rules_free(stance_import_rules *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->nchrome; i++)
		free(r->chrome[i]);
	for (i = 0; i < r->nkinds; i++) {
		free(r->kinds[i].kind);
		free(r->kinds[i].word);
	}
	for (i = 0; i < r->nprefixes; i++)
		free(r->prefixes[i]);
	free(r->chrome);
	free(r->kinds);
	free(r->prefixes);
	free(r);
}

/* Appends s to a list, which takes it over (freed here on failure). */
static int push_str(char ***list, size_t *n, char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (!grown) {
		free(s);
		return stance_error_oom();
	}
	grown[(*n)++] = s;
	*list = grown;
	return 0;
}

int stance_import_rules_add(stance_import_rules *rules, const char *which,
	const char *text, const char *origin)
{
	const char *p = text, *eol;
	size_t lineno = 0;
	int error = 0, mode;

	if (!strcmp(which, "chrome")) mode = 0;
	else if (!strcmp(which, "kinds")) mode = 1;
	else if (!strcmp(which, "publication-prefixes")) mode = 2;
	else return stance_error_set(STANCE_EINVALID, "'%s' is not an import list "
		"(chrome, kinds or publication-prefixes)", which);
	if ((error = stance_utf8_validate(text, strlen(text), origin)) < 0)
		return error;

	while (*p) {
		char *line, *f;
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		lineno++;
		if (!(line = import_trim_dup(p, (size_t)(eol - p))))
			return STANCE_ERROR;
		p = *eol ? eol + 1 : eol;
		if (!*line || line[0] == '#') {
			free(line);
			continue;
		}
		f = import_fold(line);
		if (!f) {
			free(line);
			return STANCE_ERROR;
		}
		if (mode == 0) {
			free(line);
			if ((error = push_str(&rules->chrome, &rules->nchrome, f)) < 0)
				return error;
		} else if (mode == 2) {
			free(line);
			if ((error = push_str(&rules->prefixes, &rules->nprefixes, f)) < 0)
				return error;
		} else {
			char *sp = strchr(f, ' '), *word;
			size_t i;
			import_kind_word *grown;
			if (sp) {
				*sp = '\0';
				word = sp + 1;
				while (*word == ' ')
					word++;
			}
			for (i = 0; sp && stance_document_kinds[i]; i++)
				if (!strcmp(stance_document_kinds[i], f))
					break;
			if (!sp || !*word || !stance_document_kinds[i]) {
				error = stance_error_set(STANCE_EPARSE, "%s:%zu: expected 'KIND WORD' with "
					"KIND one of article, debate, editorial, blog, theme, other; got '%s'",
					origin, lineno, line);
				free(f);
				free(line);
				return error;
			}
			free(line);
			if (!(grown = realloc(rules->kinds, (rules->nkinds + 1) * sizeof(*grown)))) {
				free(f);
				return stance_error_oom();
			}
			rules->kinds = grown;
			grown[rules->nkinds].kind = stance_strdup(f);
			grown[rules->nkinds].word = stance_strdup(word);
			free(f);
			if (!grown[rules->nkinds].kind || !grown[rules->nkinds].word) {
				free(grown[rules->nkinds].kind);
				free(grown[rules->nkinds].word);
				return STANCE_ERROR;
			}
			rules->nkinds++;
		}
	}
	return 0;
}

static const char *const list_names[] = { "chrome", "kinds", "publication-prefixes" };

int stance_import_rules_load(stance_import_rules **out, const char *dir)
{
	stance_import_rules *r = calloc(1, sizeof(*r));
	stance_buf path = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	size_t i;
	int error = 0;

	if (!r)
		return stance_error_oom();
	for (i = 0; i < STANCE_ARRAY_SIZE(list_names); i++) {
		const stance_embedded_file *f;
		stance_buf_clear(&path);
		if ((error = stance_buf_printf(&path, "data/import/%s.txt", list_names[i])) < 0)
			goto done;
		if (!(f = stance_embedded_find(stance_buf_cstr(&path)))) {
			error = stance_error_set(STANCE_ERROR, "the shipped list %s is missing from this build",
				stance_buf_cstr(&path));
			goto done;
		}
		if ((error = stance_import_rules_add(r, list_names[i], (const char *)f->data,
			stance_buf_cstr(&path))) < 0)
			goto done;
		if (!dir)
			continue;
		stance_buf_clear(&path);
		if ((error = stance_buf_printf(&path, "%s%s.stance/import/%s.txt", dir,
			(*dir && dir[strlen(dir) - 1] == '/') ? "" : "/", list_names[i])) < 0)
			goto done;
		{
			FILE *probe = fopen(stance_buf_cstr(&path), "rb");
			if (!probe)
				continue;
			fclose(probe);
		}
		stance_buf_clear(&text);
		if ((error = stance_file_read(&text, stance_buf_cstr(&path))) < 0 ||
		    (error = stance_import_rules_add(r, list_names[i], stance_buf_cstr(&text),
			stance_buf_cstr(&path))) < 0)
			goto done;
	}
	*out = r;
	r = NULL;
done:
	stance_import_rules_free(r);
	stance_buf_dispose(&path);
	stance_buf_dispose(&text);
	return error;
}

/* Whole-line glob on folded text: '*' any run, "\*" a literal star. */
static int glob_match(const char *p, const char *s)
{
	const char *star = NULL, *ss = NULL;
	while (*s) {
		if (p[0] == '\\' && p[1] == '*') {
			if (*s == '*') {
				p += 2;
				s++;
				continue;
			}
		} else if (*p == '*') {
			star = p++;
			ss = s;
			continue;
		} else if (*p == *s) {
			p++;
			s++;
			continue;
		}
		if (star) {
			p = star + 1;
			s = ++ss;
			continue;
		}
		return 0;
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* 1 when the folded line is chrome; 2 when it heads a list of related
 * pieces (a pattern written with a leading '+'). */
int import_is_chrome(const stance_import_rules *r, const char *folded)
{
	size_t i;
	for (i = 0; i < r->nchrome; i++) {
		const char *p = r->chrome[i];
		int section = *p == '+';
		if (glob_match(p + section, folded))
			return 1 + section;
	}
	return 0;
}

int import_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || c == '-';
}

/* Danish inflections a kind word may carry: Debatindlægget, Lederen. */
static size_t inflection(const char *s)
{
	static const char *const ends[] = { "gets", "get", "erne", "ens", "ets", "et", "en", "ne", "s", NULL };
	size_t i, n;
	for (i = 0; ends[i]; i++) {
		n = strlen(ends[i]);
		if (!strncmp(s, ends[i], n) && !import_word_byte((unsigned char)s[n]))
			return n;
	}
	return 0;
}

/* The kind named by a kind word somewhere in folded `s` as a whole word, or NULL. */
const char *import_kind_in(const stance_import_rules *r, const char *s)
{
	size_t i;
	for (i = 0; i < r->nkinds; i++) {
		const char *w = r->kinds[i].word, *p = s;
		size_t n = strlen(w);
		while ((p = strstr(p, w)) != NULL) {
			const char *after = p + n;
			if ((p == s || !import_word_byte((unsigned char)p[-1])) &&
			    (!import_word_byte((unsigned char)*after) || inflection(after)))
				return r->kinds[i].kind;
			p++;
		}
	}
	return NULL;
}

/* The kind when folded `s` is nothing but a kind word (inflected or not). */
const char *import_kind_line(const stance_import_rules *r, const char *s)
{
	size_t i, n;
	for (i = 0; i < r->nkinds; i++) {
		n = strlen(r->kinds[i].word);
		if (!strncmp(s, r->kinds[i].word, n) && (!s[n] || (inflection(s + n) == strlen(s + n))))
			return r->kinds[i].kind;
	}
	return NULL;
}

/*
 * A title led by a kind word: "Debatindlæg: Title", "Leder – Title", or,
 * when `loose`, "Tema Title" (a capital after the space). Returns the kind
 * and sets *title_at to the byte offset of the title in the original line.
 */
const char *import_kind_prefix(const stance_import_rules *r, const char *folded,
	const char *orig, int loose, size_t *title_at)
{
	size_t i, n, k;
	for (i = 0; i < r->nkinds; i++) {
		const char *w = r->kinds[i].word;
		n = strlen(w);
		if (strncmp(folded, w, n))
			continue;
		/* case folding keeps the byte length of Latin letters, so the
		 * word ends at the same byte in the original line */
		k = n;
		if (orig[k] == ':' && orig[k + 1] == ' ') {
			*title_at = k + 2;
		} else if (import_starts_with(orig + k, " \xE2\x80\x93 ") || import_starts_with(orig + k, " - ")) {
			*title_at = k + (orig[k + 1] == '-' ? 3 : 5);
		} else if (loose && orig[k] == ' ' && import_starts_upper(orig + k + 1)) {
			*title_at = k + 1;
		} else {
			continue;
		}
		while (orig[*title_at] == ' ')
			(*title_at)++;
		if (!orig[*title_at])
			continue;
		return r->kinds[i].kind;
	}
	return NULL;
}
