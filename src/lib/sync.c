/*
 * sync.c: clone, pull, push and sync through libgit2: the runner that
 * fetches, hands the branches to the merge (sync_merge.c) and pushes, with
 * a compare-and-swap push of its own for a remote in a folder on this
 * machine; and the result every operation fills.
 *
 * The merge never rewrites: a fast-forward when one side has nothing new,
 * otherwise a merge commit whose parents are both tips, so every revision
 * either side had stays reachable from the main branch.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "sync_internal.h"

/* ---------------------------------------------------------------- results */

void stance_sync_result_clear(stance_sync_result *r)
{
	size_t i;
	if (!r)
		return;
	free(r->remote);
	free(r->url);
	free(r->branch);
	for (i = 0; i < r->merged_count; i++)
		free(r->merged[i]);
	free(r->merged);
	for (i = 0; i < r->conflict_count; i++) {
		free(r->conflicts[i].id);
		free(r->conflicts[i].passage);
	}
	free(r->conflicts);
	memset(r, 0, sizeof(*r));
}

/* Records a merged document in the result (a copy; the result owns it), once. */
int sync_result_add_merged(stance_sync_result *r, const char *id)
{
	char **grown;
	size_t i;
	for (i = 0; i < r->merged_count; i++)
		if (!strcmp(r->merged[i], id))
			return 0;
	if (!(grown = realloc(r->merged, (r->merged_count + 1) * sizeof(*grown))))
		return stance_error_oom();
	r->merged = grown;
	if (!(grown[r->merged_count] = stance_strdup(id)))
		return STANCE_ERROR;
	r->merged_count++;
	return 0;
}

/* Records a conflicting passage in the result; the result owns the copies. */
int sync_result_add_conflict(stance_sync_result *r, const char *id, const char *passage)
{
	stance_sync_conflict *grown = realloc(r->conflicts, (r->conflict_count + 1) * sizeof(*grown));
	if (!grown)
		return stance_error_oom();
	r->conflicts = grown;
	grown[r->conflict_count].id = stance_strdup(id);
	grown[r->conflict_count].passage = stance_strdup(passage);
	if (!grown[r->conflict_count].id || !grown[r->conflict_count].passage) {
		free(grown[r->conflict_count].id);
		free(grown[r->conflict_count].passage);
		return STANCE_ERROR;
	}
	r->conflict_count++;
	return 0;
}

/* ---------------------------------------------------------------- helpers */

/* The branch HEAD names ("main"), appended to `out`. */
int sync_main_branch(stance_buf *out, git_repository *git)
{
	git_reference *head = NULL;
	int error = git_reference_lookup(&head, git, "HEAD");
	if (error < 0)
		return stance_git_error(error, "cannot read HEAD");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    !strncmp(git_reference_symbolic_target(head), "refs/heads/", 11))
		error = stance_buf_puts(out, git_reference_symbolic_target(head) + 11);
	else
		error = stance_error_set(STANCE_EINVALID, "HEAD is not on a branch; check out the main branch first");
	git_reference_free(head);
	return error;
}

/* Resolves `ref` to a commit id; 1 when it exists, 0 when not. */
int sync_ref_oid(git_oid *out, git_repository *git, const char *ref)
{
	int error = git_reference_name_to_id(out, git, ref);
	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return stance_git_error(error, "cannot read %s", ref);
	return 1;
}

/* Commits reachable from `tip` and not from `hide` (NULL: none). */
int sync_count_new(size_t *out, git_repository *git, const git_oid *tip, const git_oid *hide)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int error;
	*out = 0;
	if ((error = git_revwalk_new(&walk, git)) < 0 || (error = git_revwalk_push(walk, tip)) < 0 ||
	    (hide && (error = git_revwalk_hide(walk, hide)) < 0)) {
		error = stance_git_error(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0)
		(*out)++;
	error = error == GIT_ITEROVER ? 0 : stance_git_error(error, "cannot walk the history");
done:
	git_revwalk_free(walk);
	return error;
}


/* Copies remote, URL and branch names into the result, which owns them. */
int sync_fill_result_names(sync_ctx *c, const char *branch)
{
	stance_sync_result *r = c->result;
	if (!r->remote && !(r->remote = stance_strdup(c->remote_name)))
		return STANCE_ERROR;
	if (!r->url && !(r->url = stance_strdup(stance_buf_cstr(&c->url))))
		return STANCE_ERROR;
	if (branch && !r->branch && !(r->branch = stance_strdup(branch)))
		return STANCE_ERROR;
	return 0;
}

/* ---------------------------------------------------------------- pull */

/* Fetches every branch of the remote into refs/remotes/<remote>/; counts what came. */
static int do_fetch(sync_ctx *c, git_remote *remote)
{
	git_fetch_options fo;
	const git_indexer_progress *stats;
	int error;

	{
		/* from a folder on this machine: the new objects copied (sync_fetch.c) */
		stance_buf path = STANCE_BUF_INIT;
		int local = sync_local_remote_path(&path, c);
		if (local > 0)
			local = sync_fetch_local(c, remote, path.ptr);
		stance_buf_dispose(&path);
		if (local != 0)
			return local < 0 ? local : 0;
	}
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	sync_set_callbacks(&fo.callbacks, c);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	c->userpass_tries = 0;
	c->ssh_step = 0;
	if ((error = git_remote_fetch(remote, NULL, &fo, "stance fetch")) < 0)
		return sync_transfer_error(c, error, "fetching from remote");
	sync_credential_verdict(c, 1);
	stats = git_remote_stats(remote);
	c->result->objects_in += stats->received_objects;
	c->result->bytes_in += stats->received_bytes;
	return 0;
}

/* Puts the branch's commit id into the result. */
static int head_hex(sync_ctx *c, const char *branch)
{
	stance_buf ref = STANCE_BUF_INIT;
	git_oid id;
	int error;
	stance_buf_printf(&ref, "refs/heads/%s", branch);
	if ((error = sync_ref_oid(&id, c->git, ref.ptr)) > 0)
		git_oid_tostr(c->result->head, sizeof(c->result->head), &id);
	stance_buf_dispose(&ref);
	return error < 0 ? error : 0;
}

/* Fetch, then merge main and snapshots; the remote is the caller's. */
static int pull_with(sync_ctx *c, git_remote *remote, const char *branch)
{
	int error;
	if (stance_sync_in_progress(c->repo))
		return sync_refuse_while_waiting(c);
	if ((error = do_fetch(c, remote)) < 0)
		return error;
	if ((error = sync_merge_branch(c, branch, 1, 1)) < 0)
		return error;
	if (strcmp(branch, SNAPSHOTS) && (error = sync_merge_branch(c, SNAPSHOTS, 0, 0)) < 0)
		return error;
	return head_hex(c, branch);
}

/* The options' version must be the one this library was built with: the
 * struct grew with it. */
static int check_options(const stance_sync_options *opts)
{
	if (opts && opts->version != STANCE_SYNC_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_sync_options: unknown version %u (this library "
			"takes version %d: initialise the options with STANCE_SYNC_OPTIONS_INIT)",
			opts->version, STANCE_SYNC_OPTIONS_VERSION);
	return 0;
}

/* Sets up the context for an operation on `remote_name` (default "origin"):
 * the main branch's name into `branch`, the remote into `remote` (caller frees). */
static int ctx_begin(sync_ctx *c, git_remote **remote, stance_buf *branch, stance_sync_result *result,
	stance_repo *repo, const char *remote_name, const stance_sync_options *opts)
{
	int error;
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->git = stance_repo_git(repo);
	c->opts = opts;
	c->result = result;
	c->remote_name = remote_name && *remote_name ? remote_name : "origin";
	if ((error = check_options(opts)) < 0)
		return error;
	if ((error = sync_main_branch(branch, c->git)) < 0 || (error = sync_remote_open(remote, c)) < 0)
		return error;
	return sync_fill_result_names(c, branch->ptr);
}

/* See sync.h. */
int stance_sync_pull(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) == 0)
		error = pull_with(&c, remote, branch.ptr);
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	sync_ctx_dispose(&c);
	return error;
}

/* ---------------------------------------------------------------- local push */

/* The folder a local remote (a path or file://) names, appended to `out`;
 * 0 when the URL is not local. */
int sync_local_remote_path(stance_buf *out, sync_ctx *c)
{
	const char *url = c->raw_url ? c->raw_url : "";
	if (!strncmp(url, "file://", 7))
		return stance_buf_puts(out, url + 7) < 0 ? STANCE_ERROR : 1;
	if (strstr(url, "://") || (strchr(url, ':') && (!strchr(url, '/') || strchr(url, ':') < strchr(url, '/'))))
		return 0;
	if (url[0] != '/' && stance_buf_puts(out, stance_repo_workdir(c->repo)) < 0)
		return STANCE_ERROR;
	return stance_buf_puts(out, url) < 0 ? STANCE_ERROR : 1;
}

typedef struct {
	git_odb_writepack *wp;
	git_indexer_progress stats;
} pack_sink;

/* Feeds packbuilder output into the remote's pack writer. */
static int pack_to_sink(void *buf, size_t size, void *payload)
{
	pack_sink *s = payload;
	return s->wp->append(s->wp, buf, size, &s->stats);
}

/* The commits to send: ours, without what the remote's branches have. */
static int push_walk(git_revwalk **out, git_repository *git, const git_oid *ours, const git_oid *theirs,
	const int *has_theirs, size_t n)
{
	size_t i;
	int error;
	if ((error = git_revwalk_new(out, git)) < 0)
		return error;
	for (i = 0; i < n; i++) {
		if (has_theirs[i] && git_revwalk_hide(*out, &theirs[i]) < 0)
			git_error_clear();
		if ((error = git_revwalk_push(*out, &ours[i])) < 0)
			return error;
	}
	return 0;
}

/*
 * Pushes branches `names` to the repository in a folder on this machine.
 * libgit2's file transport overwrites the remote's branch without checking
 * that nobody moved it meanwhile, so two clones pushing at once could lose
 * one's commits; here the objects are written first and each branch then
 * moves only if it still is where we saw it (compare-and-swap under git's
 * ref lock), as a git server does. STANCE_ECONFLICT when it moved.
 */
static int local_push(sync_ctx *c, const char *path, const char *const *names, size_t n)
{
	git_repository *remote = NULL, *packing = NULL;
	git_odb *odb = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	sync_object_list objects = { NULL, 0, 0 };
	pack_sink sink;
	stance_buf ref = STANCE_BUF_INIT;
	git_oid theirs[2], ours[2];
	int has_theirs[2] = { 0, 0 };
	size_t i;
	int error;

	memset(&sink, 0, sizeof(sink));
	if ((error = git_repository_open_bare(&remote, path)) < 0 &&
	    (error = git_repository_open(&remote, path)) < 0) {
		error = sync_transfer_error(c, error, "pushing to remote");
		goto done;
	}
	if (!git_repository_is_bare(remote)) {
		error = stance_error_set(STANCE_EINVALID, "remote '%s' (%s) has a working folder; push to a "
			"bare repository (git init --bare)", c->remote_name, c->url.ptr);
		goto done;
	}
	for (i = 0; i < n; i++) {
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", names[i]);
		if ((error = sync_ref_oid(&ours[i], c->git, ref.ptr)) <= 0) {
			if (!error)
				error = stance_error_set(STANCE_ENOTFOUND, "there is no branch %s to push", names[i]);
			goto done;
		}
		if ((error = has_theirs[i] = sync_ref_oid(&theirs[i], remote, ref.ptr)) < 0)
			goto done;
		error = 0;
		/* theirs must be in our history, or we would overwrite it */
		if (has_theirs[i] && !git_oid_equal(&ours[i], &theirs[i]) &&
		    git_graph_descendant_of(c->git, &ours[i], &theirs[i]) != 1) {
			git_error_clear();
			error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) has commits this repository does not "
				"have yet; run 'stance sync' to merge them first", c->remote_name, c->url.ptr);
			goto done;
		}
	}
	if ((error = git_repository_odb(&odb, remote)) < 0 ||
	    (error = push_walk(&walk, c->git, ours, theirs, has_theirs, n)) < 0)
		goto git_fail;
	if ((error = sync_list_new_objects(&objects, c->git, odb, walk)) < 0)
		goto done;
	if (objects.count <= STANCE_WHOLE_PACK_MAX) {
		/* a few objects loose, up to a few thousand as one pack of whole
		 * objects; either way the remote's branches move only after */
		size_t bytes;
		int loose = objects.count <= SYNC_LOOSE_MAX;
		if ((error = loose ? sync_copy_objects(&bytes, c->git, remote, odb, &objects)
				   : sync_write_pack(&bytes, c->git, odb, &objects, c->url.ptr)) < 0) {
			char why[512];
			snprintf(why, sizeof(why), "%s", stance_error_last());
			error = stance_error_set(STANCE_ERROR, "pushing to remote '%s' (%s) failed: %s%s%s; its branches "
				"were not moved", c->remote_name, c->url.ptr, loose ? "its objects folder did not take the new "
				"commits (" : "", why, loose ? ")" : "");
			goto done;
		}
		sync_report_progress(c, STANCE_SYNC_SENDING, objects.count, objects.count, bytes);
	} else {
		/* many objects: one pack, with deltas between them */
		git_revwalk_free(walk);
		walk = NULL;
		/* the delta search kept to an object's nearest neighbours (by
		 * path: the previous versions of the same document), as the
		 * import's packs are (batch.c): with libgit2's default window the
		 * search was most of a push of a hundred revisions */
		if ((error = git_repository_open(&packing, git_repository_path(c->git))) < 0 ||
		    (error = stance_git_packbuilder_new(&pb, packing, "[pack]\n\twindowMemory = 16k\n")) < 0 ||
		    (error = push_walk(&walk, packing, ours, theirs, has_theirs, n)) < 0)
			goto git_fail;
		git_packbuilder_set_threads(pb, 0);
		if ((error = git_packbuilder_insert_walk(pb, walk)) < 0)
			goto git_fail;
		if (git_packbuilder_object_count(pb) > 0 &&
		    ((error = git_odb_write_pack(&sink.wp, odb, NULL, NULL)) < 0 ||
		    (error = git_packbuilder_foreach(pb, pack_to_sink, &sink)) < 0 ||
		    (error = sink.wp->commit(sink.wp, &sink.stats)) < 0))
			goto git_fail;
		sync_report_progress(c, STANCE_SYNC_SENDING, git_packbuilder_object_count(pb),
			git_packbuilder_object_count(pb), git_packbuilder_written(pb));
	}
	/* the remote must have every commit its branches will name: libgit2 can
	 * report a pack written where none could be (see batch.c) */
	git_odb_refresh(odb);
	for (i = 0; i < n; i++)
		if (!git_odb_exists(odb, &ours[i])) {
			error = stance_error_set(STANCE_ERROR, "pushing to remote '%s' (%s) failed: its objects "
				"folder did not take the new commits; its branches were not moved", c->remote_name, c->url.ptr);
			goto done;
		}
	for (i = 0; i < n; i++) {
		git_reference *r = NULL;
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", names[i]);
		if (has_theirs[i])
			error = git_reference_create_matching(&r, remote, ref.ptr, &ours[i], 1, &theirs[i], "stance push");
		else
			error = git_reference_create(&r, remote, ref.ptr, &ours[i], 0, "stance push");
		git_reference_free(r);
		if (error == GIT_EMODIFIED || error == GIT_EEXISTS || error == GIT_ELOCKED) {
			/* somebody pushed in between, or is pushing now (the ref is
			 * locked): merge their commits first */
			git_error_clear();
			error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) moved while we pushed; run 'stance sync' "
				"to merge its new commits", c->remote_name, c->url.ptr);
			goto done;
		}
		if (error < 0)
			goto git_fail;
	}
	error = 0;
	goto done;
git_fail:
	error = sync_transfer_error(c, error, "pushing to remote");
done:
	if (sink.wp)
		sink.wp->free(sink.wp);
	git_odb_free(odb);
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	git_repository_free(packing);
	sync_object_list_dispose(&objects);
	git_repository_free(remote);
	stance_buf_dispose(&ref);
	return error;
}

/* ---------------------------------------------------------------- push */

static int push_with(sync_ctx *c, git_remote *remote, const char *branch)
{
	git_push_options po;
	stance_buf specs[2] = { STANCE_BUF_INIT, STANCE_BUF_INIT }, ref = STANCE_BUF_INIT,
		track = STANCE_BUF_INIT;
	char *spec_ptrs[2];
	git_strarray refspecs;
	const char *branches[2];
	git_oid before[2], after;
	int had[2] = { 0, 0 }, has[2] = { 0, 0 };
	size_t i, n, nspecs = 0;
	int error = 0;

	branches[0] = branch;
	branches[1] = SNAPSHOTS;
	for (i = 0; i < 2; i++) {
		git_oid local;
		stance_buf_clear(&ref);
		stance_buf_clear(&track);
		stance_buf_printf(&ref, "refs/heads/%s", branches[i]);
		stance_buf_printf(&track, "refs/remotes/%s/%s", c->remote_name, branches[i]);
		if ((error = has[i] = sync_ref_oid(&local, c->git, ref.ptr)) < 0 ||
		    (error = had[i] = sync_ref_oid(&before[i], c->git, track.ptr)) < 0)
			goto done;
		if (!has[i] || (had[i] && git_oid_equal(&local, &before[i])))
			continue; /* nothing to send */
		stance_buf_printf(&specs[nspecs], "refs/heads/%s:refs/heads/%s", branches[i], branches[i]);
		spec_ptrs[nspecs] = specs[nspecs].ptr;
		nspecs++;
		if (i == 1 && !strcmp(branch, SNAPSHOTS))
			break;
	}
	error = 0;
	if (!nspecs)
		goto done;
	{
		stance_buf lpath = STANCE_BUF_INIT;
		int local = sync_local_remote_path(&lpath, c);
		if (local < 0) {
			error = local;
			stance_buf_dispose(&lpath);
			goto done;
		}
		if (local) {
			const char *names[2];
			size_t k, nn = 0;
			for (k = 0; k < nspecs; k++)
				names[nn++] = strchr(specs[k].ptr, ':') + 1 + 11; /* after "refs/heads/" */
			error = local_push(c, lpath.ptr, names, nn);
			stance_buf_dispose(&lpath);
			if (error < 0)
				goto done;
			goto pushed;
		}
		stance_buf_dispose(&lpath);
	}
	refspecs.strings = spec_ptrs;
	refspecs.count = nspecs;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	sync_set_callbacks(&po.callbacks, c);
	c->userpass_tries = 0;
	c->ssh_step = 0;
	c->rejected_nonff = 0;
	stance_buf_clear(&c->rejection);
	stance_buf_clear(&c->remote_says);
	error = git_remote_push(remote, &refspecs, &po);
	if (error == GIT_ENONFASTFORWARD || (error == 0 && c->rejected_nonff)) {
		error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) has commits this repository does not "
			"have yet; run 'stance sync' to merge them first", c->remote_name, c->url.ptr);
		goto done;
	}
	if (error < 0) {
		error = sync_transfer_error(c, error, "pushing to remote");
		goto done;
	}
	sync_credential_verdict(c, 1);
	if (c->rejection.size) {
		error = stance_error_set(STANCE_EHTTP, "remote '%s' (%s) refused the push: %s%s%s%s",
			c->remote_name, c->url.ptr, c->rejection.ptr,
			c->remote_says.size ? " (the remote said: " : "", stance_buf_cstr(&c->remote_says),
			c->remote_says.size ? ")" : "");
		goto done;
	}
pushed:
	for (i = 0; i < 2; i++) {
		if (!has[i])
			continue;
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", branches[i]);
		if (sync_ref_oid(&after, c->git, ref.ptr) <= 0)
			continue;
		/* libgit2 moves our tracking refs only as far as it knows; make
		 * them say what the remote now has */
		stance_buf_clear(&track);
		stance_buf_printf(&track, "refs/remotes/%s/%s", c->remote_name, branches[i]);
		{
			git_reference *r = NULL;
			if (git_reference_create(&r, c->git, track.ptr, &after, 1, "stance push") == 0)
				git_reference_free(r);
		}
		if (sync_count_new(&n, c->git, &after, had[i] ? &before[i] : NULL) == 0) {
			if (i == 0)
				c->result->commits_out += n;
			else
				c->result->snapshots_out += n;
		}
	}
done:
	stance_buf_dispose(&specs[0]);
	stance_buf_dispose(&specs[1]);
	stance_buf_dispose(&ref);
	stance_buf_dispose(&track);
	return error;
}

/* See sync.h. */
int stance_sync_push(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) == 0) {
		if (stance_sync_in_progress(repo))
			error = sync_refuse_while_waiting(&c);
		else
			error = push_with(&c, remote, branch.ptr);
		if (!error)
			error = head_hex(&c, branch.ptr);
	}
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	sync_ctx_dispose(&c);
	return error;
}

/* See sync.h: pull, push, and again while the remote moved in between. */
int stance_sync_run(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error, tries = opts && opts->max_retries > 0 ? opts->max_retries : 5, attempt;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) < 0)
		goto done;
	for (attempt = 0;; attempt++) {
		if ((error = pull_with(&c, remote, branch.ptr)) < 0)
			break;
		error = push_with(&c, remote, branch.ptr);
		if (error != STANCE_ECONFLICT || attempt >= tries)
			break;
		/* the remote moved between our fetch and our push: again, after
		 * a pause that grows and differs between processes, so that two
		 * clones retrying at once do not keep meeting */
		result->retries++;
		{
			struct timespec pause = { 0, (long)(20 + (getpid() % 7) * 10 + attempt * 50) * 1000000L };
			nanosleep(&pause, NULL);
		}
	}
	if (!error)
		error = head_hex(&c, branch.ptr);
done:
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	sync_ctx_dispose(&c);
	return error;
}

/* ---------------------------------------------------------------- clone */

/* Removes everything in the folder open as `fd` (closed here), never
 * following a symbolic link; -1 when something stayed. */
static int remove_contents(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int error = 0;
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int sub;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			error = -1;
		} else if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0 || remove_contents(sub) < 0 || unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0)
				error = -1;
		} else if (unlinkat(dirfd(d), e->d_name, 0) < 0) {
			error = -1;
		}
	}
	closedir(d);
	return error;
}

/* A URL that is a plain path (not scheme://, not scp-like host:path). */
static int is_local_path(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	if (strstr(url, "://"))
		return 0;
	return !colon || (slash && slash < colon);
}

/* See sync.h. */
int stance_sync_clone(stance_repo **out, stance_sync_result *result, const char *url,
	const char *path, const stance_sync_options *opts)
{
	git_clone_options co;
	git_repository *git = NULL;
	git_reference *r = NULL;
	sync_ctx c;
	stance_buf cfg = STANCE_BUF_INIT;
	struct stat st;
	int error, existed = stat(path, &st) == 0;
	git_oid id;

	if (out)
		*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((error = check_options(opts)) < 0)
		return error;
	c.opts = opts;
	c.result = result;
	c.remote_name = "origin";
	c.raw_url = url;
	stance_url_redact(&c.url, url);
	if ((error = sync_fill_result_names(&c, NULL)) < 0)
		goto done;
	stance_git_init();
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	sync_set_callbacks(&co.fetch_opts.callbacks, &c);
	co.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	co.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.checkout_opts.progress_cb = sync_checkout_progress;
	co.checkout_opts.progress_payload = &c;
	/* From a folder on this machine (a path or file://) copy the objects as
	 * they are, hard-linked where possible, as `git clone PATH` does: libgit2's
	 * file transport would rebuild every delta of the history instead. */
	if (!strncmp(url, "file://", 7) || !strstr(url, "://"))
		co.local = GIT_CLONE_LOCAL;
	if (existed && !S_ISDIR(st.st_mode)) {
		error = stance_error_set(STANCE_EEXISTS, "%s exists and is not a folder", path);
		goto done;
	}
	/* A path that names nothing: libgit2 would take it for a URL of an
	 * unknown scheme ("unsupported URL protocol"); say what is wrong. */
	if (is_local_path(url) && access(url, F_OK) != 0) {
		error = stance_error_set(STANCE_ENOTFOUND, "there is no repository at %s: no such folder (%s)",
			c.url.ptr, strerror(errno));
		goto done;
	}
	if ((error = git_clone(&git, url, path, &co)) < 0) {
		if (error == GIT_EEXISTS)
			error = stance_error_set(STANCE_EEXISTS, "%s exists and is not empty; clone into a new folder", path);
		else
			error = sync_transfer_error(&c, error, "cloning from remote");
		goto done;
	}
	/* a remote whose HEAD names no branch (a bare repository made with
	 * master as HEAD that only ever got main): check out main */
	if (git_repository_head_unborn(git) == 1 && sync_ref_oid(&id, git, "refs/remotes/origin/main") > 0) {
		git_commit *mc = NULL;
		git_checkout_options mco;
		git_checkout_options_init(&mco, GIT_CHECKOUT_OPTIONS_VERSION);
		mco.checkout_strategy = GIT_CHECKOUT_SAFE;
		if ((error = git_reference_create(&r, git, "refs/heads/main", &id, 0, "stance clone")) < 0 ||
		    (error = git_repository_set_head(git, "refs/heads/main")) < 0 ||
		    (error = git_commit_lookup(&mc, git, &id)) < 0 ||
		    (error = git_checkout_tree(git, (git_object *)mc, &mco)) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot check out main");
			goto cleanup_dir;
		}
		git_commit_free(mc);
		git_reference_free(r);
		r = NULL;
	}
	sync_credential_verdict(&c, 1);
	stance_buf_printf(&cfg, "%s.stance/config", git_repository_workdir(git) ? git_repository_workdir(git) : path);
	if (access(cfg.ptr, F_OK) != 0) {
		error = stance_error_set(STANCE_ENOTREPO, "%s is a git repository but not a stance repository "
			"(it has no .stance/config); nothing was cloned", c.url.ptr);
		goto cleanup_dir;
	}
	/* carry the snapshots branch as a local branch too */
	if ((error = sync_ref_oid(&id, git, "refs/remotes/origin/" SNAPSHOTS)) > 0) {
		if ((error = git_reference_create(&r, git, "refs/heads/" SNAPSHOTS, &id, 1, "stance clone")) < 0) {
			error = stance_git_error(error, "cannot create the snapshots branch");
			goto cleanup_dir;
		}
	}
	if (error < 0 || (error = stance_repo_install_hooks(git)) < 0)
		goto cleanup_dir;
	if (result) {
		/* commits are not counted: walking a long history (100,000
		 * commits) would cost more than the rest of the clone */
		if (sync_ref_oid(&id, git, "HEAD") > 0)
			git_oid_tostr(result->head, sizeof(result->head), &id);
		result->objects_in = c.seen_objects;
		result->bytes_in = c.seen_bytes;
		result->outcome = STANCE_SYNC_FAST_FORWARD;
		{
			stance_buf b = STANCE_BUF_INIT;
			if (sync_main_branch(&b, git) == 0 && !result->branch)
				result->branch = stance_buf_detach(&b);
			stance_buf_dispose(&b);
		}
	}
	git_repository_free(git);
	git = NULL;
	error = out ? stance_repo_open(out, path) : 0;
	goto done;
cleanup_dir:
	git_repository_free(git);
	git = NULL;
	{
		/* remove what the clone wrote: nothing half-written stays; an
		 * empty folder the caller gave is left empty */
		int keep = error, fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			remove_contents(fd);
		if (!existed)
			rmdir(path);
		error = keep;
	}
done:
	git_reference_free(r);
	git_repository_free(git);
	stance_buf_dispose(&cfg);
	sync_ctx_dispose(&c);
	return error;
}
