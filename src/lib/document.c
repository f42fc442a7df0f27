/*
 * document.c: the document model, its YAML front matter (libyaml) and its
 * canonical Markdown body (canonical.c); the checks of ids, language tags
 * and UTF-8, and the bounds on what a document may be (document.h).
 */
#include "internal.h"
#include "stance/date.h"
#include "stance/document.h"

#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <utf8proc.h>
#include <yaml.h>

typedef struct {
	char *name;
	char *value;
} extra_field;

struct stance_document {
	char *id, *title, *kind, *organization, *publication, *published_text,
		*language, *source;
	stance_date published;
	char **authors;
	size_t nauthors;
	extra_field *extra;
	size_t nextra;
	char *body;
};

const char *const stance_document_kinds[] = {
	"article", "debate", "editorial", "blog", "theme", "other", NULL
};

/* Known text fields in the order they are written. */
static const char *const text_fields[] = {
	"id", "title", "kind", "organization", "publication", "published", "language", "source", NULL
};

static char **field_slot(stance_document *doc, const char *field)
{
	if (!strcmp(field, "id")) return &doc->id;
	if (!strcmp(field, "title")) return &doc->title;
	if (!strcmp(field, "kind")) return &doc->kind;
	if (!strcmp(field, "organization")) return &doc->organization;
	if (!strcmp(field, "publication")) return &doc->publication;
	if (!strcmp(field, "published")) return &doc->published_text;
	if (!strcmp(field, "language")) return &doc->language;
	if (!strcmp(field, "source")) return &doc->source;
	return NULL;
}

int stance_document_new(stance_document **out)
{
	stance_document *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return stance_error_oom();
	if (!(doc->body = stance_strdup(""))) {
		free(doc);
		return STANCE_ERROR;
	}
	*out = doc;
	return 0;
}

void stance_document_clear_authors(stance_document *doc)
{
	size_t i;
	for (i = 0; i < doc->nauthors; i++)
		free(doc->authors[i]);
	free(doc->authors);
	doc->authors = NULL;
	doc->nauthors = 0;
}

void stance_document_free(stance_document *doc)
{
	size_t i;
	if (!doc)
		return;
	for (i = 0; text_fields[i]; i++)
		free(*field_slot(doc, text_fields[i]));
	stance_document_clear_authors(doc);
	for (i = 0; i < doc->nextra; i++) {
		free(doc->extra[i].name);
		free(doc->extra[i].value);
	}
	free(doc->extra);
	free(doc->body);
	free(doc);
}

const char *stance_document_get(const stance_document *doc, const char *field)
{
	char **slot = field_slot((stance_document *)doc, field);
	size_t i;
	if (slot)
		return *slot;
	for (i = 0; i < doc->nextra; i++)
		if (!strcmp(doc->extra[i].name, field))
			return doc->extra[i].value;
	return NULL;
}

/* A field's name or value must be UTF-8 text: libyaml's emitter refuses
 * anything else, so it is refused here, where the caller can be told. */
static int check_text(const char *field, const char *value)
{
	char what[96];
	if (!value)
		return 0;
	snprintf(what, sizeof(what), "field '%.60s'", field);
	return stance_utf8_validate(value, strlen(value), what);
}

static int set_extra(stance_document *doc, const char *field, const char *value)
{
	size_t i;
	extra_field *grown;
	for (i = 0; i < doc->nextra; i++) {
		if (strcmp(doc->extra[i].name, field))
			continue;
		free(doc->extra[i].value);
		if (value) {
			return (doc->extra[i].value = stance_strdup(value)) ? 0 : STANCE_ERROR;
		}
		free(doc->extra[i].name);
		memmove(&doc->extra[i], &doc->extra[i + 1], (doc->nextra - i - 1) * sizeof(*doc->extra));
		doc->nextra--;
		return 0;
	}
	if (!value)
		return 0;
	if (!(grown = realloc(doc->extra, (doc->nextra + 1) * sizeof(*grown))))
		return stance_error_oom();
	doc->extra = grown;
	/* keep extras sorted by name so serialisation is canonical */
	for (i = doc->nextra; i > 0 && strcmp(doc->extra[i - 1].name, field) > 0; i--)
		doc->extra[i] = doc->extra[i - 1];
	doc->extra[i].name = stance_strdup(field);
	doc->extra[i].value = stance_strdup(value);
	doc->nextra++;
	return doc->extra[i].name && doc->extra[i].value ? 0 : STANCE_ERROR;
}

int stance_document_set(stance_document *doc, const char *field, const char *value)
{
	char **slot = field_slot(doc, field);
	char *copy = NULL;
	stance_date date;
	int error;

	if (value && !*value)
		value = NULL;
	if (!strcmp(field, "authors") || !strcmp(field, "body"))
		return stance_error_set(STANCE_EINVALID, "field '%s' is not set as text", field);
	if (stance_utf8_validate(field, strlen(field), "a field name") < 0)
		return STANCE_EINVALID;
	if (value && !strcmp(field, "language") && (error = stance_language_validate(value)) < 0)
		return error;
	if ((error = check_text(field, value)) < 0)
		return STANCE_EINVALID;
	if (value && !strcmp(field, "id") && (error = stance_id_validate(value)) < 0)
		return error;
	if (value && !strcmp(field, "kind")) {
		size_t i;
		for (i = 0; stance_document_kinds[i]; i++)
			if (!strcmp(stance_document_kinds[i], value))
				break;
		if (!stance_document_kinds[i])
			return stance_error_set(STANCE_EINVALID, "'%s' is not a kind "
				"(article, debate, editorial, blog, theme or other)", value);
	}
	if (!strcmp(field, "published")) {
		memset(&date, 0, sizeof(date));
		if (value && (error = stance_date_parse(&date, value)) < 0)
			return error;
	}
	if (!slot)
		return set_extra(doc, field, value);
	if (value && !(copy = stance_strdup(value)))
		return STANCE_ERROR;
	free(*slot);
	*slot = copy;
	if (!strcmp(field, "published")) {
		doc->published = date;
		if (copy) { /* store the canonical spelling */
			stance_buf b = STANCE_BUF_INIT;
			if (stance_date_format(&b, &date) < 0)
				return STANCE_ERROR;
			free(*slot);
			*slot = stance_buf_detach(&b);
		}
	}
	return 0;
}

size_t stance_document_author_count(const stance_document *doc)
{
	return doc->nauthors;
}

const char *stance_document_author(const stance_document *doc, size_t i)
{
	return i < doc->nauthors ? doc->authors[i] : NULL;
}

int stance_document_add_author(stance_document *doc, const char *name)
{
	char **grown;
	size_t i;
	if (!name || !*name)
		return 0;
	if (check_text("authors", name) < 0)
		return STANCE_EINVALID;
	for (i = 0; i < doc->nauthors; i++)
		if (!strcmp(doc->authors[i], name))
			return 0;
	if (!(grown = realloc(doc->authors, (doc->nauthors + 1) * sizeof(*grown))))
		return stance_error_oom();
	doc->authors = grown;
	if (!(doc->authors[doc->nauthors] = stance_strdup(name)))
		return STANCE_ERROR;
	doc->nauthors++;
	return 0;
}

const stance_date *stance_document_published(const stance_document *doc)
{
	return &doc->published;
}

size_t stance_document_extra_count(const stance_document *doc)
{
	return doc->nextra;
}

int stance_document_extra(const stance_document *doc, size_t i, const char **name, const char **value)
{
	if (i >= doc->nextra)
		return STANCE_ENOTFOUND;
	*name = doc->extra[i].name;
	*value = doc->extra[i].value;
	return 0;
}

const char *stance_document_body(const stance_document *doc)
{
	return doc->body;
}

/* ---- canonical Markdown (canonical.c) ---- */

static int check_nesting(const char *md, size_t len, const char *origin, size_t first_line);

/* Sets the body once its nesting is checked; a message names `origin` and
 * the line of the file, the body's first being `first_line`. */
static int set_body(stance_document *doc, const char *markdown, size_t len, const char *origin,
	size_t first_line)
{
	stance_buf canon = STANCE_BUF_INIT;
	int error;
	if ((error = check_nesting(markdown, len, origin, first_line)) < 0)
		return error;
	if ((error = stance_markdown_canonicalize(&canon, markdown, len)) < 0) {
		stance_buf_dispose(&canon);
		return error;
	}
	free(doc->body);
	doc->body = stance_buf_detach(&canon);
	return doc->body ? 0 : STANCE_ERROR;
}

int stance_document_set_body(stance_document *doc, const char *markdown, size_t len)
{
	return set_body(doc, markdown, len, doc->id ? doc->id : "the document", 1);
}

/* ---- validation ---- */

/* Line and byte column of data[pos] for a message: counted only when there
 * is something to report, so the scan itself need not track lines. */
static void utf8_where(const char *data, size_t pos, size_t *line, size_t *col)
{
	size_t i, l = 1, start = 0;
	for (i = 0; i < pos; i++)
		if (data[i] == '\n') {
			l++;
			start = i + 1;
		}
	*line = l;
	*col = pos - start + 1;
}

int stance_utf8_validate(const char *data, size_t len, const char *origin)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	size_t pos = 0, line, col;
	while (pos < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		/* eight ASCII bytes at a time: no high bit set and no NUL byte */
		while (len - pos >= 8) {
			uint64_t w;
			memcpy(&w, data + pos, 8);
			if ((w & highs) || ((w - ones) & ~w & highs))
				break;
			pos += 8;
		}
		if (pos >= len)
			break;
		if (data[pos] == '\0') {
			utf8_where(data, pos, &line, &col);
			return stance_error_set(STANCE_EPARSE, "%s: line %zu, byte %zu: contains a NUL byte",
				origin ? origin : "input", line, col);
		}
		if ((unsigned char)data[pos] < 0x80) {
			pos++;
			continue;
		}
		/* a two-byte character (Latin letters with accents, §): a lead byte
		 * C2..DF and one continuation byte, all utf8proc would check */
		if ((unsigned char)data[pos] >= 0xC2 && (unsigned char)data[pos] <= 0xDF &&
		    pos + 1 < len && ((unsigned char)data[pos + 1] & 0xC0) == 0x80) {
			pos += 2;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)data + pos, (utf8proc_ssize_t)(len - pos), &cp);
		if (n < 0) {
			utf8_where(data, pos, &line, &col);
			return stance_error_set(STANCE_EPARSE, "%s: line %zu, byte %zu: invalid UTF-8",
				origin ? origin : "input", line, col);
		}
		pos += (size_t)n;
	}
	return 0;
}

int stance_id_validate(const char *id)
{
	const char *p, *seg;
	size_t len;
	if (!id || !*id)
		return stance_error_set(STANCE_EINVALID, "a document id cannot be empty");
	if ((len = strlen(id)) > STANCE_ID_MAX)
		return stance_error_set(STANCE_EINVALID, "invalid document id '%.60s...': it is %zu bytes long; "
			"an id may be at most %d bytes", id, len, STANCE_ID_MAX);
	if (id[0] == '/' || id[len - 1] == '/')
		return stance_error_set(STANCE_EINVALID, "invalid document id '%s': it may not start or end with '/'", id);
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '/' || *p == '.'))
			return stance_error_set(STANCE_EINVALID, "invalid document id '%s': only a-z, 0-9, '-', '_' "
				"and '/' are allowed", id);
	for (seg = id; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		size_t n = strcspn(seg, "/");
		if (n == 0)
			return stance_error_set(STANCE_EINVALID, "invalid document id '%s': empty path segment", id);
		if (memchr(seg, '.', n))
			return stance_error_set(STANCE_EINVALID, "invalid document id '%s': '.' is not allowed "
				"(no '..', no '.git', no extension)", id);
		if (n > STANCE_ID_SEGMENT_MAX)
			return stance_error_set(STANCE_EINVALID, "invalid document id '%.60s...': a segment is %zu bytes "
				"long; each may be at most %d bytes (a file name is at most 255, with '.md' and a temporary suffix)", id, n,
				STANCE_ID_SEGMENT_MAX);
	}
	return 0;
}

/* ---- language tags (RFC 5646, section 2.1) ---- */

static int ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A subtag of `n` bytes made only of letters (what == 'a'), digits ('d') or
 * either ('*'). */
static int subtag_is(const char *s, size_t n, char what)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!(what == 'a' ? ascii_alpha(s[i]) : what == 'd' ? ascii_digit(s[i]) :
		      ascii_alpha(s[i]) || ascii_digit(s[i])))
			return 0;
	return 1;
}

static int subtag_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && !strncasecmp(a, b, an);
}

int stance_language_validate(const char *tag)
{
	/* tags of RFC 5646's "irregular" grandfathered list, which the syntax
	 * of the others does not cover */
	static const char *const irregular[] = { "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian",
		"i-hak", "i-klingon", "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu",
		"sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", NULL };
	enum { MAX_SUBTAGS = 64 };
	const char *sub[MAX_SUBTAGS], *p;
	size_t len[MAX_SUBTAGS], n = 0, i = 0, k, j, variants, singletons;

	if (!tag || !*tag)
		goto bad;
	for (k = 0; irregular[k]; k++)
		if (!strcasecmp(tag, irregular[k]))
			return 0;
	/* subtags: 1 to 8 letters or digits between hyphens */
	for (p = tag;; p++) {
		size_t m = strcspn(p, "-");
		if (n == MAX_SUBTAGS || m < 1 || m > 8 || !subtag_is(p, m, '*'))
			goto bad;
		sub[n] = p;
		len[n++] = m;
		p += m;
		if (!*p)
			break;
	}
	if (subtag_eq(sub[0], len[0], "x", 1))
		goto privateuse;
	/* language: 2-3 letters (and up to three 3-letter extlangs), or 4-8 letters */
	if (len[0] < 2 || !subtag_is(sub[0], len[0], 'a'))
		goto bad;
	i = 1;
	if (len[0] <= 3)
		for (k = 0; k < 3 && i < n && len[i] == 3 && subtag_is(sub[i], 3, 'a'); k++)
			i++;
	if (i < n && len[i] == 4 && subtag_is(sub[i], 4, 'a')) /* script */
		i++;
	if (i < n && ((len[i] == 2 && subtag_is(sub[i], 2, 'a')) || (len[i] == 3 && subtag_is(sub[i], 3, 'd'))))
		i++; /* region */
	/* variants: 5-8 characters, or 4 starting with a digit; none twice */
	for (variants = i; i < n && (len[i] >= 5 || (len[i] == 4 && ascii_digit(sub[i][0]))); i++)
		for (j = variants; j < i; j++)
			if (subtag_eq(sub[i], len[i], sub[j], len[j]))
				goto bad;
	/* extensions: a singleton other than x, then subtags of 2-8; no singleton twice */
	for (singletons = i; i < n && len[i] == 1 && !subtag_eq(sub[i], 1, "x", 1);) {
		for (j = singletons; j < i; j++)
			if (len[j] == 1 && subtag_eq(sub[i], 1, sub[j], 1))
				goto bad;
		if (++i >= n || len[i] < 2)
			goto bad;
		while (i < n && len[i] >= 2)
			i++;
	}
	if (i == n)
		return 0;
	if (!subtag_eq(sub[i], len[i], "x", 1))
		goto bad;
privateuse:
	/* "x" and one or more subtags of 1-8 */
	if (i + 1 >= n)
		goto bad;
	return 0;
bad:
	for (p = tag; p && *p; p++)
		if (*p < 0x21 || *p > 0x7e) /* not quoted: it may not even be text */
			return stance_error_set(STANCE_EINVALID, "the language is not a BCP 47 language tag (such as da, "
				"en or en-GB): it holds a byte that is not a letter, digit or '-' (byte %zu)",
				(size_t)(p - tag) + 1);
	return stance_error_set(STANCE_EINVALID, "'%s' is not a BCP 47 language tag (such as da, en or en-GB)",
		tag ? tag : "");
}

/* ---- block nesting of a body ---- */

/* The bytes of a list marker at `s` ("-", "*", "+", or 1-9 digits and "."
 * or ")") followed by a space, a tab or the end of the line; 0 if none. */
static size_t list_marker(const char *s, size_t n)
{
	size_t m = 0;
	if (s[0] == '-' || s[0] == '*' || s[0] == '+') {
		m = 1;
	} else {
		while (m < 9 && m < n && ascii_digit(s[m]))
			m++;
		if (!m || m >= n || (s[m] != '.' && s[m] != ')'))
			return 0;
		m++;
	}
	return m >= n || s[m] == ' ' || s[m] == '\t' || s[m] == '\r' ? m : 0;
}

/* True when the rest of the line is a thematic break ("- - -", "***"). */
static int thematic_break(const char *s, size_t n)
{
	size_t i, marks = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == s[0])
			marks++;
		else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	}
	return marks >= 3;
}

/*
 * Refuses a body whose block quotes and list items nest deeper than
 * STANCE_MARKDOWN_MAX_DEPTH, before cmark-gfm spends time on it. The count
 * is an upper bound of what cmark-gfm opens on a line: the '>' and list
 * markers that begin it, plus the list items that earlier lines opened and
 * the line's indentation keeps open. `first_line` is the line of the file
 * where the body begins, for the message.
 */
static int check_nesting(const char *md, size_t len, const char *origin, size_t first_line)
{
	size_t open[STANCE_MARKDOWN_MAX_DEPTH + 1]; /* content columns of open list items */
	size_t nopen = 0, pos = 0, line = first_line;

	while (pos < len) {
		const char *nl = memchr(md + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - md) : len, p = pos, col = 0, quotes = 0, m;
		int first = 1;
		for (;;) {
			while (p < end && (md[p] == ' ' || md[p] == '\t')) {
				col = md[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
				p++;
			}
			if (first && p < end && md[p] != '\r')
				while (nopen && open[nopen - 1] > col)
					nopen--; /* the line is outside those items */
			first = 0;
			if (p >= end)
				break;
			if (md[p] == '>') {
				quotes++;
				p++;
				col++;
			} else if ((m = list_marker(md + p, end - p)) && !thematic_break(md + p, end - p)) {
				p += m;
				col += m;
				open[nopen++] = col + 1;
			} else {
				break;
			}
			if (quotes + nopen > STANCE_MARKDOWN_MAX_DEPTH)
				return stance_error_set(STANCE_EPARSE, "%s: line %zu: the body nests block quotes and "
					"lists more than %d deep", origin, line, STANCE_MARKDOWN_MAX_DEPTH);
		}
		pos = end + 1;
		line++;
	}
	return 0;
}

int stance_slugify(stance_buf *out, const char *text)
{
	utf8proc_uint8_t *mapped = NULL;
	const char *p;
	stance_buf pre = STANCE_BUF_INIT;
	int error = 0, dash = 0;
	size_t start = out->size;

	/* Danish letters have conventional ASCII spellings; the rest lose accents. */
	for (p = text; *p && !error; p++) {
		if (!strncmp(p, "æ", 2) || !strncmp(p, "Æ", 2)) { error = stance_buf_puts(&pre, "ae"); p++; }
		else if (!strncmp(p, "ø", 2) || !strncmp(p, "Ø", 2)) { error = stance_buf_puts(&pre, "oe"); p++; }
		else if (!strncmp(p, "å", 2) || !strncmp(p, "Å", 2)) { error = stance_buf_puts(&pre, "aa"); p++; }
		else error = stance_buf_putc(&pre, *p);
	}
	if (error)
		goto done;
	if (utf8proc_map((const utf8proc_uint8_t *)stance_buf_cstr(&pre), (utf8proc_ssize_t)pre.size, &mapped,
		UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD) < 0) {
		error = stance_error_set(STANCE_EPARSE, "cannot make an id from '%s': invalid UTF-8", text);
		goto done;
	}
	for (p = (const char *)mapped; *p && !error; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			if (dash && out->size > start)
				error = stance_buf_putc(out, '-');
			dash = 0;
			if (!error)
				error = stance_buf_putc(out, *p);
		} else {
			dash = 1;
		}
	}
	if (!error && out->size - start > 80) { /* keep ids short enough for paths */
		out->size = start + 80;
		while (out->size > start && out->ptr[out->size - 1] == '-')
			out->size--;
		out->ptr[out->size] = '\0';
	}
done:
	free(mapped);
	stance_buf_dispose(&pre);
	return error;
}

/* ---- front matter ---- */

static int field_error(const char *origin, size_t line, const char *fmt, const char *a)
{
	char what[512];
	snprintf(what, sizeof(what), fmt, a);
	return stance_error_set(STANCE_EPARSE, "%s: line %zu: %s", origin, line, what);
}

/* The parser's error, as "ORIGIN: line N: malformed front matter: ...".
 * Line numbers count from the file's first line, the opening '---'. */
static int yaml_error(const yaml_parser_t *parser, const char *origin)
{
	if (parser->error == YAML_MEMORY_ERROR)
		return stance_error_oom();
	if (parser->context)
		return stance_error_set(STANCE_EPARSE, "%s: line %zu: malformed front matter: %s "
			"(%s started on line %zu)", origin, (size_t)parser->problem_mark.line + 2,
			parser->problem ? parser->problem : "YAML error",
			parser->context + (strncmp(parser->context, "while ", 6) ? 0 : 6),
			(size_t)parser->context_mark.line + 2);
	return stance_error_set(STANCE_EPARSE, "%s: line %zu: malformed front matter: %s",
		origin, (size_t)parser->problem_mark.line + 2, parser->problem ? parser->problem : "YAML error");
}

/* The front matter's next event into *ev (the previous one deleted), or the
 * parser's error. */
static int next_event(yaml_parser_t *parser, yaml_event_t *ev, int *have, const char *origin)
{
	if (*have)
		yaml_event_delete(ev);
	*have = 0;
	if (!yaml_parser_parse(parser, ev))
		return yaml_error(parser, origin);
	*have = 1;
	return 0;
}

static size_t event_line(const yaml_event_t *ev)
{
	return (size_t)ev->start_mark.line + 2;
}

/* A scalar holding a NUL byte (written "\0" in a quoted scalar), which a
 * field cannot keep. */
static int scalar_has_nul(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length &&
		memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL;
}

/* An alias refused: "*name" would repeat a node, and nested aliases make a
 * few lines stand for billions of values. */
static int alias_error(const yaml_event_t *ev, const char *origin)
{
	return stance_error_set(STANCE_EPARSE, "%s: line %zu: aliases (*%.40s) are not allowed in front matter; "
		"write the value out", origin, event_line(ev), (const char *)ev->data.alias.anchor);
}

/*
 * Reads past the list or mapping that the start event in *ev opened, at
 * nesting `depth` (the fields' mapping is 1): 0 once it closed, 1 as soon
 * as it nests deeper than STANCE_YAML_MAX_DEPTH, or the parser's error, so
 * that a syntax error inside is reported as such.
 */
static int skip_collection(yaml_parser_t *parser, yaml_event_t *ev, int *have, const char *origin, int depth)
{
	int error, open = 1;
	while (open) {
		if ((error = next_event(parser, ev, have, origin)) < 0)
			return error;
		if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT) {
			if (depth + open > STANCE_YAML_MAX_DEPTH)
				return 1; /* the level this event opens */
			open++;
		} else if (ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT) {
			open--;
		}
	}
	return 0;
}

/* A value of the wrong type at `line`: `what` says what was expected. A
 * list or mapping is read to its end first (see skip_collection()). */
static int wrong_type(yaml_parser_t *parser, yaml_event_t *ev, int *have, const char *origin, size_t line,
	int depth, const char *fmt, const char *name)
{
	char what[512];
	int r = 0;
	if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT)
		r = skip_collection(parser, ev, have, origin, depth);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), fmt, name);
	if (r)
		return stance_error_set(STANCE_EPARSE, "%s: line %zu: %s, and this one nests more than %d deep",
			origin, line, what, STANCE_YAML_MAX_DEPTH);
	return stance_error_set(STANCE_EPARSE, "%s: line %zu: %s", origin, line, what);
}

/*
 * Reads the front matter event by event: a mapping of text fields, where
 * only `authors` may be a list (of text). The structure is checked as each
 * event arrives: a list or mapping where text belongs is read to its end
 * only while it nests at most STANCE_YAML_MAX_DEPTH deep, and aliases are
 * refused at once.
 */
static int load_front_matter(stance_document *doc, const char *yaml, size_t len, const char *origin)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int error = 0, have = 0, authors_seen = 0;

	if (!yaml_parser_initialize(&parser))
		return stance_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if ((error = next_event(&parser, &ev, &have, origin)) < 0 ||     /* stream start */
	    (error = next_event(&parser, &ev, &have, origin)) < 0)
		goto done;
	if (ev.type == YAML_STREAM_END_EVENT)
		goto done; /* empty front matter */
	if ((error = next_event(&parser, &ev, &have, origin)) < 0)       /* past document start */
		goto done;
	if (ev.type == YAML_ALIAS_EVENT) {
		error = alias_error(&ev, origin);
		goto done;
	}
	if (ev.type == YAML_SCALAR_EVENT && !ev.data.scalar.length && ev.data.scalar.plain_implicit)
		goto done; /* only comments */
	if (ev.type != YAML_MAPPING_START_EVENT) {
		error = stance_error_set(STANCE_EPARSE, "%s: line 2: the front matter must be a list of "
			"'field: value' lines", origin);
		goto done;
	}
	for (;;) {
		size_t line;
		char *name;
		if ((error = next_event(&parser, &ev, &have, origin)) < 0)
			goto done;
		if (ev.type == YAML_MAPPING_END_EVENT)
			break;
		line = event_line(&ev);
		if (ev.type == YAML_ALIAS_EVENT) {
			error = alias_error(&ev, origin);
			goto done;
		}
		if (ev.type != YAML_SCALAR_EVENT || scalar_has_nul(&ev)) {
			error = wrong_type(&parser, &ev, &have, origin, line, 2, "%sa field name must be text", "");
			goto done;
		}
		if (!(name = stance_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length))) {
			error = STANCE_ERROR;
			goto done;
		}
		if ((error = next_event(&parser, &ev, &have, origin)) < 0) {
			free(name);
			goto done;
		}
		if (ev.type == YAML_ALIAS_EVENT) {
			error = alias_error(&ev, origin);
		} else if (scalar_has_nul(&ev)) {
			error = field_error(origin, line, "field '%s' contains a NUL byte", name);
		} else if (!strcmp(name, "authors")) {
			if (authors_seen++) {
				error = field_error(origin, line, "field '%s' appears twice", name);
			} else if (ev.type == YAML_SCALAR_EVENT) {
				error = stance_document_add_author(doc, (const char *)ev.data.scalar.value);
			} else if (ev.type == YAML_SEQUENCE_START_EVENT) {
				while (!(error = next_event(&parser, &ev, &have, origin)) && ev.type != YAML_SEQUENCE_END_EVENT) {
					if (ev.type == YAML_ALIAS_EVENT) {
						error = alias_error(&ev, origin);
						break;
					}
					if (ev.type != YAML_SCALAR_EVENT || scalar_has_nul(&ev)) {
						error = wrong_type(&parser, &ev, &have, origin, event_line(&ev), 3,
							"field '%s' must be a list of names", name);
						break;
					}
					if ((error = stance_document_add_author(doc, (const char *)ev.data.scalar.value)) < 0) {
						error = stance_error_prefix(error, "%s: line %zu: ", origin, event_line(&ev));
						break;
					}
				}
			} else {
				error = wrong_type(&parser, &ev, &have, origin, line, 2, "field '%s' must be a list of names", name);
			}
		} else if (ev.type != YAML_SCALAR_EVENT) {
			error = wrong_type(&parser, &ev, &have, origin, line, 2,
				"field '%s' must be text, not a list or a mapping", name);
		} else if (stance_document_get(doc, name)) {
			error = field_error(origin, line, "field '%s' appears twice", name);
		} else if ((error = stance_document_set(doc, name, (const char *)ev.data.scalar.value)) < 0) {
			error = stance_error_prefix(error, "%s: line %zu: field '%s': ", origin, line, name);
		}
		free(name);
		if (error < 0)
			goto done;
	}
	/* the rest (document end) holds nothing more */
done:
	if (have)
		yaml_event_delete(&ev);
	yaml_parser_delete(&parser);
	return error;
}

/* Finds the line that closes front matter opened at `data`; returns the
 * offset of that line, and in *after the offset just past it. */
static int find_closing(const char *data, size_t len, size_t *close, size_t *after)
{
	size_t pos = 4; /* past "---\n" */
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len, n = end - pos;
		if (n && data[pos + n - 1] == '\r')
			n--;
		if ((n == 3 && (!memcmp(data + pos, "---", 3) || !memcmp(data + pos, "...", 3)))) {
			*close = pos;
			*after = nl ? end + 1 : len;
			return 0;
		}
		pos = end + 1;
	}
	return -1;
}

/* The length of a UTF-8 byte order mark at the start of `data`, or 0. Some
 * editors write one; it would turn the front matter into body text. */
static size_t bom_length(const char *data, size_t len)
{
	return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

size_t stance_document_body_offset(const char *data, size_t len)
{
	size_t close, after, bom = bom_length(data, len);
	data += bom;
	len -= bom;
	if (len >= 4 && (!memcmp(data, "---\n", 4) || (len >= 5 && !memcmp(data, "---\r\n", 5))) &&
	    find_closing(data, len, &close, &after) == 0)
		return bom + after;
	return 0;
}

int stance_document_parse(stance_document **out, const char *data, size_t len, const char *origin)
{
	stance_document *doc = NULL;
	size_t body_start = 0, close, after, first_line = 1, i;
	int error;

	if (!origin)
		origin = "document";
	if (len > STANCE_DOCUMENT_MAX_SIZE)
		return stance_error_set(STANCE_EPARSE, "%s: the document is %zu bytes; documents may be at most "
			"%u MiB", origin, len, STANCE_DOCUMENT_MAX_SIZE >> 20);
	if ((error = stance_utf8_validate(data, len, origin)) < 0)
		return error;
	i = bom_length(data, len);
	data += i;
	len -= i;
	if ((error = stance_document_new(&doc)) < 0)
		return error;
	if (len >= 4 && (!memcmp(data, "---\n", 4) || (len >= 5 && !memcmp(data, "---\r\n", 5)))) {
		if (find_closing(data, len, &close, &after) < 0) {
			error = stance_error_set(STANCE_EPARSE, "%s: line 1: the front matter is not closed "
				"(no line '---' after it)", origin);
			goto done;
		}
		if ((error = load_front_matter(doc, data + 4, close - 4, origin)) < 0)
			goto done;
		body_start = after;
		for (i = 0; i < body_start; i++)
			first_line += data[i] == '\n';
	}
	if ((error = set_body(doc, data + body_start, len - body_start, origin, first_line)) < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	stance_document_free(doc);
	return error;
}

int stance_document_dup(stance_document **out, const stance_document *src)
{
	stance_buf b = STANCE_BUF_INIT;
	int error;
	if ((error = stance_document_serialize(&b, src)) < 0)
		goto done;
	error = stance_document_parse(out, stance_buf_cstr(&b), b.size, stance_document_get(src, "id"));
done:
	stance_buf_dispose(&b);
	return error;
}

/* ---- serialisation ---- */

static int emit_write(void *data, unsigned char *buffer, size_t size)
{
	return stance_buf_put((stance_buf *)data, (const char *)buffer, size) == 0;
}

/* True when a plain scalar would be read back by YAML 1.1 tools as
 * something other than text (a number, a boolean, null, a date). */
static int looks_typed(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true", "false",
		"null", "~", NULL };
	const char *p = s;
	size_t i;
	char lower[8];
	if (!*s)
		return 1;
	for (i = 0; i < sizeof(lower) - 1 && s[i]; i++)
		lower[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	lower[i] = '\0';
	if (strlen(s) < sizeof(lower))
		for (i = 0; words[i]; i++)
			if (!strcmp(lower, words[i]))
				return 1;
	if (*p == '-' || *p == '+' || *p == '.')
		p++;
	for (; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':' || *p == 'e' || *p == 'E' || *p == '_'))
			return 0;
	return 1;
}

/* Emits an event that a yaml_*_event_initialize() call made; `made` is that
 * call's result. An event that could not be made is never emitted: it
 * would hand the emitter whatever the event held before. */
static int emit_event(yaml_emitter_t *em, yaml_event_t *ev, int made)
{
	return made && yaml_emitter_emit(em, ev);
}

/* Emits a scalar; on failure *failed names the value that could not be
 * written (the emitter accepts only UTF-8 text). */
static int emit_scalar(yaml_emitter_t *em, const char *value, int allow_typed, const char *what,
	const char **failed)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = (!allow_typed && looks_typed(value)) ?
		YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
	size_t len = strlen(value);
	if (len > INT_MAX || !yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)len,
		1, 1, style)) {
		*failed = what;
		return -1;
	}
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_authors(yaml_emitter_t *em, const stance_document *doc, const char **failed)
{
	yaml_event_t ev;
	size_t a;
	int ok = emit_scalar(em, "authors", 0, "authors", failed) == 0;
	ok = ok && emit_event(em, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		YAML_FLOW_SEQUENCE_STYLE));
	for (a = 0; ok && a < doc->nauthors; a++)
		ok = emit_scalar(em, doc->authors[a], 0, "authors", failed) == 0;
	ok = ok && emit_event(em, &ev, yaml_sequence_end_event_initialize(&ev));
	return ok ? 0 : -1;
}

/* The order fields are written in. */
static const char *const written_fields[] = {
	"id", "title", "kind", "authors", "organization", "publication", "published",
	"language", "source", NULL
};

int stance_document_serialize(stance_buf *out, const stance_document *doc)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	stance_buf yaml = STANCE_BUF_INIT;
	size_t i, nfields = doc->nauthors + doc->nextra;
	const char *failed = NULL;
	int error = 0, ok = 1;

	for (i = 0; text_fields[i]; i++)
		if (*field_slot((stance_document *)doc, text_fields[i]))
			nfields++;
	if (nfields) {
		if (!yaml_emitter_initialize(&em))
			return stance_error_oom();
		yaml_emitter_set_output(&em, emit_write, &yaml);
		yaml_emitter_set_unicode(&em, 1);
		yaml_emitter_set_width(&em, -1);
		ok = emit_event(&em, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
		ok = ok && emit_event(&em, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
		ok = ok && emit_event(&em, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			YAML_BLOCK_MAPPING_STYLE));
		for (i = 0; ok && written_fields[i]; i++) {
			const char *name = written_fields[i], *v;
			if (!strcmp(name, "authors")) {
				if (doc->nauthors)
					ok = emit_authors(&em, doc, &failed) == 0;
				continue;
			}
			if (!(v = *field_slot((stance_document *)doc, name)))
				continue;
			ok = emit_scalar(&em, name, 0, name, &failed) == 0 &&
				emit_scalar(&em, v, !strcmp(name, "published"), name, &failed) == 0;
		}
		for (i = 0; ok && i < doc->nextra; i++)
			ok = emit_scalar(&em, doc->extra[i].name, 0, doc->extra[i].name, &failed) == 0 &&
				emit_scalar(&em, doc->extra[i].value, 0, doc->extra[i].name, &failed) == 0;
		ok = ok && emit_event(&em, &ev, yaml_mapping_end_event_initialize(&ev));
		ok = ok && emit_event(&em, &ev, yaml_document_end_event_initialize(&ev, 1));
		ok = ok && emit_event(&em, &ev, yaml_stream_end_event_initialize(&ev));
		ok = ok && yaml_emitter_flush(&em);
		if (!ok && failed)
			error = stance_error_set(STANCE_EINVALID, "cannot write the front matter of '%s': field '%.60s' "
				"is not valid UTF-8 text", doc->id ? doc->id : "document", failed);
		else if (!ok)
			error = stance_error_set(STANCE_ERROR, "cannot write the front matter of '%s': %s",
				doc->id ? doc->id : "document", em.problem ? em.problem :
				em.error == YAML_MEMORY_ERROR ? "out of memory" : "YAML error");
		yaml_emitter_delete(&em);
		if (!error)
			error = stance_buf_printf(out, "---\n%s---\n%s", stance_buf_cstr(&yaml), *doc->body ? "\n" : "");
	}
	else if (!strncmp(doc->body, "---\n", 4) || !strncmp(doc->body, "---\r\n", 5))
		/* a body without fields whose first line is '---' would be read
		 * back as front matter: an empty one goes before it */
		error = stance_buf_puts(out, "---\n---\n\n");
	if (!error)
		error = stance_buf_puts(out, doc->body);
	stance_buf_dispose(&yaml);
	return error;
}
