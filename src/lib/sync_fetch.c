/*
 * sync_fetch.c: a fetch from a repository in a folder on this machine
 * copies the few objects it lacks straight from that repository's object
 * database, as a push to a folder does (sync_copy.c, sync_pack.c).
 *
 * Through libgit2's local transport the same fetch packs the remote's
 * objects with libgit2's pack builder, which searches deltas with its
 * default window among every new object and compresses at zlib's default
 * level: for a hundred new revisions (400 objects) that was nine tenths of
 * the pull. Here each new commit's tree is compared with its parent's and
 * what differs is written loose or as one pack without deltas. When the
 * remote has more than STANCE_WHOLE_PACK_MAX new objects, a remote-tracking
 * rule is not a forced one (+), or the fetch needs anything else, libgit2's
 * fetch does it as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_internal.h"

/* The remote's branches that come, each with where it goes here. */
#define MAX_BRANCHES 64

typedef struct {
	char *name;               /* refs/remotes/<remote>/<branch> */
	git_oid id;
} tracking;

/* Lists the remote's branches and their remote-tracking names into `t`;
 * 0 with *n left at 0 when libgit2's fetch should do this one. */
static int list_branches(tracking *t, size_t *n, git_remote *remote, git_repository *theirs)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t k, nspecs = git_remote_refspec_count(remote);
	int error, give_up = 0;

	*n = 0;
	if ((error = git_reference_iterator_glob_new(&it, theirs, "refs/heads/*")) < 0)
		return stance_git_error(error, "cannot list the remote's branches");
	while (!give_up && (error = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		int matched = 0;
		if (git_reference_type(ref) != GIT_REFERENCE_DIRECT || *n == MAX_BRANCHES)
			give_up = 1;
		for (k = 0; k < nspecs && !give_up; k++) {
			const git_refspec *spec = git_remote_get_refspec(remote, k);
			git_buf dst = GIT_BUF_INIT;
			if (git_refspec_direction(spec) != GIT_DIRECTION_FETCH || !git_refspec_src_matches(spec, name))
				continue;
			/* one rule for a branch, and one that may move it anywhere */
			if (matched++ || !git_refspec_force(spec) || git_refspec_transform(&dst, spec, name) < 0) {
				git_error_clear();
				give_up = 1;
			} else if (!(t[*n].name = strdup(dst.ptr))) {
				error = stance_error_oom();
				give_up = 1;
			} else {
				git_oid_cpy(&t[(*n)++].id, git_reference_target(ref));
			}
			git_buf_dispose(&dst);
		}
		git_reference_free(ref);
		ref = NULL;
	}
	git_reference_iterator_free(it);
	if (error == GIT_ITEROVER)
		error = 0;
	if (error < 0 && !give_up)
		error = stance_git_error(error, "cannot list the remote's branches");
	if (give_up || error < 0) {
		for (k = 0; k < *n; k++)
			free(t[k].name);
		*n = 0;
	}
	return error < 0 ? error : 0;
}

/* The commits to copy: the remote's branches, without what any of our
 * references names (those commits the remote has too). */
static int fetch_walk(git_revwalk **out, git_repository *ours, git_repository *theirs, git_odb *their_odb,
	const tracking *t, size_t n)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t i;
	int error;

	if ((error = git_revwalk_new(out, theirs)) < 0)
		return error;
	for (i = 0; i < n; i++)
		if ((error = git_revwalk_push(*out, &t[i].id)) < 0)
			return error;
	if ((error = git_reference_iterator_new(&it, ours)) < 0)
		return error;
	while ((error = git_reference_next(&ref, it)) == 0) {
		const git_oid *id = git_reference_target(ref);
		/* a tag or a tree named by a reference is no commit to hide */
		if (id && git_odb_exists(their_odb, id) && git_revwalk_hide(*out, id) < 0)
			git_error_clear();
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return error == GIT_ITEROVER ? 0 : error;
}

int sync_fetch_local(sync_ctx *c, git_remote *remote, const char *path)
{
	git_repository *theirs = NULL;
	git_odb *their_odb = NULL, *our_odb = NULL;
	git_revwalk *walk = NULL;
	sync_object_list objects = { NULL, 0, 0 };
	tracking t[MAX_BRANCHES];
	size_t i, n = 0, bytes = 0;
	int error, done = 0;

	if ((error = git_repository_open_bare(&theirs, path)) < 0 &&
	    (error = git_repository_open(&theirs, path)) < 0) {
		error = sync_transfer_error(c, error, "fetching from remote");
		goto out;
	}
	if ((error = list_branches(t, &n, remote, theirs)) < 0 || !n)
		goto out;
	if ((error = git_repository_odb(&their_odb, theirs)) < 0 ||
	    (error = git_repository_odb(&our_odb, c->git)) < 0 ||
	    (error = fetch_walk(&walk, c->git, theirs, their_odb, t, n)) < 0) {
		error = sync_transfer_error(c, error, "fetching from remote");
		goto out;
	}
	if ((error = sync_list_new_objects(&objects, theirs, our_odb, walk)) < 0)
		goto out;
	if (objects.count > STANCE_WHOLE_PACK_MAX)
		goto out; /* many: libgit2's fetch packs them with deltas */
	if (objects.count) {
		error = objects.count <= SYNC_LOOSE_MAX ?
			sync_copy_objects(&bytes, theirs, c->git, our_odb, &objects) :
			sync_write_pack(&bytes, theirs, our_odb, &objects, stance_repo_workdir(c->repo));
		if (error < 0) {
			char why[512];
			snprintf(why, sizeof(why), "%s", stance_error_last());
			error = stance_error_set(STANCE_ERROR, "fetching from remote '%s' (%s) failed: %s; nothing was "
				"merged", c->remote_name, c->url.ptr, why);
			goto out;
		}
		if (sync_report_progress(c, STANCE_SYNC_RECEIVING, objects.count, objects.count, bytes) < 0) {
			error = sync_transfer_error(c, GIT_EUSER, "fetching from remote");
			goto out;
		}
	}
	/* every branch's commit must be here before a reference names it */
	git_odb_refresh(our_odb);
	for (i = 0; i < n; i++)
		if (!git_odb_exists(our_odb, &t[i].id)) {
			error = stance_error_set(STANCE_ERROR, "fetching from remote '%s' (%s) failed: commit %s did "
				"not arrive; nothing was merged", c->remote_name, c->url.ptr, git_oid_tostr_s(&t[i].id));
			goto out;
		}
	for (i = 0; i < n && !error; i++) {
		git_reference *r = NULL;
		git_oid now;
		if (sync_ref_oid(&now, c->git, t[i].name) > 0 && git_oid_equal(&now, &t[i].id))
			continue;
		if ((error = git_reference_create(&r, c->git, t[i].name, &t[i].id, 1, "stance fetch")) < 0)
			error = sync_transfer_error(c, error, "fetching from remote");
		git_reference_free(r);
	}
	if (!error) {
		c->result->objects_in += objects.count;
		c->result->bytes_in += bytes;
		done = 1;
	}
out:
	for (i = 0; i < n; i++)
		free(t[i].name);
	sync_object_list_dispose(&objects);
	git_revwalk_free(walk);
	git_odb_free(our_odb);
	git_odb_free(their_odb);
	git_repository_free(theirs);
	return error < 0 ? error : done;
}
