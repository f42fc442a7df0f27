/*
 * revcache.c: .git/stance-cache/, what each revision's text gives, computed
 * once. Three kinds of file, one format:
 *
 *   words                  KEY "OLD NEW" (blob ids, "-" for none): "ADDED REMOVED"
 *   front                  KEY "BLOB": the document's front matter bytes
 *   positions/HASH         KEY "BLOB": the position statements of one
 *                          document (HASH: FNV-64 of its id), a line
 *                          each, "START END =SECTION =TEXT", the section
 *                          and the text records of their own, KEY "=" and
 *                          two 64-bit hashes of the text: a statement
 *                          that stays is written once
 *
 *   stance-cache 1 KIND FINGERPRINT\n
 *   KEY\tLENGTH\nVALUE\n          (once a record)
 *   end COUNT CHECKSUM\n          (stance_checksum64 of every byte before "end")
 *
 * The keys are blob ids, content addresses, so a record never goes stale
 * for its texts; what else decides a value is the file's fingerprint (the
 * format's version; for positions, the markers file and the repository's
 * language), and a file of another fingerprint is dropped whole. A file is
 * never trusted blindly: a wrong header, a record that runs past the end, a
 * count or checksum that does not match (a truncated or garbage file) makes
 * the whole file a miss, computed again and written anew.
 */
#include "internal.h"
#include "stance/document.h"
#include "stance/history.h"
#include "stance/positions.h"
#include "stance/repo.h"
#include "stance/revcache.h"
#include "stance/words.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define REVCACHE_MAGIC "stance-cache 1"

typedef struct {
	char *key;          /* owned when `owned` */
	const char *value;  /* into the file's bytes, or owned */
	size_t key_len, value_len;
	int owned;
} rc_entry;

/* One cache file: its records in an open-addressing table by key. */
typedef struct {
	char *path;
	char *header;       /* the first line a usable file has, with its newline */
	stance_buf data;    /* the file as read */
	rc_entry *slots;
	size_t cap, count;
	int loaded, added;
} rc_file;

struct stance_revcache {
	stance_repo *repo;
	char *dir;                 /* .git/stance-cache/ */
	char *positions_print;     /* fingerprint of the markers file and language */
	rc_file words, front, positions;
	char positions_id_hash[17];
};

static uint64_t key_hash(const char *key, size_t len)
{
	return stance_fnv64(key, len);
}

static int slots_grow(rc_file *f)
{
	rc_entry *old = f->slots;
	size_t old_cap = f->cap, i, cap = f->cap ? f->cap * 2 : 256;
	rc_entry *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return stance_error_oom();
	for (i = 0; i < old_cap; i++) {
		size_t j;
		if (!old[i].key)
			continue;
		for (j = key_hash(old[i].key, old[i].key_len) & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	free(old);
	f->slots = slots;
	f->cap = cap;
	return 0;
}

static rc_entry *slot_for(rc_file *f, const char *key, size_t len)
{
	size_t j;
	if (!f->cap)
		return NULL;
	for (j = key_hash(key, len) & (f->cap - 1); f->slots[j].key; j = (j + 1) & (f->cap - 1))
		if (f->slots[j].key_len == len && !memcmp(f->slots[j].key, key, len))
			return &f->slots[j];
	return &f->slots[j];
}

/* Adds a record (the key and value borrowed from the file's bytes, or
 * owned); a key already there keeps its first value. */
static int insert(rc_file *f, char *key, size_t key_len, const char *value, size_t value_len, int owned)
{
	rc_entry *e;
	int error;
	if ((f->count + 1) * 2 > f->cap && (error = slots_grow(f)) < 0)
		return error;
	e = slot_for(f, key, key_len);
	if (e->key)
		return 1;
	e->key = key;
	e->key_len = key_len;
	e->value = value;
	e->value_len = value_len;
	e->owned = owned;
	f->count++;
	return 0;
}

static void file_clear(rc_file *f)
{
	size_t i;
	for (i = 0; i < f->cap; i++)
		if (f->slots[i].key && f->slots[i].owned) {
			free(f->slots[i].key);
			free((char *)f->slots[i].value);
		}
	free(f->slots);
	f->slots = NULL;
	f->cap = f->count = 0;
	stance_buf_dispose(&f->data);
}

static void file_free(rc_file *f)
{
	file_clear(f);
	free(f->path);
	free(f->header);
	memset(f, 0, sizeof(*f));
}

/* Parses the file's bytes into records; 0 when the whole file is sound. */
static int parse_records(rc_file *f)
{
	char *p = f->data.ptr, *end, *last, *tail;
	size_t hlen = strlen(f->header), n = 0;
	unsigned long long count;
	char want[64];
	int w;

	if (f->data.size < hlen + 1 || memcmp(p, f->header, hlen) || p[f->data.size - 1] != '\n')
		return -1;
	/* the last line, "end COUNT CHECKSUM", checked before anything is read */
	for (last = p + f->data.size - 1; last > p && last[-1] != '\n'; last--)
		;
	if (last < p + hlen || strncmp(last, "end ", 4))
		return -1;
	errno = 0;
	count = strtoull(last + 4, &tail, 10);
	w = snprintf(want, sizeof(want), " %016llx\n",
		(unsigned long long)stance_checksum64(p, (size_t)(last - p)));
	if (errno || tail == last + 4 || w < 0 || (size_t)(p + f->data.size - tail) != (size_t)w ||
	    memcmp(tail, want, (size_t)w))
		return -1;
	end = last;
	for (p += hlen; p < end;) {
		char *tab = memchr(p, '\t', (size_t)(end - p)), *nl;
		unsigned long long len;
		if (!tab || tab == p || !(nl = memchr(tab, '\n', (size_t)(end - tab))))
			return -1;
		errno = 0;
		len = strtoull(tab + 1, &tail, 10);
		if (errno || tail != nl || tab + 1 == nl || len >= (unsigned long long)(end - nl) ||
		    nl[1 + len] != '\n')
			return -1;
		*tab = '\0';
		if (insert(f, p, (size_t)(tab - p), nl + 1, (size_t)len, 0) < 0)
			return -1;
		n++;
		p = nl + 2 + len;
	}
	return count == n ? 0 : -1;
}

/* Reads the file once; a missing, unreadable or unsound file is empty. */
static void file_load(rc_file *f)
{
	if (f->loaded)
		return;
	f->loaded = 1;
	if (stance_file_read(&f->data, f->path) < 0) {
		stance_error_clear();
		return;
	}
	if (parse_records(f) < 0) {
		file_clear(f);
		f->added = 1; /* written anew at close, whatever is computed */
	}
}

static const rc_entry *file_get(rc_file *f, const char *key)
{
	rc_entry *e;
	file_load(f);
	e = slot_for(f, key, strlen(key));
	return e && e->key ? e : NULL;
}

static void file_put(rc_file *f, const char *key, const char *value, size_t len)
{
	char *k = stance_strdup(key), *v = malloc(len + 1);
	if (!k || !v || insert(f, k, strlen(k), v, len, 1) != 0) {
		free(k);
		free(v);
		stance_error_clear();
		return; /* not cached: computed again next time */
	}
	memcpy(v, value, len);
	v[len] = '\0';
	f->added = 1;
}

static void file_save(rc_file *f)
{
	stance_buf out = STANCE_BUF_INIT;
	size_t i, n = 0;
	int error = 0;
	if (!f->added || !f->path)
		return;
	error |= stance_buf_puts(&out, f->header);
	for (i = 0; i < f->cap && !error; i++) {
		const rc_entry *e = &f->slots[i];
		if (!e->key)
			continue;
		error |= stance_buf_printf(&out, "%.*s\t%zu\n", (int)e->key_len, e->key, e->value_len);
		error |= stance_buf_put(&out, e->value, e->value_len);
		error |= stance_buf_puts(&out, "\n");
		n++;
	}
	if (!error)
		error = stance_buf_printf(&out, "end %zu %016llx\n", n,
			(unsigned long long)stance_checksum64(out.ptr, out.size));
	/* a copy of what git holds: no fsync, and a failure only costs time */
	if (error || stance_mkdirs_for(f->path) < 0 || stance_file_write_replace(f->path, out.ptr, out.size, 0) < 0)
		stance_error_clear();
	stance_buf_dispose(&out);
}

static int file_init(rc_file *f, const char *dir, const char *name, const char *kind, const char *print)
{
	stance_buf path = STANCE_BUF_INIT, header = STANCE_BUF_INIT;
	if (stance_buf_printf(&path, "%s%s", dir, name) < 0 ||
	    stance_buf_printf(&header, "%s %s %s\n", REVCACHE_MAGIC, kind, print) < 0) {
		stance_buf_dispose(&path);
		stance_buf_dispose(&header);
		return STANCE_ERROR;
	}
	file_clear(f);
	free(f->path);
	free(f->header);
	f->path = stance_buf_detach(&path);
	f->header = stance_buf_detach(&header);
	f->loaded = f->added = 0;
	return 0;
}

int stance_revcache_open(stance_revcache **out, stance_repo *repo, const char *markers_path)
{
	stance_revcache *c = calloc(1, sizeof(*c));
	stance_buf dir = STANCE_BUF_INIT, print = STANCE_BUF_INIT, markers = STANCE_BUF_INIT;
	const char *lang = stance_repo_language(repo);
	int error = STANCE_ERROR;

	*out = NULL;
	if (!c)
		return stance_error_oom();
	c->repo = repo;
	if (stance_buf_printf(&dir, "%sstance-cache/", stance_repo_gitdir(repo)) < 0)
		goto done;
	c->dir = stance_buf_detach(&dir);
	/* what decides the position statements besides the text: the markers
	 * file (a missing one is its own fingerprint) and the fallback language */
	if (markers_path && stance_file_read(&markers, markers_path) < 0) {
		stance_error_clear();
		stance_buf_dispose(&markers);
	}
	if (stance_buf_printf(&print, "language=%s;markers=%s", lang ? lang : "", markers.ptr ? "present" : "absent") < 0 ||
	    (markers.ptr && stance_buf_put(&print, markers.ptr, markers.size) < 0))
		goto done;
	if (!(c->positions_print = malloc(17)))
		goto done;
	snprintf(c->positions_print, 17, "%016llx", (unsigned long long)stance_fnv64(print.ptr, print.size));
	if ((error = file_init(&c->words, c->dir, "words", "words", "-")) < 0 ||
	    (error = file_init(&c->front, c->dir, "front", "front", "-")) < 0)
		goto done;
	*out = c;
	c = NULL;
	error = 0;
done:
	if (error < 0 && !*stance_error_last())
		error = stance_error_oom();
	stance_revcache_close(c);
	stance_buf_dispose(&dir);
	stance_buf_dispose(&print);
	stance_buf_dispose(&markers);
	return error;
}

void stance_revcache_close(stance_revcache *c)
{
	if (!c)
		return;
	file_save(&c->words);
	file_save(&c->front);
	file_save(&c->positions);
	file_free(&c->words);
	file_free(&c->front);
	file_free(&c->positions);
	free(c->dir);
	free(c->positions_print);
	free(c);
}

static int read_body(stance_buf *out, const char **body, stance_revcache *c, const char *blob)
{
	int error = 0;
	if (blob && *blob && (error = stance_history_read_blob(out, c->repo, blob)) < 0)
		return error;
	*body = stance_buf_cstr(out) + stance_document_body_offset(stance_buf_cstr(out), out->size);
	return 0;
}

int stance_revcache_words(size_t *added, size_t *removed, stance_revcache *c,
	const char *old_blob, const char *new_blob)
{
	return stance_revcache_words_with(added, removed, c, old_blob, new_blob, NULL, NULL);
}

int stance_revcache_words_with(size_t *added, size_t *removed, stance_revcache *c,
	const char *old_blob, const char *new_blob, stance_revcache_words_fn count, void *payload)
{
	stance_buf key = STANCE_BUF_INIT, a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	const rc_entry *e;
	const char *ta, *tb;
	int error;

	*added = *removed = 0;
	if ((error = stance_buf_printf(&key, "%s %s", old_blob && *old_blob ? old_blob : "-",
		new_blob && *new_blob ? new_blob : "-")) < 0)
		goto done;
	if ((e = file_get(&c->words, key.ptr)) && e->value_len < 64) {
		unsigned long long x, y;
		char text[64], extra;
		memcpy(text, e->value, e->value_len);
		text[e->value_len] = '\0';
		if (sscanf(text, "%llu %llu%c", &x, &y, &extra) == 2) {
			*added = (size_t)x;
			*removed = (size_t)y;
			goto done;
		}
	}
	/* the caller's count when it has one (log -S: the search index's
	 * paragraphs), else the two bodies read and compared */
	error = 0;
	if (count && (error = count(added, removed, old_blob ? old_blob : "", new_blob ? new_blob : "", payload)) < 0)
		goto done;
	if (error == 0 && ((error = read_body(&a, &ta, c, old_blob)) < 0 || (error = read_body(&b, &tb, c, new_blob)) < 0 ||
	    (error = stance_words_delta(added, removed, ta, tb)) < 0))
		goto done;
	error = 0;
	{
		char value[64];
		int n = snprintf(value, sizeof(value), "%zu %zu", *added, *removed);
		file_put(&c->words, key.ptr, value, (size_t)n);
	}
done:
	stance_buf_dispose(&key);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}

int stance_revcache_front(stance_buf *out, stance_revcache *c, const char *blob, const char *origin)
{
	stance_buf raw = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	const rc_entry *e;
	int error;

	if ((e = file_get(&c->front, blob)))
		return stance_buf_put(out, e->value, e->value_len);
	if ((error = stance_history_read_blob(&raw, c->repo, blob)) < 0 ||
	    (error = stance_document_parse(&doc, stance_buf_cstr(&raw), raw.size, origin)) < 0)
		goto done;
	{
		size_t n = stance_document_body_offset(stance_buf_cstr(&raw), raw.size);
		if ((error = stance_buf_put(out, stance_buf_cstr(&raw), n)) < 0)
			goto done;
		file_put(&c->front, blob, stance_buf_cstr(&raw), n);
	}
done:
	stance_document_free(doc);
	stance_buf_dispose(&raw);
	return error;
}

/* The positions file of document `id`, opened when another is asked for. */
static int positions_file(stance_revcache *c, const char *id)
{
	char hash[17], name[64];
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)stance_fnv64(id, strlen(id)));
	if (c->positions.path && !strcmp(hash, c->positions_id_hash))
		return 0;
	file_save(&c->positions);
	snprintf(name, sizeof(name), "positions/%s", hash);
	memcpy(c->positions_id_hash, hash, sizeof(hash));
	return file_init(&c->positions, c->dir, name, "positions", c->positions_print);
}

/* The key of a text record: "=" and two hashes of the text, so that a
 * statement that stays across revisions is written once a document. */
static void text_key(char out[35], const char *text, size_t len)
{
	snprintf(out, 35, "=%016llx%016llx", (unsigned long long)stance_fnv64(text, len),
		(unsigned long long)stance_checksum64(text, len));
}

static char *text_of(rc_file *f, const char *key)
{
	const rc_entry *t = key[0] == '=' && strlen(key) == 33 ? file_get(f, key) : NULL;
	char *out;
	if (!t || !(out = malloc(t->value_len + 1)))
		return NULL;
	memcpy(out, t->value, t->value_len);
	out[t->value_len] = '\0';
	return out;
}

/* A decimal number at *p ending at `stop`, *p moved past it and the space
 * after; -1 when there is none (the file is then computed anew). */
static int read_number(unsigned long long *out, const char **p, const char *end)
{
	const char *q = *p;
	unsigned long long v = 0;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*q - '0');
	}
	if (q >= end || *q != ' ')
		return -1;
	*out = v;
	*p = q + 1;
	return 0;
}

/* A text key ("=" and 32 hex digits) at *p, followed by `after`, copied
 * into `key`; *p moved past both. */
static int read_key(char key[34], const char **p, const char *end, char after)
{
	const char *q = *p;
	if (end - q < 34 || q[0] != '=' || q[33] != after)
		return -1;
	memcpy(key, q, 33);
	key[33] = '\0';
	*p = q + 34;
	return 0;
}

/* "START END =SECTIONKEY =TEXTKEY\n" a statement, back to a list; the texts
 * are records of their own. Read without sscanf: a long history decodes
 * hundreds of thousands of these lines. */
static int positions_decode(stance_position_list *out, rc_file *f, const char *p, size_t len)
{
	const char *end = p + len;
	size_t alloc = 0;
	memset(out, 0, sizeof(*out));
	while (p < end) {
		unsigned long long s, e;
		char sk[34], tk[34];
		stance_position *x;
		if (read_number(&s, &p, end) < 0 || read_number(&e, &p, end) < 0 ||
		    read_key(sk, &p, end, ' ') < 0 || read_key(tk, &p, end, '\n') < 0)
			goto bad;
		if (stance_array_grow(&out->items, &alloc, out->count + 1, sizeof(*out->items)) < 0)
			goto bad;
		x = &out->items[out->count++];
		x->start = (size_t)s;
		x->end = (size_t)e;
		x->section = text_of(f, sk);
		x->text = text_of(f, tk);
		if (!x->section || !x->text)
			goto bad;
	}
	return 0;
bad:
	stance_position_list_free(out);
	stance_error_clear();
	return -1;
}

static int encode_text(stance_buf *value, rc_file *f, const char *text)
{
	char key[35];
	size_t len = strlen(text);
	text_key(key, text, len);
	if (!file_get(f, key))
		file_put(f, key, text, len);
	return stance_buf_printf(value, " %s", key);
}

int stance_revcache_positions(stance_position_list *out, stance_revcache *c,
	const stance_positions *markers, const char *id, const char *blob)
{
	stance_buf raw = STANCE_BUF_INIT, value = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	const rc_entry *e;
	const char *lang, *body;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = positions_file(c, id)) < 0)
		return error;
	if ((e = file_get(&c->positions, blob)) && positions_decode(out, &c->positions, e->value, e->value_len) == 0)
		return 0;
	if ((error = stance_history_read_blob(&raw, c->repo, blob)) < 0 ||
	    (error = stance_document_parse(&doc, stance_buf_cstr(&raw), raw.size, id)) < 0)
		goto done;
	body = stance_document_body(doc);
	lang = stance_document_get(doc, "language");
	if (!lang && body)
		lang = stance_positions_detect_language(body, strlen(body));
	if (!lang)
		lang = stance_repo_language(c->repo);
	if ((error = stance_positions_extract(out, markers, lang, body, strlen(body))) < 0)
		goto done;
	for (i = 0; i < out->count && !error; i++) {
		const stance_position *x = &out->items[i];
		error |= stance_buf_printf(&value, "%zu %zu", x->start, x->end);
		error |= encode_text(&value, &c->positions, x->section);
		error |= encode_text(&value, &c->positions, x->text);
		error |= stance_buf_puts(&value, "\n");
	}
	if (error) {
		error = 0; /* the statements are right; they are only not cached */
		stance_error_clear();
	} else
		file_put(&c->positions, blob, stance_buf_cstr(&value), value.size);
done:
	if (error < 0)
		stance_position_list_free(out);
	stance_document_free(doc);
	stance_buf_dispose(&raw);
	stance_buf_dispose(&value);
	return error;
}
