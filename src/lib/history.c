/*
 * history.c: the revisions of documents, and revision specs such as
 * "kl/x@{2}" or "kl/x@2020-12-04" ("what did it say on that date?").
 */
#include "git_internal.h"

#include <ctype.h>
#include <stdio.h>

void stance_revision_clear(stance_revision *rev)
{
	if (!rev)
		return;
	free(rev->author_name);
	free(rev->author_email);
	free(rev->message);
	free(rev->id);
	memset(rev, 0, sizeof(*rev));
}

void stance_revision_list_free(stance_revision_list *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		stance_revision_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

typedef struct {
	stance_revision_list *list;
	size_t alloc;
} rev_builder;

static int push_revision(rev_builder *b, git_commit *commit, const char *id, const git_oid *blob,
	const git_oid *prev, int removed)
{
	const git_signature *a = git_commit_author(commit);
	stance_revision *r;
	if (b->list->count == b->alloc) {
		size_t alloc = b->alloc ? b->alloc * 2 : 32;
		stance_revision *grown = realloc(b->list->items, alloc * sizeof(*grown));
		if (!grown)
			return stance_error_oom();
		b->list->items = grown;
		b->alloc = alloc;
	}
	r = &b->list->items[b->list->count];
	memset(r, 0, sizeof(*r));
	git_oid_tostr(r->commit, sizeof(r->commit), git_commit_id(commit));
	if (blob)
		git_oid_tostr(r->blob, sizeof(r->blob), blob);
	if (prev)
		git_oid_tostr(r->prev_blob, sizeof(r->prev_blob), prev);
	r->time = (int64_t)a->when.time;
	r->tz_minutes = a->when.offset;
	r->removed = removed;
	r->author_name = stance_strdup(a->name);
	r->author_email = stance_strdup(a->email);
	r->message = stance_strdup(git_commit_message(commit));
	r->id = stance_strdup(id);
	if (!r->author_name || !r->author_email || !r->message || !r->id) {
		stance_revision_clear(r);
		return STANCE_ERROR;
	}
	b->list->count++;
	return 0;
}

/* The blob at `path` in `commit`'s tree: 1 found, 0 absent. */
static int entry_in(git_oid *out, git_commit *commit, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int found = 0;
	if (git_commit_tree(&tree, commit) == 0 && git_tree_entry_bypath(&entry, tree, path) == 0) {
		git_oid_cpy(out, git_tree_entry_id(entry));
		found = 1;
	}
	git_error_clear();
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return found;
}

/* One document: a commit is a revision when the file differs from every parent. */
static int revisions_of(rev_builder *b, git_commit *commit, const char *id, const char *path)
{
	git_oid here, there;
	int has = entry_in(&here, commit, path);
	unsigned int i, n = git_commit_parentcount(commit);
	int same_as_some_parent = 0, some_parent_had = 0, first_had = 0;
	git_oid first;

	for (i = 0; i < n; i++) {
		git_commit *parent = NULL;
		int had;
		if (git_commit_parent(&parent, commit, i) < 0)
			return stance_git_error(-1, "cannot read a parent of %s", git_oid_tostr_s(git_commit_id(commit)));
		had = entry_in(&there, parent, path);
		git_commit_free(parent);
		some_parent_had |= had;
		if (i == 0 && had) {
			first_had = 1;
			git_oid_cpy(&first, &there);
		}
		if (had == has && (!has || git_oid_equal(&here, &there))) {
			same_as_some_parent = 1;
			break;
		}
	}
	if (same_as_some_parent || (!has && !some_parent_had))
		return 0;
	return push_revision(b, commit, id, has ? &here : NULL, first_had ? &first : NULL, !has);
}

static int path_to_id(stance_buf *out, const char *path)
{
	size_t n = strlen(path);
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (n < 4 || strcmp(path + n - 3, ".md") || path[0] == '.' || strstr(path, "/."))
		return 0;
	if (name == path && (!strcmp(name, "README.md") || !strcmp(name, "CHANGELOG.md")))
		return 0;
	stance_buf_clear(out);
	stance_buf_put(out, path, n - 3);
	if (stance_id_validate(out->ptr) < 0) {
		stance_error_clear();
		return 0;
	}
	return 1;
}

/* Every document: the files a commit changed against its first parent that
 * it also changed against every other parent (so merges list only what the
 * merge itself decided). */
static int revisions_all(rev_builder *b, git_repository *git, git_commit *commit)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	stance_buf id = STANCE_BUF_INIT;
	size_t i, nd;
	int error;

	if ((error = git_commit_tree(&tree, commit)) < 0)
		goto done;
	if (git_commit_parentcount(commit) > 0) {
		if ((error = git_commit_parent(&parent, commit, 0)) < 0 ||
		    (error = git_commit_tree(&ptree, parent)) < 0)
			goto done;
	}
	if ((error = git_diff_tree_to_tree(&diff, git, ptree, tree, NULL)) < 0)
		goto done;
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		int removed = d->status == GIT_DELTA_DELETED;
		const char *path = removed ? d->old_file.path : d->new_file.path;
		unsigned int p, np = git_commit_parentcount(commit);
		int merged_in = 0;
		if (!path_to_id(&id, path))
			continue;
		for (p = 1; p < np && !merged_in; p++) {
			git_commit *other = NULL;
			git_oid there;
			int had;
			if (git_commit_parent(&other, commit, p) < 0)
				continue;
			had = entry_in(&there, other, path);
			merged_in = removed ? !had : (had && git_oid_equal(&there, &d->new_file.id));
			git_commit_free(other);
		}
		if (merged_in)
			continue;
		if ((error = push_revision(b, commit, id.ptr, removed ? NULL : &d->new_file.id,
			d->status == GIT_DELTA_ADDED ? NULL : &d->old_file.id, removed)) < 0)
			goto done;
	}
done:
	if (error < 0 && !*stance_error_last())
		error = stance_git_error(error, "cannot read commit %s", git_oid_tostr_s(git_commit_id(commit)));
	stance_buf_dispose(&id);
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	return error;
}

static int cmp_newest_first(const void *a, const void *b)
{
	const stance_revision *x = a, *y = b;
	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return 0;
}

int stance_history_list(stance_revision_list *out, stance_repo *repo, const stance_history_options *opts)
{
	stance_history_options defaults = STANCE_HISTORY_OPTIONS_INIT;
	git_repository *git = stance_repo_git(repo);
	git_revwalk *walk = NULL;
	stance_buf path = STANCE_BUF_INIT;
	rev_builder b = { out, 0 };
	git_oid oid;
	size_t i, kept;
	int error;

	memset(out, 0, sizeof(*out));
	stance_error_clear();
	if (!opts)
		opts = &defaults;
	if (opts->id && ((error = stance_id_validate(opts->id)) < 0 ||
	    (error = stance_buf_printf(&path, "%s.md", opts->id)) < 0))
		goto done;
	if ((error = git_revwalk_new(&walk, git)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_TIME)) < 0 ||
	    (error = git_revwalk_push_head(walk)) < 0) {
		error = stance_git_error(error, "%s: cannot walk the history", stance_repo_workdir(repo));
		goto done;
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL;
		if ((error = git_commit_lookup(&commit, git, &oid)) < 0) {
			error = stance_git_error(error, "cannot read commit %s", git_oid_tostr_s(&oid));
			goto done;
		}
		error = opts->id ? revisions_of(&b, commit, opts->id, path.ptr) : revisions_all(&b, git, commit);
		git_commit_free(commit);
		if (error < 0)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		error = stance_git_error(error, "%s: cannot walk the history", stance_repo_workdir(repo));
		goto done;
	}
	error = 0;
	/* Newest first by the time each version was observed, which for imported
	 * history can differ from the order the commits were made in. */
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), cmp_newest_first);
	for (i = 0, kept = 0; i < out->count; i++) {
		stance_revision *r = &out->items[i];
		int keep = (!opts->since || r->time >= opts->since) && (!opts->until || r->time < opts->until) &&
			(!opts->max_count || kept < opts->max_count);
		if (keep)
			out->items[kept++] = *r;
		else
			stance_revision_clear(r);
	}
	out->count = kept;
done:
	if (error < 0)
		stance_revision_list_free(out);
	git_revwalk_free(walk);
	stance_buf_dispose(&path);
	return error;
}

int stance_history_read_raw(stance_buf *out, stance_repo *repo, const char *id, const char *commit)
{
	git_repository *git = stance_repo_git(repo);
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_oid blob_id;
	git_blob *blob = NULL;
	stance_buf path = STANCE_BUF_INIT;
	int error;

	if ((error = stance_id_validate(id)) < 0 || (error = stance_buf_printf(&path, "%s.md", id)) < 0)
		goto done;
	if ((error = git_revparse_single(&obj, git, commit)) < 0 ||
	    (error = git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT)) < 0) {
		error = stance_error_set(STANCE_ENOTFOUND, "'%s' is not a revision in this repository", commit);
		goto done;
	}
	if (!entry_in(&blob_id, c, path.ptr)) {
		error = stance_error_set(STANCE_ENOTFOUND, "document '%s' does not exist at %.12s", id,
			git_oid_tostr_s(git_commit_id(c)));
		goto done;
	}
	if ((error = git_blob_lookup(&blob, git, &blob_id)) < 0) {
		error = stance_git_error(error, "cannot read '%s'", id);
		goto done;
	}
	error = stance_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_commit_free(c);
	git_object_free(obj);
	stance_buf_dispose(&path);
	return error;
}

int stance_history_read(stance_document **out, stance_repo *repo, const char *id, const char *commit)
{
	stance_buf raw = STANCE_BUF_INIT, origin = STANCE_BUF_INIT;
	int error;
	if ((error = stance_history_read_raw(&raw, repo, id, commit)) < 0)
		goto done;
	stance_buf_printf(&origin, "%s@%.12s", id, commit);
	error = stance_document_parse(out, stance_buf_cstr(&raw), raw.size, origin.ptr);
done:
	stance_buf_dispose(&raw);
	stance_buf_dispose(&origin);
	return error;
}

static int copy_revision(stance_revision *dst, const stance_revision *src)
{
	*dst = *src;
	dst->author_name = stance_strdup(src->author_name);
	dst->author_email = stance_strdup(src->author_email);
	dst->message = stance_strdup(src->message);
	dst->id = stance_strdup(src->id);
	if (!dst->author_name || !dst->author_email || !dst->message || !dst->id) {
		stance_revision_clear(dst);
		return STANCE_ERROR;
	}
	return 0;
}

/* "{N}" → N; -1 when `rev` is not of that form. */
static long nth_form(const char *rev)
{
	size_t n = strlen(rev);
	char digits[32];
	long v;
	if (n < 3 || rev[0] != '{' || rev[n - 1] != '}' || n - 2 >= sizeof(digits))
		return -1;
	memcpy(digits, rev + 1, n - 2);
	digits[n - 2] = '\0';
	if (stance_parse_int(&v, digits, 0, 1L << 30) < 0)
		return -2;
	return v;
}

static int looks_like_date(const char *rev)
{
	return isdigit((unsigned char)rev[0]) && isdigit((unsigned char)rev[1]) &&
		isdigit((unsigned char)rev[2]) && isdigit((unsigned char)rev[3]) &&
		(rev[4] == '\0' || rev[4] == '-');
}

int stance_history_resolve(stance_revision *rev, stance_document **doc, stance_repo *repo, const char *spec)
{
	stance_history_options opts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf docpart = STANCE_BUF_INIT, id = STANCE_BUF_INIT;
	const char *at = strrchr(spec, '@'), *revpart = at ? at + 1 : NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	int error;
	size_t i;

	memset(rev, 0, sizeof(*rev));
	if (doc)
		*doc = NULL;
	if ((error = stance_buf_put(&docpart, spec, at ? (size_t)(at - spec) : strlen(spec))) < 0)
		goto done;
	if (revpart && !*revpart) {
		error = stance_error_set(STANCE_EINVALID, "'%s': nothing after '@' (give a commit, {N} or a date)", spec);
		goto done;
	}
	if ((error = stance_store_resolve_id(&id, repo, stance_buf_cstr(&docpart))) < 0)
		goto done;
	opts.id = id.ptr;

	if (!revpart || nth_form(revpart) >= 0 || looks_like_date(revpart)) {
		long nth = revpart ? nth_form(revpart) : 0;
		stance_date date;
		int64_t end = 0;
		if (revpart && nth < 0) {
			if ((error = stance_date_parse(&date, revpart)) < 0) {
				error = stance_error_prefix(error, "%s: ", spec);
				goto done;
			}
			end = stance_date_end(&date);
			nth = 0;
		}
		if ((error = stance_history_list(&list, repo, &opts)) < 0)
			goto done;
		for (i = 0; i < list.count; i++) {
			if (end && list.items[i].time >= end)
				continue;
			if (nth-- == 0)
				break;
		}
		if (i >= list.count) {
			if (end) {
				stance_buf first = STANCE_BUF_INIT;
				if (list.count) {
					stance_date d;
					stance_date_from_time(&d, list.items[list.count - 1].time, 0);
					d.precision = STANCE_DATE_DAY;
					stance_buf_puts(&first, "; its first revision is from ");
					stance_date_format(&first, &d);
				}
				error = stance_error_set(STANCE_ENOTFOUND, "'%s' had no revision yet on %s%s",
					id.ptr, revpart, stance_buf_cstr(&first));
				stance_buf_dispose(&first);
			} else
				error = stance_error_set(STANCE_ENOTFOUND, "'%s' has only %zu revision%s; '%s' asks "
					"for an earlier one", id.ptr, list.count, list.count == 1 ? "" : "s", spec);
			goto done;
		}
		if (list.items[i].removed) {
			error = stance_error_set(STANCE_ENOTFOUND, "'%s' was removed at that revision (%.12s)",
				id.ptr, list.items[i].commit);
			goto done;
		}
		if ((error = copy_revision(rev, &list.items[i])) < 0)
			goto done;
	} else {
		git_repository *git = stance_repo_git(repo);
		git_oid blob;
		stance_buf path = STANCE_BUF_INIT;
		if (git_revparse_single(&obj, git, revpart) < 0 ||
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
			error = stance_error_set(STANCE_ENOTFOUND, "'%s': '%s' is not a revision (give a commit, "
				"{N} for the Nth earlier revision, or a date YYYY-MM-DD)", spec, revpart);
			goto done;
		}
		stance_buf_printf(&path, "%s.md", id.ptr);
		i = (size_t)entry_in(&blob, commit, path.ptr);
		stance_buf_dispose(&path);
		if (!i) {
			error = stance_error_set(STANCE_ENOTFOUND, "document '%s' does not exist at %s", id.ptr, revpart);
			goto done;
		}
		{
			rev_builder b = { &list, 0 };
			if ((error = push_revision(&b, commit, id.ptr, &blob, NULL, 0)) < 0)
				goto done;
			error = copy_revision(rev, &list.items[0]);
			if (error < 0)
				goto done;
		}
	}
	if (doc && (error = stance_history_read(doc, repo, rev->id, rev->commit)) < 0)
		goto done;
done:
	if (error < 0)
		stance_revision_clear(rev);
	stance_revision_list_free(&list);
	git_commit_free(commit);
	git_object_free(obj);
	stance_buf_dispose(&docpart);
	stance_buf_dispose(&id);
	return error;
}

int stance_history_read_blob(stance_buf *out, stance_repo *repo, const char *blob)
{
	git_oid id;
	git_blob *b = NULL;
	int error;
	if (git_oid_fromstr(&id, blob) < 0)
		return stance_error_set(STANCE_EINVALID, "'%s' is not a blob id", blob);
	if ((error = git_blob_lookup(&b, stance_repo_git(repo), &id)) < 0)
		return stance_git_error(error, "cannot read blob %s", blob);
	error = stance_buf_put(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return error;
}
