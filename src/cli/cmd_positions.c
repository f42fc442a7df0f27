/*
 * cmd_positions.c: `stance positions DOC[@REV] [--history] [--json]`: the
 * position statements of a document (sentences carrying a stance marker from
 * .stance/positions), or, with --history, each position's life (appeared,
 * reworded, removed); `--compare A B`: the positions two documents share,
 * contradict or hold alone; `--all`: every position change of the
 * collection in a period, by organization and document, newest first.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "cli.h"
#include "json_out.h"
#include "positions_cache.h"

extern const cli_command cmd_positions_entry;

static int markers_path(stance_buf *out, stance_repo *repo)
{
	return stance_buf_printf(out, "%s.stance/positions", stance_repo_workdir(repo));
}

static int load_markers(stance_positions **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	if ((error = markers_path(&path, repo)) < 0)
		return error;
	error = stance_positions_load(out, path.ptr);
	stance_buf_dispose(&path);
	return error;
}

/* The document's language: its front matter's, else the one its body is
 * written in, else the repository's stance.language. */
static const char *doc_language(const stance_document *doc, stance_repo *repo)
{
	const char *l = stance_document_get(doc, "language");
	const char *body = stance_document_body(doc);
	if (!l && body)
		l = stance_positions_detect_language(body, strlen(body));
	return l ? l : stance_repo_language(repo);
}

static void date_of(stance_buf *out, const stance_revision *rev)
{
	stance_date d;
	stance_date_from_time(&d, rev->time, rev->tz_minutes);
	d.precision = STANCE_DATE_DAY;
	stance_date_format(out, &d);
}

static int list_positions(cli_context *ctx, stance_repo *repo, const char *spec, int json,
	stance_positions *markers)
{
	stance_revision rev;
	stance_document *doc = NULL;
	stance_position_list list = { 0 };
	stance_buf out = STANCE_BUF_INIT;
	const char *body;
	size_t i;
	int error, rc = CLI_OK;

	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, &doc, repo, spec)) < 0)
		return cli_fail(error);
	body = stance_document_body(doc);
	if ((error = stance_positions_extract(&list, markers, doc_language(doc, repo), body, strlen(body))) < 0) {
		stance_document_free(doc);
		stance_revision_clear(&rev);
		return cli_fail(error);
	}
	if (json)
		stance_buf_puts(&out, "[");
	for (i = 0; i < list.count; i++) {
		const stance_position *p = &list.items[i];
		if (json) {
			stance_buf_puts(&out, i ? ",\n " : "\n ");
			if (cli_json_append(&out, json_pack("{s:o, s:o, s:[I, I]}", "section", cli_json_str(p->section),
				"text", cli_json_str(p->text), "range", (json_int_t)p->start, (json_int_t)p->end),
				CLI_JSON_SPACED) < 0) {
				rc = cli_error("out of memory");
				break;
			}
		} else {
			if (*p->section)
				stance_buf_printf(&out, "%s§ %s%s: ", cli_color(ctx, "\033[36m"), p->section,
					cli_color(ctx, "\033[0m"));
			stance_buf_printf(&out, "%s\n", p->text);
		}
	}
	if (json)
		stance_buf_puts(&out, "]\n");
	else
		stance_buf_printf(&out, "%zu position statement%s in %s@%.7s\n", list.count,
			list.count == 1 ? "" : "s", rev.id, rev.commit);
	if (rc == CLI_OK) {
		cli_pager_start(ctx);
		fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
	}
	stance_buf_dispose(&out);
	stance_position_list_free(&list);
	stance_document_free(doc);
	stance_revision_clear(&rev);
	return rc;
}

/* The commit's date as RFC 3339, with seconds and zone. */
static const char *event_name(stance_position_change_kind kind)
{
	return kind == STANCE_POSITION_ADDED ? "appeared" : kind == STANCE_POSITION_REWORDED ? "reworded" : "removed";
}

/* The callouts of a rewording as JSON: [{"kind": "amount", "old": "50", "new": "80 millioner"}]. */
static json_t *callouts_json(const char *old_text, const char *new_text)
{
	stance_position_callout_list cl;
	json_t *a = json_array();
	size_t i;
	if (!a || !old_text || !new_text || stance_position_callouts(&cl, old_text, new_text) < 0)
		return a;
	for (i = 0; i < cl.count; i++) {
		const stance_position_callout *c = &cl.items[i];
		json_t *o = c->old_value ?
			json_pack("{s:s, s:o, s:o}", "kind", stance_position_callout_key(c->kind),
				"old", cli_json_str(c->old_value), "new", cli_json_str(c->new_value)) :
			json_pack("{s:s}", "kind", stance_position_callout_key(c->kind));
		json_array_append_new(a, o);
	}
	stance_position_callout_list_free(&cl);
	return a;
}

/* One event as JSON: date, commit, kind, old_text, new_text, section (and a
 * rewording's similarity and callouts). */
static json_t *event_json(const stance_revision *r, stance_position_change_kind kind, const char *old_text,
	const char *new_text, const char *section, double similarity)
{
	json_t *o = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "date", cli_json_time(r->time, r->tz_minutes),
		"commit", r->commit, "kind", event_name(kind),
		"old_text", old_text ? cli_json_str(old_text) : json_null(),
		"new_text", new_text ? cli_json_str(new_text) : json_null(), "section", cli_json_str(section));
	if (o && kind == STANCE_POSITION_REWORDED) {
		json_object_set_new(o, "similarity", json_real((double)(int)(similarity * 100 + 0.5) / 100));
		json_object_set_new(o, "callouts", callouts_json(old_text, new_text));
	}
	return o;
}

/* One event as text: "  2021-01-01 1a2b3c4 reworded (amount changed: 50 → 80): KL [-skal-]{+bør+} …" */
static void event_text(stance_buf *out, cli_context *ctx, const stance_revision *r,
	stance_position_change_kind kind, const char *old_text, const char *new_text, const char *indent)
{
	const char *marks[4] = { "[-", "-]", "{+", "+}" };
	stance_buf date = STANCE_BUF_INIT, why = STANCE_BUF_INIT;
	if (*cli_color(ctx, "\033[31m")) {
		marks[0] = "\033[31m[-";
		marks[1] = "-]\033[0m";
		marks[2] = "\033[32m{+";
		marks[3] = "+}\033[0m";
	}
	date_of(&date, r);
	stance_buf_printf(out, "%s%s %.7s %s", indent, stance_buf_cstr(&date), r->commit, event_name(kind));
	if (kind == STANCE_POSITION_REWORDED) {
		stance_position_callouts_describe(&why, old_text, new_text);
		if (why.size)
			stance_buf_printf(out, " (%s)", why.ptr);
		stance_buf_puts(out, ": ");
		stance_position_redline(out, old_text, new_text, marks);
	} else if (kind == STANCE_POSITION_ADDED) {
		stance_buf_printf(out, ": %s", new_text);
	} else {
		stance_buf_printf(out, ": %s%s%s", marks[0], old_text, marks[1]);
	}
	stance_buf_puts(out, "\n");
	stance_buf_dispose(&date);
	stance_buf_dispose(&why);
}

static int statements_of(stance_position_list *out, stance_repo *repo, const stance_document *doc,
	stance_positions *markers)
{
	const char *body = stance_document_body(doc);
	return stance_positions_extract(out, markers, doc_language(doc, repo), body, strlen(body));
}

/* `positions DOC --history`: each position's life, oldest revision first. */
static int history(cli_context *ctx, stance_repo *repo, const char *spec, int json,
	stance_positions *markers)
{
	stance_revision rev;
	stance_revision_list revs = { 0 };
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_position_tracker *tr = NULL;
	stance_revcache *cache = NULL;
	size_t i, k, first, steps = 0;
	int error, rc = CLI_OK;
	stance_buf out = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
	json_t *list = NULL;

	memset(&rev, 0, sizeof(rev));
	if ((error = stance_history_resolve(&rev, NULL, repo, spec)) < 0)
		return cli_fail(error);
	hopts.id = rev.id;
	if ((error = stance_history_list(&revs, repo, &hopts)) < 0 ||
	    (error = stance_position_tracker_new(&tr)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	/* the revisions are newest first: step from the oldest up to the one asked for */
	for (first = 0; first < revs.count && strcmp(revs.items[first].commit, rev.commit); first++)
		;
	if (first == revs.count)
		first = 0;
	/* each revision's statements are read once, then kept per blob
	 * (.git/stance-cache/positions/) */
	if ((error = markers_path(&path, repo)) < 0 || (error = stance_revcache_open(&cache, repo, path.ptr)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	for (k = revs.count; k-- > first;) {
		const stance_revision *r = &revs.items[k];
		stance_position_list cur = { 0 };
		if (!r->removed && (error = stance_revcache_positions(&cur, cache, markers, rev.id, r->blob)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		error = stance_position_tracker_step(tr, &cur, k);
		stance_position_list_free(&cur);
		if (error < 0) {
			rc = cli_fail(error);
			goto done;
		}
		steps++;
	}
	if (json && !(list = json_array())) {
		rc = cli_error("out of memory");
		goto done;
	}
	for (i = 0; i < stance_position_tracker_count(tr); i++) {
		const stance_position_life *l = stance_position_tracker_life(tr, i);
		const stance_position_event *last = &l->events[l->count - 1];
		const char *text = last->new_text ? last->new_text : last->old_text;
		size_t reworded = 0, e;
		for (e = 0; e < l->count; e++)
			reworded += l->events[e].kind == STANCE_POSITION_REWORDED;
		if (json) {
			json_t *events = json_array(), *o;
			for (e = 0; e < l->count; e++) {
				const stance_position_event *ev = &l->events[e];
				json_array_append_new(events, event_json(&revs.items[ev->revision], ev->kind, ev->old_text,
					ev->new_text, ev->section, ev->similarity));
			}
			o = json_pack("{s:o, s:o, s:b, s:I, s:o}", "text", cli_json_str(text),
				"section", cli_json_str(last->section), "current", l->current,
				"reworded", (json_int_t)reworded, "events", events);
			if (!o || json_array_append_new(list, o) < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
		} else {
			stance_buf_printf(&out, "%s%s%s", cli_color(ctx, l->current ? "\033[1m" : "\033[2m"), text,
				cli_color(ctx, "\033[0m"));
			if (!l->current)
				stance_buf_puts(&out, " (removed)");
			if (reworded)
				stance_buf_printf(&out, " (reworded %zu time%s)", reworded, reworded == 1 ? "" : "s");
			stance_buf_puts(&out, "\n");
			for (e = 0; e < l->count; e++) {
				const stance_position_event *ev = &l->events[e];
				event_text(&out, ctx, &revs.items[ev->revision], ev->kind, ev->old_text, ev->new_text, "  ");
			}
		}
	}
	if (json) {
		if (cli_json_append(&out, list, CLI_JSON_SPACED | JSON_REAL_PRECISION(4)) < 0 || stance_buf_puts(&out, "\n") < 0) {
			list = NULL;
			rc = cli_error("out of memory");
			goto done;
		}
		list = NULL;
	} else {
		stance_buf_printf(&out, "%zu position%s in %zu revision%s of %s\n", stance_position_tracker_count(tr),
			stance_position_tracker_count(tr) == 1 ? "" : "s", steps, steps == 1 ? "" : "s", rev.id);
	}
	cli_pager_start(ctx);
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
done:
	stance_revcache_close(cache);
	stance_buf_dispose(&path);
	json_decref(list);
	stance_position_tracker_free(tr);
	stance_revision_list_free(&revs);
	stance_revision_clear(&rev);
	stance_buf_dispose(&out);
	return rc;
}

/* ---- positions --compare A B ---- */

static json_t *statement_json(const stance_position *p)
{
	return json_pack("{s:o, s:o}", "text", cli_json_str(p->text), "section", cli_json_str(p->section));
}

static int compare(cli_context *ctx, stance_repo *repo, const char *spec_a, const char *spec_b, int json,
	stance_positions *markers)
{
	stance_revision ra, rb;
	stance_document *da = NULL, *db = NULL;
	stance_position_list la = { 0 }, lb = { 0 };
	stance_positions_pairing_list pl = { 0 };
	stance_buf out = STANCE_BUF_INIT, name_a = STANCE_BUF_INIT, name_b = STANCE_BUF_INIT;
	static const char *const heads[] = { "both hold", "only in", "only in", "contradicted" };
	static const char *const keys[] = { "shared", "only_a", "only_b", "contradicted" };
	size_t i, count[4] = { 0 };
	int error, rc = CLI_OK, rel;
	json_t *root = NULL;

	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	if ((error = stance_history_resolve(&ra, &da, repo, spec_a)) < 0 ||
	    (error = stance_history_resolve(&rb, &db, repo, spec_b)) < 0 ||
	    (error = statements_of(&la, repo, da, markers)) < 0 ||
	    (error = statements_of(&lb, repo, db, markers)) < 0 ||
	    (error = stance_positions_contrast(&pl, &la, &lb)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	stance_buf_printf(&name_a, "%s@%.7s", ra.id, ra.commit);
	stance_buf_printf(&name_b, "%s@%.7s", rb.id, rb.commit);
	for (i = 0; i < pl.count; i++)
		count[pl.items[i].relation]++;
	if (json) {
		root = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:[], s:[], s:[], s:[]}",
			"a", "id", ra.id, "commit", ra.commit, "b", "id", rb.id, "commit", rb.commit,
			"shared", "contradicted", "only_a", "only_b");
		if (!root) {
			rc = cli_error("out of memory");
			goto done;
		}
		for (i = 0; i < pl.count; i++) {
			const stance_positions_pairing *x = &pl.items[i];
			json_t *o = json_object();
			if (x->a_index >= 0)
				json_object_set_new(o, "a", statement_json(&la.items[x->a_index]));
			if (x->b_index >= 0)
				json_object_set_new(o, "b", statement_json(&lb.items[x->b_index]));
			if (x->a_index >= 0 && x->b_index >= 0)
				json_object_set_new(o, "similarity", json_real((double)(int)(x->similarity * 100 + 0.5) / 100));
			json_array_append_new(json_object_get(root, keys[x->relation]), o);
		}
		if (cli_json_append(&out, root, CLI_JSON_SPACED | JSON_REAL_PRECISION(4)) < 0 || stance_buf_puts(&out, "\n") < 0) {
			root = NULL;
			rc = cli_error("out of memory");
			goto done;
		}
		root = NULL;
	} else {
		static const int order[] = { STANCE_POSITIONS_SHARED, STANCE_POSITIONS_CONTRADICTED,
			STANCE_POSITIONS_ONLY_A, STANCE_POSITIONS_ONLY_B };
		size_t o;
		for (o = 0; o < 4; o++) {
			rel = order[o];
			if (!count[rel])
				continue;
			stance_buf_printf(&out, "%s%s%s%s%s (%zu):\n", cli_color(ctx, "\033[1m"), heads[rel],
				rel == STANCE_POSITIONS_ONLY_A || rel == STANCE_POSITIONS_ONLY_B ? " " : "",
				rel == STANCE_POSITIONS_ONLY_A ? name_a.ptr : rel == STANCE_POSITIONS_ONLY_B ? name_b.ptr : "",
				cli_color(ctx, "\033[0m"), count[rel]);
			for (i = 0; i < pl.count; i++) {
				const stance_positions_pairing *x = &pl.items[i];
				if ((int)x->relation != rel)
					continue;
				if (x->a_index >= 0 && x->b_index >= 0 &&
				    !strcmp(la.items[x->a_index].text, lb.items[x->b_index].text)) {
					stance_buf_printf(&out, "  = %s\n", la.items[x->a_index].text);
					continue;
				}
				if (x->a_index >= 0)
					stance_buf_printf(&out, "  %s: %s\n", name_a.ptr, la.items[x->a_index].text);
				if (x->b_index >= 0)
					stance_buf_printf(&out, "  %s: %s\n", name_b.ptr, lb.items[x->b_index].text);
			}
		}
		stance_buf_printf(&out, "%zu held by both, %zu contradicted, %zu only in %s, %zu only in %s\n",
			count[STANCE_POSITIONS_SHARED], count[STANCE_POSITIONS_CONTRADICTED],
			count[STANCE_POSITIONS_ONLY_A], name_a.ptr, count[STANCE_POSITIONS_ONLY_B], name_b.ptr);
	}
	cli_pager_start(ctx);
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
done:
	json_decref(root);
	stance_positions_pairing_list_free(&pl);
	stance_position_list_free(&la);
	stance_position_list_free(&lb);
	stance_document_free(da);
	stance_document_free(db);
	stance_revision_clear(&ra);
	stance_revision_clear(&rb);
	stance_buf_dispose(&out);
	stance_buf_dispose(&name_a);
	stance_buf_dispose(&name_b);
	return rc;
}

/* ---- positions --all ---- */

/* The body and fields of one stored version (a blob), kept from the
 * revision that read it as its new side for the older revision that reads
 * it as its old side. */
typedef struct {
	char blob[41];
	char *body;
	size_t body_len;
	char *organization, *kind, *title, *language;
	char *front;             /* the front matter's bytes, to know a version with the same */
	size_t front_len;
	int language_given;      /* the front matter names the language */
} version;

typedef struct {
	version *v;
	size_t cap, count;
} version_cache;

/* One event of --all: which revision, which statement change. */
typedef struct {
	size_t rev;              /* index in the revision list */
	stance_position_change_kind kind;
	char *old_text, *new_text, *section;
	double similarity;
} all_event;

typedef struct {
	char *id, *organization, *title;
	all_event *events;
	size_t count, alloc;
	size_t newest;           /* the smallest revision index: the newest */
} all_document;

typedef struct {
	stance_date since, until;
	int has_since, has_until;
	const char *organization, *kind;
} all_filter;

static void version_clear(version *v)
{
	free(v->body);
	free(v->language);
	free(v->organization);
	free(v->kind);
	free(v->title);
	free(v->front);
	memset(v, 0, sizeof(*v));
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static version *cache_slot(version_cache *c, const char *blob, int *found)
{
	size_t h = hash_str(blob) & (c->cap - 1);
	while (c->v[h].blob[0]) {
		if (!strcmp(c->v[h].blob, blob)) {
			*found = 1;
			return &c->v[h];
		}
		h = (h + 1) & (c->cap - 1);
	}
	*found = 0;
	return &c->v[h];
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The fields of a version whose front matter is byte for byte that of
 * `like` (most revisions change the body only): taken from `like` instead of
 * parsing the front matter again; 1 when taken. */
static int fields_like(version *v, const version *like, stance_repo *repo, const char *front, size_t len)
{
	const char *l;
	if (!like || like == v || !like->front || like->front_len != len || memcmp(like->front, front, len))
		return 0;
	l = like->language_given ? like->language : stance_positions_detect_language(v->body, v->body_len);
	v->language_given = like->language_given;
	v->language = strdup(l ? l : stance_repo_language(repo));
	v->organization = dup_or_null(like->organization);
	v->kind = dup_or_null(like->kind);
	v->title = dup_or_null(like->title);
	return 1;
}

/* Reads (or finds) the version `blob` of a document; `like`, when not NULL,
 * another version of it already read. */
static int read_version(version **out, version_cache *c, stance_repo *repo, const char *id, const char *blob,
	const version *like)
{
	stance_buf raw = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	version *v;
	int found, error;
	size_t off;
	const char *f;
	v = cache_slot(c, blob, &found);
	if (found) {
		*out = v;
		return 0;
	}
	if (c->count * 2 >= c->cap) {
		/* full enough: forget every version already read twice */
		size_t i;
		for (i = 0; i < c->cap; i++)
			version_clear(&c->v[i]);
		c->count = 0;
		v = cache_slot(c, blob, &found);
	}
	/* A stored body is canonical already: only the front matter is parsed
	 * (bringing 10,000 bodies to canonical form again would be most of the
	 * time), and not even that when it is the one of the version beside;
	 * the statements are read from the body as stored. */
	if ((error = stance_history_read_blob(&raw, repo, blob)) < 0) {
		stance_buf_dispose(&raw);
		return error;
	}
	off = stance_document_body_offset(raw.ptr ? raw.ptr : "", raw.size);
	memcpy(v->blob, blob, 41);
	v->body_len = raw.size - off;
	v->front_len = off;
	if (!(v->body = malloc(v->body_len + 1)) || !(v->front = malloc(off + 1))) {
		stance_buf_dispose(&raw);
		return cli_error("out of memory");
	}
	memcpy(v->body, raw.ptr + off, v->body_len);
	v->body[v->body_len] = '\0';
	memcpy(v->front, raw.ptr ? raw.ptr : "", off);
	v->front[off] = '\0';
	c->count++;
	if (fields_like(v, like, repo, v->front, off)) {
		stance_buf_dispose(&raw);
		*out = v;
		return v->language ? 0 : cli_error("out of memory");
	}
	if ((error = stance_document_parse(&doc, raw.ptr ? raw.ptr : "", off, id)) < 0) {
		stance_buf_dispose(&raw);
		return error;
	}
	v->language_given = stance_document_get(doc, "language") != NULL;
	if (!(v->language = strdup(doc_language(doc, repo)))) {
		stance_buf_dispose(&raw);
		stance_document_free(doc);
		return cli_error("out of memory");
	}
	if ((f = stance_document_get(doc, "organization")))
		v->organization = strdup(f);
	if ((f = stance_document_get(doc, "kind")))
		v->kind = strdup(f);
	if ((f = stance_document_get(doc, "title")))
		v->title = strdup(f);
	stance_buf_dispose(&raw);
	stance_document_free(doc);
	*out = v;
	return 0;
}

/* Unicode case-insensitive equality (utf8proc's case folding). */
static int same_folded(const char *a, const char *b)
{
	utf8proc_uint8_t *fa = NULL, *fb = NULL;
	int same;
	if (!a || !b)
		return 0;
	if (utf8proc_map((const utf8proc_uint8_t *)a, 0, &fa, UTF8PROC_NULLTERM | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE) < 0 ||
	    utf8proc_map((const utf8proc_uint8_t *)b, 0, &fb, UTF8PROC_NULLTERM | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE) < 0)
		same = !strcasecmp(a, b);
	else
		same = !strcmp((const char *)fa, (const char *)fb);
	free(fa);
	free(fb);
	return same;
}

static int push_event_texts(all_document *d, size_t rev, stance_position_change_kind kind,
	const char *old_text, const char *new_text, const char *section, double sim)
{
	all_event *e;
	if (stance_array_grow(&d->events, &d->alloc, d->count + 1, sizeof(*d->events)) < 0)
		return -1;
	e = &d->events[d->count++];
	e->rev = rev;
	e->kind = kind;
	e->similarity = sim;
	e->old_text = old_text ? strdup(old_text) : NULL;
	e->new_text = new_text ? strdup(new_text) : NULL;
	e->section = strdup(section);
	if (rev < d->newest)
		d->newest = rev;
	return 0;
}

static int push_all_event(all_document *d, size_t rev, stance_position_change_kind kind,
	const stance_position *o, const stance_position *n, double sim)
{
	return push_event_texts(d, rev, kind, o ? o->text : NULL, n ? n->text : NULL, n ? n->section : o->section, sim);
}

/* The changes of one revision read from the positions cache. */
static int push_cached_events(all_document *d, size_t rev, const json_t *hit, size_t *nevents)
{
	size_t c, n = positions_cache_count(hit);
	for (c = 0; c < n; c++) {
		stance_position_change_kind kind;
		const char *o, *nt, *section;
		double sim;
		positions_cache_change(hit, c, &kind, &o, &nt, &section, &sim);
		if (push_event_texts(d, rev, kind, o, nt, section, sim) < 0)
			return -1;
		(*nevents)++;
	}
	return 0;
}

static int cmp_org_doc(const void *x, const void *y)
{
	const all_document *a = x, *b = y;
	int c = strcmp(a->organization, b->organization);
	if (c)
		return c;
	return (a->newest > b->newest) - (a->newest < b->newest);
}

static int all_positions(cli_context *ctx, stance_repo *repo, const all_filter *flt, int json,
	stance_positions *markers)
{
	stance_history_options hopts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list revs = { 0 };
	version_cache cache = { 0 };
	all_document *docs = NULL;
	size_t ndocs = 0, docs_alloc = 0, i, k, nevents = 0;
	size_t *doc_of_id = NULL, id_cap = 0;
	int error, rc = CLI_OK;
	stance_buf out = STANCE_BUF_INIT, markers_path = STANCE_BUF_INIT;
	json_t *root = NULL;
	positions_cache *pcache = NULL;

	if (flt->has_since)
		hopts.since = stance_date_start(&flt->since);
	if (flt->has_until)
		hopts.until = stance_date_end(&flt->until);
	if ((error = stance_history_list(&revs, repo, &hopts)) < 0)
		return cli_fail(error);
	/* the changes of revisions an earlier --all computed (NULL: none kept) */
	if (stance_buf_printf(&markers_path, "%s.stance/positions", stance_repo_workdir(repo)) == 0)
		pcache = positions_cache_load(repo, markers_path.ptr);
	stance_buf_dispose(&markers_path);
	for (cache.cap = 64; cache.cap < 4 * revs.count + 64; cache.cap *= 2)
		;
	for (id_cap = 64; id_cap < 2 * revs.count + 64; id_cap *= 2)
		;
	if (!(cache.v = calloc(cache.cap, sizeof(*cache.v))) || !(doc_of_id = malloc(id_cap * sizeof(size_t)))) {
		rc = cli_error("out of memory");
		goto done;
	}
	memset(doc_of_id, 0xff, id_cap * sizeof(size_t));
	/* newest first: a revision's old side is the next older revision's new side */
	for (k = 0; k < revs.count; k++) {
		const stance_revision *r = &revs.items[k];
		stance_position_list old_list = { 0 }, new_list = { 0 };
		stance_position_change_list ch = { 0 };
		version *nv = NULL, *ov = NULL;
		const char *org, *kind, *title;
		all_document *d;
		size_t h, c;
		const char *new_blob = r->blob[0] && !r->removed ? r->blob : "";
		const json_t *hit;
		if (r->reextract)
			continue;
		if ((hit = positions_cache_find(pcache, r->id, r->prev_blob, new_blob))) {
			org = positions_cache_organization(hit);
			kind = positions_cache_kind(hit);
			title = positions_cache_title(hit);
			if ((flt->organization && !same_folded(org, flt->organization)) ||
			    (flt->kind && !same_folded(kind, flt->kind)) || !positions_cache_count(hit))
				continue;
			goto document;
		}
		if (r->blob[0] && !r->removed && (error = read_version(&nv, &cache, repo, r->id, r->blob, NULL)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		if (r->prev_blob[0] && (error = read_version(&ov, &cache, repo, r->id, r->prev_blob, nv)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		/* read_version may have emptied the cache: read the new side again */
		if (nv && strcmp(nv->blob, r->blob) && (error = read_version(&nv, &cache, repo, r->id, r->blob, NULL)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		org = nv && nv->organization ? nv->organization : ov && ov->organization ? ov->organization : "";
		kind = nv && nv->kind ? nv->kind : ov && ov->kind ? ov->kind : "";
		title = nv && nv->title ? nv->title : ov && ov->title ? ov->title : "";
		if ((flt->organization && !same_folded(org, flt->organization)) ||
		    (flt->kind && !same_folded(kind, flt->kind)))
			continue;
		/* the language of the new version (the old one's when removed) */
		if ((error = stance_positions_between(&ch, &old_list, &new_list, markers,
			nv ? nv->language : ov ? ov->language : NULL, ov ? ov->body : NULL, ov ? ov->body_len : 0,
			nv ? nv->body : NULL, nv ? nv->body_len : 0)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		positions_cache_add(pcache, r->id, r->prev_blob, new_blob, org, kind, title, &ch, &old_list, &new_list);
		if (!ch.count) {
			stance_position_change_list_free(&ch);
			stance_position_list_free(&old_list);
			stance_position_list_free(&new_list);
			continue;
		}
	document:
		/* the document's entry, found by its id */
		for (h = hash_str(r->id) & (id_cap - 1); doc_of_id[h] != (size_t)-1 &&
		     strcmp(docs[doc_of_id[h]].id, r->id); h = (h + 1) & (id_cap - 1))
			;
		if (doc_of_id[h] == (size_t)-1) {
			if (stance_array_grow(&docs, &docs_alloc, ndocs + 1, sizeof(*docs)) < 0) {
				stance_position_change_list_free(&ch);
			stance_position_list_free(&old_list);
			stance_position_list_free(&new_list);
				rc = cli_fail(STANCE_ERROR);
				goto done;
			}
			memset(&docs[ndocs], 0, sizeof(*docs));
			docs[ndocs].id = strdup(r->id);
			docs[ndocs].organization = strdup(org);
			docs[ndocs].title = strdup(title);
			docs[ndocs].newest = k;
			doc_of_id[h] = ndocs++;
		}
		d = &docs[doc_of_id[h]];
		if (hit) {
			if (push_cached_events(d, k, hit, &nevents) < 0) {
				rc = cli_fail(STANCE_ERROR);
				goto done;
			}
			continue;
		}
		for (c = 0; c < ch.count; c++) {
			const stance_position_change *x = &ch.items[c];
			if (push_all_event(d, k, x->kind, x->old_index >= 0 ? &old_list.items[x->old_index] : NULL,
				x->new_index >= 0 ? &new_list.items[x->new_index] : NULL, x->similarity) < 0) {
				stance_position_change_list_free(&ch);
			stance_position_list_free(&old_list);
			stance_position_list_free(&new_list);
				rc = cli_fail(STANCE_ERROR);
				goto done;
			}
			nevents++;
		}
		stance_position_change_list_free(&ch);
			stance_position_list_free(&old_list);
			stance_position_list_free(&new_list);
	}
	/* by organization, each organization's documents newest first; the
	 * organizations in order of their newest event */
	if (ndocs)
		qsort(docs, ndocs, sizeof(*docs), cmp_org_doc);
	{
		/* organizations ordered by their newest document's event */
		size_t *starts = malloc((ndocs + 1) * sizeof(size_t)), norg = 0, o, a;
		if (!starts) {
			rc = cli_error("out of memory");
			goto done;
		}
		for (i = 0; i < ndocs; i++)
			if (!i || strcmp(docs[i].organization, docs[i - 1].organization))
				starts[norg++] = i;
		starts[norg] = ndocs;
		/* selection by newest (organizations are few next to events) */
		if (json && !(root = json_array())) {
			free(starts);
			rc = cli_error("out of memory");
			goto done;
		}
		{
			uint8_t *shown = calloc(norg + 1, 1);
			if (!shown) {
				free(starts);
				rc = cli_error("out of memory");
				goto done;
			}
			for (a = 0; a < norg; a++) {
				size_t best = 0, b, end;
				json_t *jdocs = NULL;
				int have = 0;
				for (o = 0; o < norg; o++)
					if (!shown[o] && (!have || docs[starts[o]].newest < docs[starts[best]].newest))
						best = o, have = 1;
				shown[best] = 1;
				end = starts[best + 1];
				if (json) {
					jdocs = json_array();
					json_array_append_new(root, json_pack("{s:o, s:o}", "organization",
						cli_json_str(docs[starts[best]].organization), "documents", jdocs));
				} else {
					stance_buf_printf(&out, "%s%s%s\n", cli_color(ctx, "\033[1m"),
						*docs[starts[best]].organization ? docs[starts[best]].organization : "(no organization)",
						cli_color(ctx, "\033[0m"));
				}
				for (b = starts[best]; b < end; b++) {
					all_document *d = &docs[b];
					size_t e;
					if (json) {
						json_t *jev = json_array();
						for (e = 0; e < d->count; e++)
							json_array_append_new(jev, event_json(&revs.items[d->events[e].rev], d->events[e].kind,
								d->events[e].old_text, d->events[e].new_text, d->events[e].section,
								d->events[e].similarity));
						json_array_append_new(jdocs, json_pack("{s:o, s:o, s:o}", "id", cli_json_str(d->id),
							"title", cli_json_str(d->title), "events", jev));
					} else {
						stance_buf_printf(&out, "  %s%s%s%s%s\n", cli_color(ctx, "\033[33m"), d->id,
							cli_color(ctx, "\033[0m"), *d->title ? "  " : "", d->title);
						for (e = 0; e < d->count; e++)
							event_text(&out, ctx, &revs.items[d->events[e].rev], d->events[e].kind,
								d->events[e].old_text, d->events[e].new_text, "    ");
					}
				}
			}
			free(shown);
		}
		free(starts);
	}
	if (json) {
		if (cli_json_append(&out, root, CLI_JSON_SPACED | JSON_REAL_PRECISION(4)) < 0 || stance_buf_puts(&out, "\n") < 0) {
			root = NULL;
			rc = cli_error("out of memory");
			goto done;
		}
		root = NULL;
	} else {
		stance_buf_printf(&out, "%zu position change%s in %zu document%s\n", nevents, nevents == 1 ? "" : "s",
			ndocs, ndocs == 1 ? "" : "s");
	}
	cli_pager_start(ctx);
	fwrite(out.ptr ? out.ptr : "", 1, out.size, ctx->out);
done:
	json_decref(root);
	for (i = 0; i < ndocs; i++) {
		size_t e;
		for (e = 0; e < docs[i].count; e++) {
			free(docs[i].events[e].old_text);
			free(docs[i].events[e].new_text);
			free(docs[i].events[e].section);
		}
		free(docs[i].events);
		free(docs[i].id);
		free(docs[i].organization);
		free(docs[i].title);
	}
	free(docs);
	free(doc_of_id);
	for (i = 0; i < cache.cap && cache.v; i++)
		version_clear(&cache.v[i]);
	free(cache.v);
	stance_revision_list_free(&revs);
	stance_buf_dispose(&out);
	positions_cache_save_free(pcache);
	return rc;
}

static const cli_option positions_options[] = {
	{ 'H', "history", 0, CLI_ARG_NONE, NULL, "each position's life: appeared, reworded (each wording), removed", 0, 0 },
	{ 'c', "compare", 0, CLI_ARG_NONE, NULL, "compare two documents: positions both hold, contradict, or one holds", 0, 0 },
	{ 'a', "all", 0, CLI_ARG_NONE, NULL, "every position appeared, reworded or removed in the collection", 0, 0 },
	CLI_OPTION_SINCE("with --all: changes"),
	CLI_OPTION_UNTIL("with --all: changes"),
	{ 'o', "organization", 0, CLI_ARG_STRING, "ORG", "with --all: only documents of this organization (any case)", 0, 0 },
	{ 'k', "kind", 0, CLI_ARG_STRING, "KIND", "with --all: only documents of this kind (debate, theme, ...)", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_positions(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_positions *markers = NULL;
	cli_opt_parser p;
	all_filter flt;
	int c, hist = 0, cmp = 0, all = 0, json = 0, error, rc;

	memset(&flt, 0, sizeof(flt));
	cli_opt_init(&p, &cmd_positions_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'H': hist = 1; break;
		case 'c': cmp = 1; break;
		case 'a': all = 1; break;
		case 'o': flt.organization = p.value; break;
		case 'k': flt.kind = p.value; break;
		case CLI_OPT_SINCE: flt.since = p.date; flt.has_since = 1; break;
		case CLI_OPT_UNTIL: flt.until = p.date; flt.has_until = 1; break;
		case CLI_OPT_JSON: json = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (hist + cmp + all > 1)
		return cli_usage_error(&cmd_positions_entry, "--history, --compare and --all go one at a time");
	if (!all && (flt.has_since || flt.has_until || flt.organization || flt.kind))
		return cli_usage_error(&cmd_positions_entry, "--since, --until, --organization and --kind go with --all");
	if (all && p.nrest != 0)
		return cli_usage_error(&cmd_positions_entry, "--all takes no document: it reads them all");
	if (cmp && p.nrest != 2)
		return cli_usage_error(&cmd_positions_entry, "--compare takes two documents, e.g. kl/debat df/debat@2021-01-01");
	if (!all && !cmp && p.nrest != 1)
		return cli_usage_error(&cmd_positions_entry, "name one document, e.g. kl/naerhedsreform@2020-12-04");
	if ((error = load_markers(&markers, repo)) < 0)
		return cli_fail(error);
	rc = all ? all_positions(ctx, repo, &flt, json, markers) :
		cmp ? compare(ctx, repo, p.rest[0], p.rest[1], json, markers) :
		hist ? history(ctx, repo, p.rest[0], json, markers) :
		list_positions(ctx, repo, p.rest[0], json, markers);
	stance_positions_free(markers);
	return rc;
}

const cli_command cmd_positions_entry = {
	.name = "positions",
	.usage = "DOC[@REV] [--history] | --compare DOC_A DOC_B | --all [--since D] [--until D] [--organization O] [--kind K]",
	.options = positions_options,
	.summary = "List a document's position statements, follow each through its revisions, compare two documents, or list every change.",
	.needs_repo = 1,
	.run = run_positions,
};
