/*
 * document.c: the document model, its YAML front matter (libyaml) and its
 * canonical Markdown body (canonical.c).
 */
#include "internal.h"

#include <stdio.h>
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

int stance_document_set_body(stance_document *doc, const char *markdown, size_t len)
{
	stance_buf canon = STANCE_BUF_INIT;
	int error;
	if ((error = stance_markdown_canonicalize(&canon, markdown, len)) < 0) {
		stance_buf_dispose(&canon);
		return error;
	}
	free(doc->body);
	doc->body = stance_buf_detach(&canon);
	return doc->body ? 0 : STANCE_ERROR;
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
	if (!id || !*id)
		return stance_error_set(STANCE_EINVALID, "a document id cannot be empty");
	if (id[0] == '/' || id[strlen(id) - 1] == '/')
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

static int load_front_matter(stance_document *doc, const char *yaml, size_t len, const char *origin)
{
	yaml_parser_t parser;
	yaml_document_t ydoc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	int error = 0, loaded = 0;

	if (!yaml_parser_initialize(&parser))
		return stance_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &ydoc)) {
		/* Line numbers count from the file's first line, the opening '---'. */
		if (parser.context)
			error = stance_error_set(STANCE_EPARSE, "%s: line %zu: malformed front matter: %s "
				"(%s started on line %zu)", origin, (size_t)parser.problem_mark.line + 2,
				parser.problem ? parser.problem : "YAML error", parser.context + (strncmp(parser.context, "while ", 6) ? 0 : 6),
				(size_t)parser.context_mark.line + 2);
		else
			error = stance_error_set(STANCE_EPARSE, "%s: line %zu: malformed front matter: %s",
				origin, (size_t)parser.problem_mark.line + 2, parser.problem ? parser.problem : "YAML error");
		goto done;
	}
	loaded = 1;
	root = yaml_document_get_root_node(&ydoc);
	if (!root)
		goto done; /* empty front matter */
	if (root->type != YAML_MAPPING_NODE) {
		error = stance_error_set(STANCE_EPARSE, "%s: line 2: the front matter must be a list of "
			"'field: value' lines", origin);
		goto done;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(&ydoc, pair->key);
		yaml_node_t *val = yaml_document_get_node(&ydoc, pair->value);
		size_t line = (size_t)key->start_mark.line + 2;
		const char *name;
		if (key->type != YAML_SCALAR_NODE) {
			error = field_error(origin, line, "%sa field name must be text", "");
			goto done;
		}
		name = (const char *)key->data.scalar.value;
		if (!strcmp(name, "authors")) {
			if (doc->nauthors) {
				error = field_error(origin, line, "field '%s' appears twice", name);
				goto done;
			}
			if (val->type == YAML_SCALAR_NODE) {
				if ((error = stance_document_add_author(doc, (const char *)val->data.scalar.value)) < 0)
					goto done;
			} else if (val->type == YAML_SEQUENCE_NODE) {
				yaml_node_item_t *item;
				for (item = val->data.sequence.items.start; item < val->data.sequence.items.top; item++) {
					yaml_node_t *a = yaml_document_get_node(&ydoc, *item);
					if (a->type != YAML_SCALAR_NODE) {
						error = field_error(origin, (size_t)a->start_mark.line + 2,
							"field '%s' must be a list of names", name);
						goto done;
					}
					if ((error = stance_document_add_author(doc, (const char *)a->data.scalar.value)) < 0)
						goto done;
				}
			} else {
				error = field_error(origin, line, "field '%s' must be a list of names", name);
				goto done;
			}
			continue;
		}
		if (val->type != YAML_SCALAR_NODE) {
			error = field_error(origin, line, "field '%s' must be text, not a list or a mapping", name);
			goto done;
		}
		if (stance_document_get(doc, name)) {
			error = field_error(origin, line, "field '%s' appears twice", name);
			goto done;
		}
		if ((error = stance_document_set(doc, name, (const char *)val->data.scalar.value)) < 0) {
			error = stance_error_prefix(error, "%s: line %zu: field '%s': ", origin, line, name);
			goto done;
		}
	}
done:
	if (loaded)
		yaml_document_delete(&ydoc);
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

size_t stance_document_body_offset(const char *data, size_t len)
{
	size_t close, after;
	if (len >= 4 && (!memcmp(data, "---\n", 4) || (len >= 5 && !memcmp(data, "---\r\n", 5))) &&
	    find_closing(data, len, &close, &after) == 0)
		return after;
	return 0;
}

int stance_document_parse(stance_document **out, const char *data, size_t len, const char *origin)
{
	stance_document *doc = NULL;
	size_t body_start = 0, close, after;
	int error;

	if (!origin)
		origin = "document";
	if ((error = stance_utf8_validate(data, len, origin)) < 0)
		return error;
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
	}
	if ((error = stance_document_set_body(doc, data + body_start, len - body_start)) < 0)
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

static int emit_scalar(yaml_emitter_t *em, const char *value, int allow_typed)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = (!allow_typed && looks_typed(value)) ?
		YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)strlen(value),
		1, 1, style);
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_authors(yaml_emitter_t *em, const stance_document *doc)
{
	yaml_event_t ev;
	size_t a;
	int ok = emit_scalar(em, "authors", 0) == 0;
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE);
	ok = ok && yaml_emitter_emit(em, &ev);
	for (a = 0; ok && a < doc->nauthors; a++)
		ok = emit_scalar(em, doc->authors[a], 0) == 0;
	yaml_sequence_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(em, &ev);
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
		yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
		ok = ok && yaml_emitter_emit(&em, &ev);
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		ok = ok && yaml_emitter_emit(&em, &ev);
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		ok = ok && yaml_emitter_emit(&em, &ev);
		for (i = 0; ok && written_fields[i]; i++) {
			const char *name = written_fields[i], *v;
			if (!strcmp(name, "authors")) {
				if (doc->nauthors)
					ok = emit_authors(&em, doc) == 0;
				continue;
			}
			if (!(v = *field_slot((stance_document *)doc, name)))
				continue;
			ok = emit_scalar(&em, name, 0) == 0 &&
				emit_scalar(&em, v, !strcmp(name, "published")) == 0;
		}
		for (i = 0; ok && i < doc->nextra; i++)
			ok = emit_scalar(&em, doc->extra[i].name, 0) == 0 &&
				emit_scalar(&em, doc->extra[i].value, 0) == 0;
		yaml_mapping_end_event_initialize(&ev);
		ok = ok && yaml_emitter_emit(&em, &ev);
		yaml_document_end_event_initialize(&ev, 1);
		ok = ok && yaml_emitter_emit(&em, &ev);
		yaml_stream_end_event_initialize(&ev);
		ok = ok && yaml_emitter_emit(&em, &ev);
		ok = ok && yaml_emitter_flush(&em);
		if (!ok)
			error = stance_error_set(STANCE_ERROR, "cannot write the front matter of '%s': %s",
				doc->id ? doc->id : "document", em.problem ? em.problem : "YAML error");
		yaml_emitter_delete(&em);
		if (!error)
			error = stance_buf_printf(out, "---\n%s---\n%s", stance_buf_cstr(&yaml), *doc->body ? "\n" : "");
	}
	if (!error)
		error = stance_buf_puts(out, doc->body);
	stance_buf_dispose(&yaml);
	return error;
}
