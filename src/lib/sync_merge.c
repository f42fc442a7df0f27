/*
 * sync_merge.c: the tree-level merge of sync: a remote branch brought into
 * ours (fast-forward or merge commit), documents changed on both sides
 * handed to merge.c, other files to git's line merge; and the state of a
 * merge stopped on a conflict, with continue and abort.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sync_internal.h"
#include "merge.h"

/* A document's path: <collection>/<slug>.md, not under a dot-folder. */
static int is_document(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && !strcmp(path + n - 3, ".md") && strchr(path, '/') && path[0] != '.' &&
		!strstr(path, "/.");
}

/* ---------------------------------------------------------------- merge */

/* A Fetched-At trailer of the newest commit in base..tip that changed
 * `path`, as a Unix time (0 when that revision was not fetched). */
static int last_fetched_at(int64_t *out, git_repository *git, const git_oid *tip,
	const git_oid *base, const char *path)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int error;

	*out = 0;
	if ((error = git_revwalk_new(&walk, git)) < 0)
		return stance_git_error(error, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	if ((error = git_revwalk_push(walk, tip)) < 0 || (base && (error = git_revwalk_hide(walk, base)) < 0)) {
		error = stance_git_error(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_tree_entry *e = NULL, *pe = NULL;
		int changed = 0;
		if (git_commit_lookup(&commit, git, &id) < 0 || git_commit_tree(&tree, commit) < 0)
			goto next;
		git_tree_entry_bypath(&e, tree, path);
		if (git_commit_parentcount(commit) > 0 && git_commit_parent(&parent, commit, 0) == 0 &&
		    git_commit_tree(&ptree, parent) == 0)
			git_tree_entry_bypath(&pe, ptree, path);
		changed = (!e) != (!pe) || (e && pe && !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe)));
		if (changed && git_commit_parentcount(commit) <= 1) {
			const char *msg = git_commit_message(commit), *t;
			*out = 0;
			for (t = msg; t && (t = strstr(t, "Fetched-At:")); t += 11) {
				if (t == msg || t[-1] == '\n') {
					char value[64];
					size_t n = 0;
					stance_date d;
					t += 11;
					while (*t == ' ')
						t++;
					while (t[n] && t[n] != '\n' && n + 1 < sizeof(value)) {
						value[n] = t[n];
						n++;
					}
					value[n] = '\0';
					if (stance_date_parse(&d, value) == 0)
						*out = stance_date_start(&d);
					else
						*out = git_commit_author(commit)->when.time;
					break;
				}
			}
		}
	next:
		git_tree_entry_free(e);
		git_tree_entry_free(pe);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_commit_free(commit);
		if (changed && error == 0)
			break;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	stance_error_clear();
done:
	git_revwalk_free(walk);
	return error < 0 ? error : 0;
}

/* One side's change to a path since the merge base. */
typedef struct {
	char *path;
	git_oid id;
	uint32_t mode;
	int deleted;
} change;

typedef struct {
	change *items;
	size_t count;
} change_list;

/* Frees a change list and its paths. */
static void changes_free(change_list *l)
{
	size_t i;
	for (i = 0; i < l->count; i++)
		free(l->items[i].path);
	free(l->items);
}

/* Orders changes by path. */
static int change_cmp(const void *a, const void *b)
{
	return strcmp(((const change *)a)->path, ((const change *)b)->path);
}

/* The paths changed from tree `from` to tree `to` (NULL: empty), sorted; the
 * list belongs to the caller (changes_free). */
static int collect_changes(change_list *out, git_repository *git, git_tree *from, git_tree *to)
{
	git_diff *diff = NULL;
	git_diff_options o;
	size_t i, n;
	int error;

	out->items = NULL;
	out->count = 0;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if ((error = git_diff_tree_to_tree(&diff, git, from, to, &o)) < 0)
		return stance_git_error(error, "cannot compare trees");
	n = git_diff_num_deltas(diff);
	if (n && !(out->items = calloc(n, sizeof(*out->items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		change *ch = &out->items[out->count];
		if (!(ch->path = stance_strdup(d->new_file.path ? d->new_file.path : d->old_file.path))) {
			error = STANCE_ERROR;
			goto done;
		}
		ch->deleted = d->status == GIT_DELTA_DELETED;
		ch->id = d->new_file.id;
		ch->mode = d->new_file.mode;
		out->count++;
	}
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), change_cmp);
done:
	git_diff_free(diff);
	return error;
}

/* The change of `path`, or NULL; borrowed from the list. */
static const change *find_change(const change_list *l, const char *path)
{
	change key;
	key.path = (char *)path;
	return l->count ? bsearch(&key, l->items, l->count, sizeof(*l->items), change_cmp) : NULL;
}

/* Puts a blob entry into an in-memory index. */
static int index_put(git_index *idx, const char *path, const git_oid *id, uint32_t mode)
{
	git_index_entry e;
	memset(&e, 0, sizeof(e));
	e.path = path;
	e.mode = mode;
	e.id = *id;
	return git_index_add(idx, &e);
}

/* Appends a blob's bytes to `out`. */
static int blob_text(stance_buf *out, git_repository *git, const git_oid *id)
{
	git_blob *blob = NULL;
	int error = git_blob_lookup(&blob, git, id);
	if (error < 0)
		return stance_git_error(error, "cannot read a stored file");
	error = stance_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return error;
}

/* The entry of `path` in `tree` (0 when absent). */
static int tree_blob(git_oid *out, uint32_t *mode, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	if (!tree || git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return 0;
	}
	*out = *git_tree_entry_id(e);
	*mode = git_tree_entry_filemode(e);
	git_tree_entry_free(e);
	return 1;
}

/* A file with conflicting passages: what goes into the working folder (the
 * merge with conflict markers) and the three stages of git's index. */
typedef struct {
	char *path;
	git_oid marked;       /* the merged text with conflict markers */
	git_oid base, ours, theirs;
	uint32_t base_mode, mode, theirs_mode;
	int has_base;
} conflict_file;

typedef struct {
	git_oid ours_tree;   /* the merge with our version of conflicting passages */
	git_oid theirs_tree; /* the same with theirs */
	int conflicts;
	conflict_file *files;
	size_t nfiles;
} tree_merge;

/* Frees the conflicting files' record. */
static void tree_merge_dispose(tree_merge *tm)
{
	size_t i;
	for (i = 0; i < tm->nfiles; i++)
		free(tm->files[i].path);
	free(tm->files);
	tm->files = NULL;
	tm->nfiles = 0;
}

/*
 * Writes the merge of `path` with git's conflict markers in diff3 style, as
 * a blob, and records the file's three stages. `base`, `ours` and `theirs`
 * are the texts to line-merge: for a document, the three picks of merge.c,
 * which differ only in the conflicting passages; for another file, the three
 * versions themselves. The sides are labelled with the branch and remote.
 */
static int record_conflict_file(tree_merge *tm, sync_ctx *c, const char *branch, const char *path,
	const stance_buf *base, const stance_buf *ours, const stance_buf *theirs,
	const change *ou, const change *th, const git_oid *bid, uint32_t bmode, int has_base)
{
	git_merge_file_input mb, mo, mt;
	git_merge_file_options opts;
	git_merge_file_result mr;
	stance_buf our_label = STANCE_BUF_INIT, their_label = STANCE_BUF_INIT;
	conflict_file *grown, *f;
	int error;

	memset(&mr, 0, sizeof(mr));
	git_merge_file_input_init(&mb, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&mo, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&mt, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	stance_buf_printf(&our_label, "%s (ours)", branch);
	stance_buf_printf(&their_label, "%s/%s (theirs)", c->remote_name, branch);
	opts.ancestor_label = "common ancestor";
	opts.our_label = stance_buf_cstr(&our_label);
	opts.their_label = stance_buf_cstr(&their_label);
	opts.flags = GIT_MERGE_FILE_STYLE_DIFF3;
	mb.ptr = stance_buf_cstr(base); mb.size = base->size; mb.path = path; mb.mode = ou->mode;
	mo.ptr = stance_buf_cstr(ours); mo.size = ours->size; mo.path = path; mo.mode = ou->mode;
	mt.ptr = stance_buf_cstr(theirs); mt.size = theirs->size; mt.path = path; mt.mode = ou->mode;
	if (!(grown = realloc(tm->files, (tm->nfiles + 1) * sizeof(*grown)))) {
		error = stance_error_oom();
		goto done;
	}
	tm->files = grown;
	f = &grown[tm->nfiles];
	memset(f, 0, sizeof(*f));
	if ((error = git_merge_file(&mr, &mb, &mo, &mt, &opts)) < 0 ||
	    (error = git_blob_create_from_buffer(&f->marked, c->git, mr.ptr ? mr.ptr : "", mr.len)) < 0) {
		error = stance_git_error(error, "cannot write the conflict markers of %s", path);
		goto done;
	}
	if (!(f->path = stance_strdup(path))) {
		error = STANCE_ERROR;
		goto done;
	}
	f->ours = ou->id;
	f->mode = ou->mode;
	f->theirs = th->id;
	f->theirs_mode = th->mode;
	f->has_base = has_base;
	if (has_base) {
		f->base = *bid;
		f->base_mode = bmode ? bmode : ou->mode;
	}
	tm->nfiles++;
done:
	git_merge_file_result_free(&mr);
	stance_buf_dispose(&our_label);
	stance_buf_dispose(&their_label);
	return error;
}

/*
 * Merges the trees of `ours` and `theirs` against `base`. For the main branch
 * documents changed on both sides go through merge.c; for snapshots the side
 * whose tip is newer wins a path both changed (raw bytes do not merge).
 */
static int merge_trees(tree_merge *tm, sync_ctx *c, const char *branch, git_commit *ours,
	git_commit *theirs, git_commit *base, int documents)
{
	git_repository *git = c->git;
	git_tree *tb = NULL, *to = NULL, *tt = NULL;
	git_index *io = NULL, *it = NULL;
	change_list co = { 0 }, ct = { 0 };
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT, o = STANCE_BUF_INIT, t = STANCE_BUF_INIT,
		p = STANCE_BUF_INIT, bp = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	size_t i, j;
	int error;

	memset(tm, 0, sizeof(*tm));
	if ((error = git_commit_tree(&to, ours)) < 0 || (error = git_commit_tree(&tt, theirs)) < 0 ||
	    (base && (error = git_commit_tree(&tb, base)) < 0) ||
	    (error = git_index_new(&io)) < 0 || (error = git_index_new(&it)) < 0 ||
	    (error = git_index_read_tree(io, to)) < 0 || (error = git_index_read_tree(it, to)) < 0) {
		error = stance_git_error(error, "cannot read the trees to merge");
		goto done;
	}
	if ((error = collect_changes(&co, git, tb, to)) < 0 || (error = collect_changes(&ct, git, tb, tt)) < 0)
		goto done;

	for (i = 0; i < ct.count; i++) {
		const change *th = &ct.items[i], *ou = find_change(&co, th->path);
		const char *path = th->path;
		git_oid bid, oid_o, oid_t;
		uint32_t bmode = 0;
		int has_base;

		if (!ou) {
			/* only theirs changed it */
			error = th->deleted ? git_index_remove(io, path, 0) : index_put(io, path, &th->id, th->mode);
			if (!error)
				error = th->deleted ? git_index_remove(it, path, 0) : index_put(it, path, &th->id, th->mode);
			if (error < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			continue;
		}
		if (ou->deleted && th->deleted)
			continue;
		if (!ou->deleted && !th->deleted && git_oid_equal(&ou->id, &th->id))
			continue;
		/* Deleted on one side, changed on the other: keep the changed text;
		 * the deletion stays in history. */
		if (ou->deleted || th->deleted) {
			const change *keep = ou->deleted ? th : ou;
			if ((error = index_put(io, path, &keep->id, keep->mode)) < 0 ||
			    (error = index_put(it, path, &keep->id, keep->mode)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			if (documents && is_document(path) && (error = sync_result_add_merged(c->result, path)) < 0)
				goto done;
			continue;
		}
		if (!documents) {
			/* snapshots: the newer side's bytes */
			const change *keep = git_commit_time(theirs) > git_commit_time(ours) ? th : ou;
			if ((error = index_put(io, path, &keep->id, keep->mode)) < 0 ||
			    (error = index_put(it, path, &keep->id, keep->mode)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			continue;
		}
		has_base = tree_blob(&bid, &bmode, tb, path);
		stance_buf_clear(&a);
		stance_buf_clear(&b);
		stance_buf_clear(&o);
		stance_buf_clear(&t);
		stance_buf_clear(&p);
		stance_buf_clear(&bp);
		stance_merge_report_clear(&rep);
		if (is_document(path)) {
			int64_t fo = 0, ft = 0;
			stance_buf id = STANCE_BUF_INIT;
			stance_buf_put(&id, path, strlen(path) - 3);
			if ((error = last_fetched_at(&fo, git, git_commit_id(ours), base ? git_commit_id(base) : NULL, path)) < 0 ||
			    (error = last_fetched_at(&ft, git, git_commit_id(theirs), base ? git_commit_id(base) : NULL, path)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			if (fo && ft) {
				/* Both observed the page: the later observation is the text;
				 * both revisions stay in history through the merge. Ties go
				 * to the larger blob id so both clones agree. */
				const change *keep = fo > ft ? ou : ft > fo ? th :
					(git_oid_cmp(&ou->id, &th->id) > 0 ? ou : th);
				error = index_put(io, path, &keep->id, keep->mode);
				if (!error)
					error = index_put(it, path, &keep->id, keep->mode);
				if (error < 0) {
					stance_buf_dispose(&id);
					error = stance_git_error(error, "cannot merge %s", path);
					goto done;
				}
				error = sync_result_add_merged(c->result, id.ptr);
				stance_buf_dispose(&id);
				if (error < 0)
					goto done;
				continue;
			}
			if ((has_base && (error = blob_text(&b, git, &bid)) < 0) ||
			    (error = blob_text(&o, git, &ou->id)) < 0 || (error = blob_text(&t, git, &th->id)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			error = stance_merge_document3(&a, &p, &bp, &rep, has_base ? stance_buf_cstr(&b) : NULL, b.size,
				stance_buf_cstr(&o), o.size, stance_buf_cstr(&t), t.size, id.ptr);
			if (error == STANCE_ECONFLICT) {
				tm->conflicts++;
				if ((error = record_conflict_file(tm, c, branch, path, &bp, &a, &p, ou, th, &bid, bmode,
				    has_base)) < 0) {
					stance_buf_dispose(&id);
					goto done;
				}
				for (j = 0; j < rep.count; j++)
					if (sync_result_add_conflict(c->result, id.ptr, rep.passages[j]) < 0) {
						stance_buf_dispose(&id);
						error = STANCE_ERROR;
						goto done;
					}
				error = 0;
			} else if (error < 0) {
				stance_error_prefix(error, "cannot merge %s: ", id.ptr);
				stance_buf_dispose(&id);
				goto done;
			} else if ((error = sync_result_add_merged(c->result, id.ptr)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			stance_buf_dispose(&id);
		} else {
			/* another file (.stance/config, README.md): git's line merge */
			git_merge_file_input mb, mo, mt;
			git_merge_file_result mr;
			memset(&mr, 0, sizeof(mr));
			git_merge_file_input_init(&mb, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&mo, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&mt, GIT_MERGE_FILE_INPUT_VERSION);
			if ((has_base && (error = blob_text(&b, git, &bid)) < 0) ||
			    (error = blob_text(&o, git, &ou->id)) < 0 || (error = blob_text(&t, git, &th->id)) < 0)
				goto done;
			mb.ptr = stance_buf_cstr(&b); mb.size = b.size; mb.path = path; mb.mode = bmode ? bmode : ou->mode;
			mo.ptr = stance_buf_cstr(&o); mo.size = o.size; mo.path = path; mo.mode = ou->mode;
			mt.ptr = stance_buf_cstr(&t); mt.size = t.size; mt.path = path; mt.mode = th->mode;
			if ((error = git_merge_file(&mr, &mb, &mo, &mt, NULL)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			if (mr.automergeable) {
				stance_buf_put(&a, mr.ptr, mr.len);
				stance_buf_put(&p, mr.ptr, mr.len);
			} else {
				stance_buf_put(&a, stance_buf_cstr(&o), o.size);
				stance_buf_put(&p, stance_buf_cstr(&t), t.size);
				tm->conflicts++;
				if ((error = record_conflict_file(tm, c, branch, path, &b, &o, &t, ou, th, &bid, bmode,
				    has_base)) < 0) {
					git_merge_file_result_free(&mr);
					goto done;
				}
				if (sync_result_add_conflict(c->result, path,
				    "lines changed on both sides, between the conflict markers") < 0) {
					git_merge_file_result_free(&mr);
					error = STANCE_ERROR;
					goto done;
				}
			}
			git_merge_file_result_free(&mr);
		}
		/* a: our pick, p: their pick */
		if ((error = git_blob_create_from_buffer(&oid_o, git, a.ptr ? a.ptr : "", a.size)) < 0 ||
		    (error = git_blob_create_from_buffer(&oid_t, git, p.ptr ? p.ptr : "", p.size)) < 0 ||
		    (error = index_put(io, path, &oid_o, ou->mode)) < 0 ||
		    (error = index_put(it, path, &oid_t, ou->mode)) < 0) {
			error = stance_git_error(error, "cannot write the merge of %s", path);
			goto done;
		}
	}
	if ((error = git_index_write_tree_to(&tm->ours_tree, io, git)) < 0 ||
	    (error = git_index_write_tree_to(&tm->theirs_tree, it, git)) < 0)
		error = stance_git_error(error, "cannot write the merged tree");
done:
	git_tree_free(tb);
	git_tree_free(to);
	git_tree_free(tt);
	git_index_free(io);
	git_index_free(it);
	changes_free(&co);
	changes_free(&ct);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
	stance_buf_dispose(&p);
	stance_buf_dispose(&bp);
	stance_merge_report_clear(&rep);
	if (error < 0)
		tree_merge_dispose(tm);
	return error;
}

/* Makes a commit object with two parents without moving any reference. */
static int make_merge_commit(git_oid *out, sync_ctx *c, const git_oid *tree_id,
	git_commit *ours, git_commit *theirs, const char *message)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	const git_commit *parents[2];
	int error;

	parents[0] = ours;
	parents[1] = theirs;
	if ((error = stance_git_signature(&sig, c->git, NULL, NULL, 0, 0)) < 0)
		return error;
	if ((error = git_tree_lookup(&tree, c->git, tree_id)) < 0 ||
	    (error = git_commit_create(out, c->git, NULL, sig, sig, NULL, message, tree, 2, parents)) < 0)
		error = stance_git_error(error, "cannot write the merge commit");
	git_tree_free(tree);
	git_signature_free(sig);
	return error;
}

static int differing_paths(git_strarray *out, git_repository *git, const git_oid *a, const git_oid *b);

/*
 * Moves the checked-out branch `ref` from `from` to `to`, bringing the
 * working folder and the index along. Files the user changed and did not
 * commit are never overwritten: the move stops before any ref changes.
 * Only the paths in which HEAD's tree and `to`'s differ are checked out:
 * the others already hold what `to` has, and a checkout of the whole tree
 * would look at every file of a large repository for a pull of a few
 * revisions.
 */
static int move_checked_out(sync_ctx *c, const char *ref, const git_oid *to, const char *why)
{
	git_commit *commit = NULL;
	git_reference *r = NULL;
	git_strarray paths = { 0 };
	git_checkout_options co;
	git_oid head;
	int error, limited = 0;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if ((error = git_commit_lookup(&commit, c->git, to)) < 0) {
		error = stance_git_error(error, "cannot read commit");
		goto done;
	}
	if (git_repository_head_unborn(c->git) != 1 && sync_ref_oid(&head, c->git, "HEAD") > 0) {
		if ((error = differing_paths(&paths, c->git, &head, to)) < 0)
			goto done;
		limited = 1;
		co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		co.paths = paths;
	}
	/* no path differs: nothing to write (an empty list would mean all) */
	if (!limited || paths.count) {
		/* the fetch hashed every object it brought */
		int verify = stance_git_verify_reads(0);
		error = git_checkout_tree(c->git, (git_object *)commit, &co);
		stance_git_verify_reads(verify);
		if (error < 0) {
			error = stance_git_error(error, "%s: cannot update the working folder (commit or "
				"remove your uncommitted changes first)", stance_repo_workdir(c->repo));
			goto done;
		}
	}
	if ((error = git_reference_create(&r, c->git, ref, to, 1, why)) < 0)
		error = stance_git_error(error, "cannot move %s", ref);
done:
	git_strarray_dispose(&paths);
	git_reference_free(r);
	git_commit_free(commit);
	return error;
}

/* ---------------------------------------------------------------- conflict state */

static int state_path(stance_buf *out, git_repository *git, const char *file)
{
	return stance_buf_printf(out, "%s" STATE_DIR "%s%s", git_repository_path(git), file ? "/" : "", file ? file : "");
}

/* See sync.h. */
int stance_sync_in_progress(stance_repo *repo)
{
	stance_buf p = STANCE_BUF_INIT;
	int yes;
	state_path(&p, stance_repo_git(repo), "state");
	yes = access(stance_buf_cstr(&p), F_OK) == 0;
	stance_buf_dispose(&p);
	return yes;
}

/* Writes `text` to the file `name` of the git folder, as git writes MERGE_HEAD. */
static int write_git_file(git_repository *git, const char *name, const char *text)
{
	stance_buf path = STANCE_BUF_INIT;
	int error = stance_buf_printf(&path, "%s%s", git_repository_path(git), name);
	if (!error)
		error = stance_file_write_atomic(path.ptr, text, strlen(text));
	stance_buf_dispose(&path);
	return error;
}

/* A blob's entry for git_index_conflict_add. */
static void stage_entry(git_index_entry *e, const char *path, const git_oid *id, uint32_t mode)
{
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->id = *id;
	e->mode = mode;
}

/*
 * Puts a stopped merge where git sees it: each conflicting file in the
 * working folder with conflict markers, its three stages in the index
 * (ancestor, ours, theirs, as `git merge` leaves them), and MERGE_HEAD,
 * MERGE_MSG, MERGE_MODE and ORIG_HEAD, so `git status` says a merge is in
 * progress. The working folder already holds our pick.
 */
static int mark_merge_in_progress(sync_ctx *c, const char *branch, git_commit *ours, git_commit *theirs,
	const tree_merge *tm)
{
	git_index *idx = NULL;
	stance_buf text = STANCE_BUF_INIT, file = STANCE_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;
	int error = 0;

	for (i = 0; i < tm->nfiles && !error; i++) {
		stance_buf_clear(&text);
		stance_buf_clear(&file);
		stance_buf_printf(&file, "%s%s", stance_repo_workdir(c->repo), tm->files[i].path);
		if ((error = blob_text(&text, c->git, &tm->files[i].marked)) == 0)
			error = stance_file_write_atomic(file.ptr, stance_buf_cstr(&text), text.size);
	}
	if (error < 0)
		goto done;
	if ((error = git_repository_index(&idx, c->git)) < 0 || (error = git_index_read(idx, 1)) < 0)
		goto git_fail;
	for (i = 0; i < tm->nfiles; i++) {
		const conflict_file *f = &tm->files[i];
		git_index_entry eb, eo, et;
		stage_entry(&eb, f->path, &f->base, f->base_mode);
		stage_entry(&eo, f->path, &f->ours, f->mode);
		stage_entry(&et, f->path, &f->theirs, f->theirs_mode);
		if ((error = git_index_conflict_add(idx, f->has_base ? &eb : NULL, &eo, &et)) < 0)
			goto git_fail;
	}
	if ((error = git_index_write(idx)) < 0)
		goto git_fail;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(theirs));
	stance_buf_clear(&text);
	stance_buf_printf(&text, "%s\n", hex);
	if ((error = write_git_file(c->git, "MERGE_HEAD", text.ptr)) < 0 ||
	    (error = write_git_file(c->git, "MERGE_MODE", "no-ff")) < 0)
		goto done;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(ours));
	stance_buf_clear(&text);
	stance_buf_printf(&text, "%s\n", hex);
	if ((error = write_git_file(c->git, "ORIG_HEAD", text.ptr)) < 0)
		goto done;
	stance_buf_clear(&text);
	stance_buf_printf(&text, "Merge %s of %s\n\n# Conflicts:\n", branch, c->remote_name);
	for (i = 0; i < tm->nfiles; i++)
		stance_buf_printf(&text, "#\t%s\n", tm->files[i].path);
	error = write_git_file(c->git, "MERGE_MSG", text.ptr);
	goto done;
git_fail:
	error = stance_git_error(error, "cannot record the conflicts in the index");
done:
	git_index_free(idx);
	stance_buf_dispose(&text);
	stance_buf_dispose(&file);
	return error;
}

/* Records a stopped merge: refs for both picks, the state file, our pick in
 * the working folder with conflict markers in the conflicting files, and
 * git's own record of a merge in progress. */
static int save_conflict(sync_ctx *c, const char *branch, git_commit *ours, git_commit *theirs,
	const tree_merge *tm)
{
	git_oid pick_o, pick_t;
	git_reference *r = NULL;
	git_commit *pick = NULL;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	stance_buf path = STANCE_BUF_INIT, state = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	char ho[41], ht[41], hpo[41], hpt[41];
	size_t i;
	int error;

	stance_buf_printf(&msg, "Unfinished merge of %s/%s: our version of the conflicting passages\n",
		c->remote_name, branch);
	if ((error = make_merge_commit(&pick_o, c, &tm->ours_tree, ours, theirs, msg.ptr)) < 0)
		goto done;
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "Unfinished merge of %s/%s: their version of the conflicting passages\n",
		c->remote_name, branch);
	if ((error = make_merge_commit(&pick_t, c, &tm->theirs_tree, ours, theirs, msg.ptr)) < 0)
		goto done;
	/* our pick into the working folder first: if the user's uncommitted
	 * changes are in the way, nothing else has been written */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if ((error = git_commit_lookup(&pick, c->git, &pick_o)) < 0 ||
	    (error = git_checkout_tree(c->git, (git_object *)pick, &co)) < 0) {
		error = stance_git_error(error, "%s: cannot write the merge into the working folder "
			"(commit or remove your uncommitted changes first)", stance_repo_workdir(c->repo));
		goto done;
	}
	if ((error = git_reference_create(&r, c->git, REF_OURS, &pick_o, 1, "stance sync: conflict")) < 0)
		goto git_fail;
	git_reference_free(r);
	r = NULL;
	if ((error = git_reference_create(&r, c->git, REF_THEIRS, &pick_t, 1, "stance sync: conflict")) < 0)
		goto git_fail;
	git_oid_tostr(ho, sizeof(ho), git_commit_id(ours));
	git_oid_tostr(ht, sizeof(ht), git_commit_id(theirs));
	git_oid_tostr(hpo, sizeof(hpo), &pick_o);
	git_oid_tostr(hpt, sizeof(hpt), &pick_t);
	stance_buf_printf(&state, "remote %s\nbranch %s\nours %s\ntheirs %s\npick-ours %s\npick-theirs %s\n",
		c->remote_name, branch, ho, ht, hpo, hpt);
	for (i = 0; i < c->result->conflict_count; i++)
		stance_buf_printf(&state, "conflict %s\t%s\n", c->result->conflicts[i].id, c->result->conflicts[i].passage);
	for (i = 0; i < tm->nfiles; i++)
		stance_buf_printf(&state, "path %s\n", tm->files[i].path);
	state_path(&path, c->git, NULL);
	if (mkdir(path.ptr, 0755) < 0 && errno != EEXIST) {
		error = stance_error_set(STANCE_ERROR, "%s: cannot create: %s", path.ptr, strerror(errno));
		goto done;
	}
	stance_buf_clear(&path);
	state_path(&path, c->git, "state");
	if ((error = stance_file_write_atomic(path.ptr, state.ptr, state.size)) < 0)
		goto done;
	error = mark_merge_in_progress(c, branch, ours, theirs, tm);
	goto done;
git_fail:
	error = stance_git_error(error, "cannot record the unfinished merge");
done:
	git_reference_free(r);
	git_commit_free(pick);
	stance_buf_dispose(&path);
	stance_buf_dispose(&state);
	stance_buf_dispose(&msg);
	return error;
}

/* ---------------------------------------------------------------- bringing a branch in */

/*
 * Brings refs/remotes/<remote>/<branch> into refs/heads/<branch>.
 * `checked_out`: the branch is the working folder's (main).
 */
int sync_merge_branch(sync_ctx *c, const char *branch, int checked_out, int is_main)
{
	stance_buf local = STANCE_BUF_INIT, remote = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_oid lid, rid, bid, mid;
	git_commit *lc = NULL, *rc = NULL, *bc = NULL;
	git_reference *r = NULL;
	tree_merge tm;
	size_t n;
	int error, has_local, has_remote;

	memset(&tm, 0, sizeof(tm));
	stance_buf_printf(&local, "refs/heads/%s", branch);
	stance_buf_printf(&remote, "refs/remotes/%s/%s", c->remote_name, branch);
	if ((error = has_remote = sync_ref_oid(&rid, c->git, remote.ptr)) <= 0)
		goto done;
	if ((error = has_local = sync_ref_oid(&lid, c->git, local.ptr)) < 0)
		goto done;
	error = 0;
	if (!has_local) {
		/* a branch we do not have yet (snapshots): take theirs */
		if (checked_out) {
			error = move_checked_out(c, local.ptr, &rid, "stance pull: initial");
		} else if ((error = git_reference_create(&r, c->git, local.ptr, &rid, 0, "stance pull")) < 0) {
			error = stance_git_error(error, "cannot create %s", local.ptr);
		}
		if (!error && (error = sync_count_new(&n, c->git, &rid, NULL)) == 0) {
			if (is_main) {
				c->result->commits_in += n;
				c->result->outcome = STANCE_SYNC_FAST_FORWARD;
			} else {
				c->result->snapshots_in += n;
			}
		}
		goto done;
	}
	if (git_oid_equal(&lid, &rid))
		goto done;
	if ((error = git_merge_base(&bid, c->git, &lid, &rid)) < 0) {
		if (error == GIT_ENOTFOUND)
			error = stance_error_set(STANCE_EINVALID, "branch %s of remote '%s' (%s) shares no history "
				"with ours; it is not a copy of this repository", branch, c->remote_name, c->url.ptr);
		else
			error = stance_git_error(error, "cannot find where %s and %s diverged", local.ptr, remote.ptr);
		goto done;
	}
	if (git_oid_equal(&bid, &rid))
		goto done; /* we are ahead: nothing came in */
	if ((error = sync_count_new(&n, c->git, &rid, &lid)) < 0)
		goto done;
	if (is_main)
		c->result->commits_in += n;
	else
		c->result->snapshots_in += n;

	stance_buf_printf(&msg, "stance pull %s: fast-forward", c->remote_name);
	if (git_oid_equal(&bid, &lid)) {
		if (checked_out)
			error = move_checked_out(c, local.ptr, &rid, msg.ptr);
		else if ((error = git_reference_create(&r, c->git, local.ptr, &rid, 1, msg.ptr)) < 0)
			error = stance_git_error(error, "cannot move %s", local.ptr);
		if (!error && is_main)
			c->result->outcome = STANCE_SYNC_FAST_FORWARD;
		goto done;
	}

	/* both sides moved: a real merge */
	if ((error = git_commit_lookup(&lc, c->git, &lid)) < 0 || (error = git_commit_lookup(&rc, c->git, &rid)) < 0 ||
	    (error = git_commit_lookup(&bc, c->git, &bid)) < 0) {
		error = stance_git_error(error, "cannot read the commits to merge");
		goto done;
	}
	if ((error = merge_trees(&tm, c, branch, lc, rc, bc, is_main)) < 0)
		goto done;
	if (tm.conflicts) {
		if ((error = save_conflict(c, branch, lc, rc, &tm)) < 0)
			goto done;
		c->result->outcome = STANCE_SYNC_CONFLICT;
		error = stance_error_set(STANCE_ECONFLICT, "merging %s of remote '%s' (%s) stopped: %zu passage%s "
			"changed on both sides; choose in the working folder, then 'stance sync --continue' "
			"(or 'stance sync --abort')", branch, c->remote_name, c->url.ptr,
			c->result->conflict_count, c->result->conflict_count == 1 ? "" : "s");
		goto done;
	}
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "Merge %s of %s\n", branch, c->remote_name);
	if ((error = make_merge_commit(&mid, c, &tm.ours_tree, lc, rc, msg.ptr)) < 0)
		goto done;
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "stance pull %s: merge", c->remote_name);
	if (checked_out)
		error = move_checked_out(c, local.ptr, &mid, msg.ptr);
	else if ((error = git_reference_create(&r, c->git, local.ptr, &mid, 1, msg.ptr)) < 0)
		error = stance_git_error(error, "cannot move %s", local.ptr);
	if (!error && is_main)
		c->result->outcome = STANCE_SYNC_MERGED;
done:
	tree_merge_dispose(&tm);
	git_reference_free(r);
	git_commit_free(lc);
	git_commit_free(rc);
	git_commit_free(bc);
	stance_buf_dispose(&local);
	stance_buf_dispose(&remote);
	stance_buf_dispose(&msg);
	return error;
}

typedef struct saved_state saved_state;
static int load_state(saved_state *s, stance_sync_result *result, stance_repo *repo);
static void saved_state_free(saved_state *s);

/* ---------------------------------------------------------------- continue / abort */

struct saved_state {
	char remote[600], branch[600];
	git_oid ours, theirs, pick_ours, pick_theirs;
	char **ids;
	size_t nids;
	char **paths;  /* the files written with conflict markers */
	size_t npaths;
};

int sync_refuse_while_waiting(sync_ctx *c)
{
	saved_state s;
	memset(&s, 0, sizeof(s));
	if (c->result && !c->result->conflict_count && load_state(&s, c->result, c->repo) == 0)
		c->result->outcome = STANCE_SYNC_CONFLICT;
	saved_state_free(&s);
	return stance_error_set(STANCE_ECONFLICT, "a merge stopped on a conflict is waiting; finish it "
		"with 'stance sync --continue' or 'stance sync --abort'");
}

/* Frees what a loaded state owns. */
static void saved_state_free(saved_state *s)
{
	size_t i;
	for (i = 0; i < s->nids; i++)
		free(s->ids[i]);
	free(s->ids);
	for (i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
}

/* Reads the record of a stopped merge into `s` (freed with saved_state_free);
 * with `result`, its conflicts are added there too. */
static int load_state(saved_state *s, stance_sync_result *result, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	const char *line;
	int error;

	memset(s, 0, sizeof(*s));
	state_path(&path, stance_repo_git(repo), "state");
	if (access(path.ptr, F_OK) != 0) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s: no merge is waiting to be continued or aborted",
			stance_repo_workdir(repo));
		goto done;
	}
	if ((error = stance_file_read(&text, path.ptr)) < 0)
		goto done;
	for (line = text.ptr; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char val[512];
		const char *sp = memchr(line, ' ', len);
		size_t vlen = sp ? len - (size_t)(sp + 1 - line) : 0;
		if (sp && vlen < sizeof(val)) {
			memcpy(val, sp + 1, vlen);
			val[vlen] = '\0';
#define KEY(k) ((size_t)(sp - line) == strlen(k) && !strncmp(line, k, strlen(k)))
			if (KEY("remote"))
				snprintf(s->remote, sizeof(s->remote), "%s", val);
			else if (KEY("branch"))
				snprintf(s->branch, sizeof(s->branch), "%s", val);
			else if (KEY("ours"))
				git_oid_fromstr(&s->ours, val);
			else if (KEY("theirs"))
				git_oid_fromstr(&s->theirs, val);
			else if (KEY("pick-ours"))
				git_oid_fromstr(&s->pick_ours, val);
			else if (KEY("pick-theirs"))
				git_oid_fromstr(&s->pick_theirs, val);
			else if (KEY("path")) {
				char **grown = realloc(s->paths, (s->npaths + 1) * sizeof(*grown));
				if (grown) {
					s->paths = grown;
					if ((grown[s->npaths] = stance_strdup(val)))
						s->npaths++;
				}
			} else if (KEY("conflict")) {
				char *tab = strchr(val, '\t');
				char **grown;
				if (tab)
					*tab = '\0';
				if (result)
					sync_result_add_conflict(result, val, tab ? tab + 1 : "");
				if ((!s->nids || strcmp(s->ids[s->nids - 1], val)) &&
				    (grown = realloc(s->ids, (s->nids + 1) * sizeof(*grown)))) {
					s->ids = grown;
					if ((grown[s->nids] = stance_strdup(val)))
						s->nids++;
				}
			}
#undef KEY
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!*s->remote || !*s->branch)
		error = stance_error_set(STANCE_EPARSE, "%s: the record of the unfinished merge is damaged; "
			"remove it to start again", path.ptr);
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&text);
	return error;
}

/* Forgets a stopped merge: its refs and its record. */
static int clear_state(git_repository *git)
{
	stance_buf path = STANCE_BUF_INIT;
	git_reference *r = NULL;
	if (git_reference_lookup(&r, git, REF_OURS) == 0) {
		git_reference_delete(r);
		git_reference_free(r);
	}
	if (git_reference_lookup(&r, git, REF_THEIRS) == 0) {
		git_reference_delete(r);
		git_reference_free(r);
	}
	git_error_clear();
	/* MERGE_HEAD, MERGE_MSG, MERGE_MODE: git's record of the merge */
	git_repository_state_cleanup(git);
	state_path(&path, git, "state");
	unlink(path.ptr);
	stance_buf_clear(&path);
	state_path(&path, git, NULL);
	rmdir(path.ptr);
	stance_buf_dispose(&path);
	return 0;
}

/* The paths in which trees `a` and `b` differ, for a checkout limited to them. */
static int differing_paths(git_strarray *out, git_repository *git, const git_oid *a, const git_oid *b)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	change_list l = { 0 };
	size_t i;
	int error;

	out->strings = NULL;
	out->count = 0;
	if ((error = git_commit_lookup(&ca, git, a)) < 0 || (error = git_commit_lookup(&cb, git, b)) < 0 ||
	    (error = git_commit_tree(&ta, ca)) < 0 || (error = git_commit_tree(&tb, cb)) < 0) {
		error = stance_git_error(error, "cannot read the unfinished merge");
		goto done;
	}
	if ((error = collect_changes(&l, git, ta, tb)) < 0)
		goto done;
	if (l.count && !(out->strings = calloc(l.count, sizeof(char *)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < l.count; i++) {
		out->strings[i] = l.items[i].path;
		l.items[i].path = NULL;
	}
	out->count = l.count;
done:
	changes_free(&l);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return error;
}

/* Adds copies of the `n` paths to `a` (a list made by differing_paths). */
static int add_paths(git_strarray *a, char *const *paths, size_t n)
{
	char **grown;
	size_t i;
	if (!n)
		return 0;
	if (!(grown = realloc(a->strings, (a->count + n) * sizeof(*grown))))
		return stance_error_oom();
	a->strings = grown;
	for (i = 0; i < n; i++) {
		if (!(grown[a->count] = stance_strdup(paths[i])))
			return STANCE_ERROR;
		a->count++;
	}
	return 0;
}

/* Replaces the index's conflict stages of the files written with markers
 * by the entry each has in `commit` (none when it has none there). */
static int unstage_conflicts(git_repository *git, const saved_state *s, const git_oid *commit)
{
	git_index *idx = NULL;
	git_commit *cm = NULL;
	git_tree *tree = NULL;
	size_t i;
	int error;

	if ((error = git_repository_index(&idx, git)) < 0 || (error = git_index_read(idx, 1)) < 0 ||
	    (error = git_commit_lookup(&cm, git, commit)) < 0 || (error = git_commit_tree(&tree, cm)) < 0)
		goto done;
	for (i = 0; i < s->npaths && !error; i++) {
		git_oid id;
		uint32_t mode = 0;
		git_index_conflict_remove(idx, s->paths[i]);
		git_index_remove(idx, s->paths[i], 0);
		git_error_clear();
		if (tree_blob(&id, &mode, tree, s->paths[i]))
			error = index_put(idx, s->paths[i], &id, mode);
	}
	if (!error)
		error = git_index_write(idx);
done:
	if (error < 0)
		error = stance_git_error(error, "cannot update the index");
	git_tree_free(tree);
	git_commit_free(cm);
	git_index_free(idx);
	return error;
}

/* Line `*line` (1-based) of the first conflict marker of git's (<<<<<<<,
 * |||||||, =======, >>>>>>>, at the start of a line and followed by a space
 * or the line's end) in `text`; 0 when there is none. "=======" alone is
 * also a Markdown heading's underline, so it counts only after a "<<<<<<<". */
static size_t first_marker(const char *text)
{
	const char *p = text;
	size_t line = 1, opened = 0;
	while (p && *p) {
		if ((!strncmp(p, "<<<<<<<", 7) || !strncmp(p, ">>>>>>>", 7) || !strncmp(p, "|||||||", 7) ||
		     (opened && !strncmp(p, "=======", 7))) &&
		    (p[7] == ' ' || p[7] == '\n' || p[7] == '\0')) {
			if (p[0] != '<')
				return opened ? opened : line;
			if (!opened)
				opened = line;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
		line++;
	}
	return opened;
}

/* See sync.h. */
int stance_sync_abort(stance_repo *repo)
{
	git_repository *git = stance_repo_git(repo);
	saved_state s;
	git_strarray paths = { 0 };
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	git_object *head = NULL;
	int error;

	if ((error = load_state(&s, NULL, repo)) < 0)
		goto done;
	if ((error = git_revparse_single(&head, git, "HEAD")) < 0) {
		error = stance_git_error(error, "cannot read HEAD");
		goto done;
	}
	/* only the files the unfinished merge wrote go back */
	if ((error = differing_paths(&paths, git, git_object_id(head), &s.pick_ours)) < 0 ||
	    (error = add_paths(&paths, s.paths, s.npaths)) < 0 ||
	    (error = unstage_conflicts(git, &s, git_object_id(head))) < 0)
		goto done;
	if (paths.count) {
		co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
		co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		co.paths = paths;
		if ((error = git_checkout_tree(git, head, &co)) < 0) {
			error = stance_git_error(error, "%s: cannot restore the working folder", stance_repo_workdir(repo));
			goto done;
		}
	}
	error = clear_state(git);
done:
	git_strarray_dispose(&paths);
	git_object_free(head);
	saved_state_free(&s);
	return error;
}

/* 1 when `head` is a merge of the stopped merge's two sides, made by the
 * user with `git commit`. */
static int committed_with_git(git_repository *git, const git_oid *head, const saved_state *s)
{
	git_commit *c = NULL;
	int yes = 0;
	if (git_commit_lookup(&c, git, head) == 0 && git_commit_parentcount(c) == 2)
		yes = git_oid_equal(git_commit_parent_id(c, 0), &s->ours) &&
			git_oid_equal(git_commit_parent_id(c, 1), &s->theirs);
	git_error_clear();
	git_commit_free(c);
	return yes;
}

/* STANCE_ECONFLICT naming every file of the stopped merge that still holds
 * conflict markers, with the line of the first; 0 when none does. */
static int refuse_markers(stance_repo *repo, const saved_state *s)
{
	stance_buf list = STANCE_BUF_INIT, file = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	size_t i, n = 0, line;
	int error = 0;

	for (i = 0; i < s->npaths && !error; i++) {
		stance_buf_clear(&file);
		stance_buf_clear(&text);
		stance_buf_printf(&file, "%s%s", stance_repo_workdir(repo), s->paths[i]);
		if (access(file.ptr, F_OK) != 0)
			continue; /* removed: the user's choice */
		if ((error = stance_file_read(&text, file.ptr)) < 0)
			break;
		if ((line = first_marker(stance_buf_cstr(&text))) > 0)
			error = stance_buf_printf(&list, "%s%s:%zu", n++ ? ", " : "", s->paths[i], line);
	}
	if (!error && n)
		error = stance_error_set(STANCE_ECONFLICT, "conflict markers remain in %s; keep the version you "
			"choose between <<<<<<< and >>>>>>>, remove the marker lines, then run 'stance sync --continue' "
			"again (or --ours, --theirs, or 'stance sync --abort')", list.ptr);
	stance_buf_dispose(&list);
	stance_buf_dispose(&file);
	stance_buf_dispose(&text);
	return error;
}

/* See sync.h. */
int stance_sync_continue(stance_sync_result *result, stance_buf *remote_out,
	stance_repo *repo, stance_sync_take take)
{
	git_repository *git = stance_repo_git(repo);
	saved_state s;
	sync_ctx c;
	git_commit *ours = NULL, *theirs = NULL, *pick = NULL;
	git_tree *pick_tree = NULL;
	git_index *idx = NULL, *repo_idx = NULL;
	git_oid head, tree_id, mid;
	git_tree *final_tree = NULL;
	git_strarray paths = { 0 };
	stance_buf file = STANCE_BUF_INIT, canon = STANCE_BUF_INIT, msg = STANCE_BUF_INIT,
		ref = STANCE_BUF_INIT;
	size_t i;
	int error;

	memset(&c, 0, sizeof(c));
	c.git = git;
	c.repo = repo;
	c.result = result;
	if ((error = load_state(&s, NULL, repo)) < 0)
		goto done;
	c.remote_name = s.remote;
	stance_buf_printf(&ref, "refs/heads/%s", s.branch);
	if ((error = sync_ref_oid(&head, git, ref.ptr)) < 0)
		goto done;
	if (error > 0 && !git_oid_equal(&head, &s.ours) && committed_with_git(git, &head, &s)) {
		/* the user resolved and ran `git commit`, as after `git merge`:
		 * the merge is made; what is left is to send it */
		clear_state(git);
		if (result) {
			result->outcome = STANCE_SYNC_MERGED;
			git_oid_tostr(result->head, sizeof(result->head), &head);
			for (i = 0; i < s.nids; i++)
				sync_result_add_merged(result, s.ids[i]);
		}
		error = remote_out ? stance_buf_puts(remote_out, s.remote) : 0;
		goto done;
	}
	if (!error || !git_oid_equal(&head, &s.ours)) {
		error = stance_error_set(STANCE_ECONFLICT, "%s moved since the merge stopped; run 'stance sync --abort' "
			"and sync again", s.branch);
		goto done;
	}
	if (take == STANCE_SYNC_TAKE_WORKTREE && (error = refuse_markers(repo, &s)) < 0)
		goto done;
	if ((error = git_commit_lookup(&ours, git, &s.ours)) < 0 ||
	    (error = git_commit_lookup(&theirs, git, &s.theirs)) < 0 ||
	    (error = git_commit_lookup(&pick, git, take == STANCE_SYNC_TAKE_THEIRS ? &s.pick_theirs : &s.pick_ours)) < 0 ||
	    (error = git_commit_tree(&pick_tree, pick)) < 0 ||
	    (error = git_index_new(&idx)) < 0 || (error = git_index_read_tree(idx, pick_tree)) < 0) {
		error = stance_git_error(error, "cannot read the unfinished merge");
		goto done;
	}
	if (take == STANCE_SYNC_TAKE_WORKTREE) {
		/* the conflicting documents as the user left them; they must parse */
		for (i = 0; i < s.nids; i++) {
			stance_document *doc = NULL;
			git_oid blob;
			stance_buf rel = STANCE_BUF_INIT;
			/* a conflict names a document by id, another file by path */
			int is_doc = strchr(s.ids[i], '/') && s.ids[i][0] != '.' &&
				(strlen(s.ids[i]) < 3 || strcmp(s.ids[i] + strlen(s.ids[i]) - 3, ".md"));
			stance_buf_printf(&rel, "%s%s", s.ids[i], is_doc ? ".md" : "");
			stance_buf_clear(&file);
			stance_buf_clear(&canon);
			stance_buf_printf(&file, "%s%s", stance_repo_workdir(repo), rel.ptr);
			if ((error = stance_file_read(&canon, file.ptr)) < 0) {
				stance_buf_dispose(&rel);
				goto done;
			}
			if (is_doc) {
				if ((error = stance_document_parse(&doc, stance_buf_cstr(&canon), canon.size, file.ptr)) == 0) {
					stance_buf_clear(&canon);
					error = stance_document_serialize(&canon, doc);
					stance_document_free(doc);
				}
			}
			if (!error && ((error = git_blob_create_from_buffer(&blob, git, canon.ptr ? canon.ptr : "", canon.size)) < 0 ||
			    (error = index_put(idx, rel.ptr, &blob, GIT_FILEMODE_BLOB)) < 0))
				error = stance_git_error(error, "cannot store %s", rel.ptr);
			stance_buf_dispose(&rel);
			if (error < 0)
				goto done;
		}
	}
	if ((error = git_index_write_tree_to(&tree_id, idx, git)) < 0) {
		error = stance_git_error(error, "cannot write the merged tree");
		goto done;
	}
	stance_buf_printf(&msg, "Merge %s of %s\n", s.branch, s.remote);
	if ((error = make_merge_commit(&mid, &c, &tree_id, ours, theirs, msg.ptr)) < 0)
		goto done;
	/* the working folder holds our pick (plus the user's choices): bring
	 * the files that differ from the final tree to it */
	if ((error = differing_paths(&paths, git, &s.pick_ours, &mid)) < 0 ||
	    (error = add_paths(&paths, s.paths, s.npaths)) < 0 ||
	    (error = unstage_conflicts(git, &s, &s.pick_ours)) < 0)
		goto done;
	{
		git_commit *mc = NULL;
		git_checkout_options co;
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		git_reference *r = NULL;
		if ((error = git_commit_lookup(&mc, git, &mid)) < 0 || (error = git_commit_tree(&final_tree, mc)) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot read the merge commit");
			goto done;
		}
		if ((error = git_reference_create(&r, git, ref.ptr, &mid, 1, "stance sync --continue")) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot move %s", ref.ptr);
			goto done;
		}
		git_reference_free(r);
		if (paths.count) {
			co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
			co.paths = paths;
			git_checkout_tree(git, (git_object *)mc, &co);
		}
		git_commit_free(mc);
		if ((error = git_repository_index(&repo_idx, git)) < 0 ||
		    (error = git_index_read_tree(repo_idx, final_tree)) < 0 || (error = git_index_write(repo_idx)) < 0) {
			error = stance_git_error(error, "cannot update the index");
			goto done;
		}
	}
	clear_state(git);
	if (result) {
		result->outcome = STANCE_SYNC_MERGED;
		git_oid_tostr(result->head, sizeof(result->head), &mid);
		for (i = 0; i < s.nids; i++)
			sync_result_add_merged(result, s.ids[i]);
	}
	if (remote_out)
		error = stance_buf_puts(remote_out, s.remote);
done:
	git_strarray_dispose(&paths);
	git_tree_free(final_tree);
	git_tree_free(pick_tree);
	git_index_free(idx);
	git_index_free(repo_idx);
	git_commit_free(ours);
	git_commit_free(theirs);
	git_commit_free(pick);
	stance_buf_dispose(&file);
	stance_buf_dispose(&canon);
	stance_buf_dispose(&msg);
	stance_buf_dispose(&ref);
	saved_state_free(&s);
	sync_ctx_dispose(&c);
	return error;
}
