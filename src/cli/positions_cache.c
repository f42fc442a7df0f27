/*
 * positions_cache.c: .git/stance-positions-cache, one JSON document:
 *   {"fingerprint": "...", "entries": {"ID\nOLD\nNEW": {"o": organization,
 *    "k": kind, "t": title, "c": [[kind, old, new, section, similarity]...]}}}
 * Blob ids are content addresses, so an entry never goes stale for its
 * texts; what else decides the answer (the markers file, the repository's
 * language, this format and the way changes are read) is the fingerprint,
 * and a cache of another fingerprint is dropped whole.
 */
#include <stdlib.h>
#include <string.h>

#include "positions_cache.h"

/* Raise when the format, or the way position changes are computed, changes. */
#define POSITIONS_CACHE_VERSION "stance-positions-cache 1"

struct positions_cache {
	char *path;
	char *fingerprint;
	json_t *entries;    /* object: key -> entry */
	int added;
	stance_buf key;
};

static int make_key(positions_cache *c, const char *id, const char *old_blob, const char *new_blob)
{
	stance_buf_clear(&c->key);
	return stance_buf_printf(&c->key, "%s\n%s\n%s", id, old_blob ? old_blob : "", new_blob ? new_blob : "");
}

positions_cache *positions_cache_load(stance_repo *repo, const char *markers_path)
{
	positions_cache *c = calloc(1, sizeof(*c));
	stance_buf path = STANCE_BUF_INIT, markers = STANCE_BUF_INIT, fp = STANCE_BUF_INIT;
	const char *lang = stance_repo_language(repo);
	json_t *root, *entries;
	if (!c)
		return NULL;
	/* the markers by content: a missing file is its own fingerprint */
	if (stance_file_read(&markers, markers_path) < 0)
		stance_buf_dispose(&markers);
	if (stance_buf_printf(&path, "%sstance-positions-cache", stance_repo_gitdir(repo)) < 0 ||
	    stance_buf_printf(&fp, "%s\nlanguage %s\nmarkers %s\n", POSITIONS_CACHE_VERSION, lang ? lang : "",
		markers.ptr ? "present" : "absent") < 0 ||
	    (markers.ptr && stance_buf_put(&fp, markers.ptr, markers.size) < 0)) {
		stance_buf_dispose(&path);
		stance_buf_dispose(&markers);
		stance_buf_dispose(&fp);
		free(c);
		return NULL;
	}
	stance_buf_dispose(&markers);
	c->path = stance_buf_detach(&path);
	c->fingerprint = stance_buf_detach(&fp);
	root = json_load_file(c->path, 0, NULL);
	entries = json_object_get(root, "entries");
	if (json_is_object(entries) && json_is_string(json_object_get(root, "fingerprint")) &&
	    !strcmp(json_string_value(json_object_get(root, "fingerprint")), c->fingerprint))
		c->entries = json_incref(entries);
	json_decref(root);
	if (!c->entries)
		c->entries = json_object();
	if (!c->path || !c->fingerprint || !c->entries) {
		positions_cache_save_free(c);
		return NULL;
	}
	return c;
}

const json_t *positions_cache_find(positions_cache *c, const char *id, const char *old_blob, const char *new_blob)
{
	json_t *e, *changes;
	size_t i;
	if (!c || make_key(c, id, old_blob, new_blob) < 0)
		return NULL;
	e = json_object_get(c->entries, stance_buf_cstr(&c->key));
	changes = json_object_get(e, "c");
	if (!json_is_string(json_object_get(e, "o")) || !json_is_string(json_object_get(e, "k")) ||
	    !json_is_string(json_object_get(e, "t")) || !json_is_array(changes))
		return NULL;
	/* a malformed change makes the entry a miss: it is computed again */
	for (i = 0; i < json_array_size(changes); i++)
		if (!positions_cache_change(e, i, NULL, NULL, NULL, NULL, NULL))
			return NULL;
	return e;
}

const char *positions_cache_organization(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "o"));
}

const char *positions_cache_kind(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "k"));
}

const char *positions_cache_title(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "t"));
}

size_t positions_cache_count(const json_t *entry)
{
	return json_array_size(json_object_get(entry, "c"));
}

int positions_cache_change(const json_t *entry, size_t i, stance_position_change_kind *kind,
	const char **old_text, const char **new_text, const char **section, double *similarity)
{
	json_t *x = json_array_get(json_object_get(entry, "c"), i);
	json_t *k = json_array_get(x, 0), *o = json_array_get(x, 1), *n = json_array_get(x, 2);
	json_t *s = json_array_get(x, 3), *sim = json_array_get(x, 4);
	json_int_t kv;
	if (json_array_size(x) != 5 || !json_is_integer(k) || !(json_is_string(o) || json_is_null(o)) ||
	    !(json_is_string(n) || json_is_null(n)) || !json_is_string(s) || !json_is_number(sim))
		return 0;
	kv = json_integer_value(k);
	if (kv != STANCE_POSITION_ADDED && kv != STANCE_POSITION_REMOVED && kv != STANCE_POSITION_REWORDED)
		return 0;
	if (kind)
		*kind = (stance_position_change_kind)kv;
	if (old_text)
		*old_text = json_string_value(o);
	if (new_text)
		*new_text = json_string_value(n);
	if (section)
		*section = json_string_value(s);
	if (similarity)
		*similarity = json_number_value(sim);
	return 1;
}

void positions_cache_add(positions_cache *c, const char *id, const char *old_blob, const char *new_blob,
	const char *organization, const char *kind, const char *title, const stance_position_change_list *changes,
	const stance_position_list *old_list, const stance_position_list *new_list)
{
	json_t *list, *entry;
	size_t i;
	if (!c || make_key(c, id, old_blob, new_blob) < 0 || !(list = json_array()))
		return;
	for (i = 0; i < changes->count; i++) {
		const stance_position_change *x = &changes->items[i];
		const stance_position *o = x->old_index >= 0 ? &old_list->items[x->old_index] : NULL;
		const stance_position *n = x->new_index >= 0 ? &new_list->items[x->new_index] : NULL;
		json_t *jo = o ? json_string(o->text) : json_null();
		json_t *jn = n ? json_string(n->text) : json_null();
		json_t *js = json_string(n ? n->section : o->section);
		/* json_string() refuses text that is not UTF-8: such a revision is
		 * simply not cached */
		json_t *item = jo && jn && js ? json_pack("[I, O, O, O, f]", (json_int_t)x->kind, jo, jn, js,
			x->similarity) : NULL;
		json_decref(jo);
		json_decref(jn);
		json_decref(js);
		if (!item || json_array_append_new(list, item) < 0) {
			json_decref(list);
			return;
		}
	}
	entry = json_pack("{s:s?, s:s?, s:s?, s:o}", "o", organization, "k", kind, "t", title, "c", list);
	if (entry && json_object_set_new(c->entries, stance_buf_cstr(&c->key), entry) == 0)
		c->added = 1;
}

void positions_cache_save_free(positions_cache *c)
{
	char *text;
	json_t *root;
	if (!c)
		return;
	if (c->added && c->entries && c->fingerprint &&
	    (root = json_pack("{s:s, s:O}", "fingerprint", c->fingerprint, "entries", c->entries))) {
		if ((text = json_dumps(root, JSON_COMPACT)))
			(void)stance_file_write_atomic(c->path, text, strlen(text));
		free(text);
		json_decref(root);
	}
	json_decref(c->entries);
	free(c->path);
	free(c->fingerprint);
	stance_buf_dispose(&c->key);
	free(c);
}
