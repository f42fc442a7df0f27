/*
 * sync_copy.c: a push to a repository in a folder on this machine copies
 * the new objects into it one by one, as loose objects, when there are few
 * of them.
 *
 * libgit2's pack builder searches deltas among all the objects it packs
 * and compresses each with zlib's default level: for a hundred new
 * revisions of a hundred documents that was nine tenths of the push, and
 * found little (each document's older versions, the good bases, are not
 * in the pack). git's receive-pack also stores a small push as loose
 * objects; a larger one still goes as one pack (sync.c).
 */
#include <git2/sys/odb_backend.h>
#include <zlib.h>

#include "sync_internal.h"

/* Whether the remote has `id`. Its folder of packs is not read again on a
 * miss, as libgit2 otherwise does for each: most objects asked about here
 * are missing, and at worst one is copied that a pack there already has. */
static int known(git_odb *remote, const git_oid *id)
{
	return git_odb_exists_ext(remote, id, GIT_ODB_LOOKUP_NO_REFRESH);
}

/* Appends `id`; the list grows by doubling. */
static int list_add(sync_object_list *l, const git_oid *id)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		git_oid *grown = realloc(l->ids, cap * sizeof(*grown));
		if (!grown)
			return stance_error_oom();
		l->ids = grown;
		l->cap = cap;
	}
	git_oid_cpy(&l->ids[l->count++], id);
	return 0;
}

void sync_object_list_dispose(sync_object_list *l)
{
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

/*
 * Lists what of tree `id` the remote lacks: entries that differ from the
 * same name in `old` (the parent commit's tree there, or NULL), which the
 * remote has or which this push lists anyway. A tree the remote has holds
 * everything below it. Entries go before the tree that names them.
 */
static int list_tree(sync_object_list *l, git_repository *git, git_odb *remote, const git_oid *id,
	git_tree *old)
{
	git_tree *tree = NULL;
	size_t i, n;
	int error;

	if (known(remote, id))
		return 0;
	if ((error = git_tree_lookup(&tree, git, id)) < 0)
		return stance_git_error(error, "cannot read tree %s", git_oid_tostr_s(id));
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const git_tree_entry *o = old ? git_tree_entry_byname(old, git_tree_entry_name(e)) : NULL;
		if (o && git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)))
			continue;
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			git_tree *sub = NULL;
			if (o && git_tree_entry_type(o) == GIT_OBJECT_TREE &&
			    (error = git_tree_lookup(&sub, git, git_tree_entry_id(o))) < 0) {
				error = stance_git_error(error, "cannot read a tree");
				break;
			}
			error = list_tree(l, git, remote, git_tree_entry_id(e), sub);
			git_tree_free(sub);
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && !known(remote, git_tree_entry_id(e))) {
			error = list_add(l, git_tree_entry_id(e));
		}
	}
	if (!error)
		error = list_add(l, id);
	git_tree_free(tree);
	return error;
}

int sync_list_new_objects(sync_object_list *out, git_repository *git, git_odb *remote, git_revwalk *walk)
{
	git_oid id;
	int error;

	memset(out, 0, sizeof(*out));
	/* parents before children: the remote never holds a commit whose
	 * parent or tree it lacks, should the copy stop half-way */
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *old = NULL;
		if ((error = git_commit_lookup(&commit, git, &id)) < 0) {
			error = stance_git_error(error, "cannot read commit %s", git_oid_tostr_s(&id));
			break;
		}
		if (git_commit_parentcount(commit) > 0 &&
		    (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&old, parent) < 0))
			error = stance_git_error(GIT_ERROR, "cannot read the parent of commit %s", git_oid_tostr_s(&id));
		if (!error)
			error = list_tree(out, git, remote, git_commit_tree_id(commit), old);
		if (!error)
			error = list_add(out, &id);
		git_tree_free(old);
		git_commit_free(parent);
		git_commit_free(commit);
		if (error < 0)
			break;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	if (error < 0)
		sync_object_list_dispose(out);
	return error;
}

int sync_copy_objects(size_t *bytes, git_repository *git, git_repository *remote_repo, git_odb *remote,
	const sync_object_list *l)
{
	git_odb *odb = NULL, *loose = NULL;
	git_odb_backend *backend = NULL;
	stance_buf dir = STANCE_BUF_INIT;
	size_t i;
	int error, verify;

	*bytes = 0;
	/* compressed at zlib's fastest level, as git writes loose objects
	 * (core.looseCompression); written through an object database of the
	 * remote's loose objects alone: git_odb_write on the whole one looks for each new object in
	 * the packs first and, not finding it, reads the folder of packs again */
	stance_buf_printf(&dir, "%sobjects", git_repository_commondir(remote_repo));
	if ((error = git_repository_odb(&odb, git)) < 0 || (error = git_odb_new(&loose)) < 0 ||
	    (error = git_odb_backend_loose(&backend, dir.ptr, Z_BEST_SPEED, 0, 0, 0)) < 0)
		goto git_fail;
	if ((error = git_odb_add_backend(loose, backend, 1)) < 0) {
		backend->free(backend); /* not the database's yet */
		goto git_fail;
	}
	/* the objects are this repository's own: git_odb_write hashes each
	 * again anyway, for its name in the remote */
	verify = stance_git_verify_reads(0);
	for (i = 0; i < l->count; i++) {
		git_odb_object *o = NULL;
		git_oid written;
		if (known(remote, &l->ids[i]))
			continue; /* listed twice (two commits with one tree) */
		if ((error = git_odb_read(&o, odb, &l->ids[i])) < 0) {
			error = stance_git_error(error, "cannot read object %s", git_oid_tostr_s(&l->ids[i]));
			break;
		}
		error = git_odb_write(&written, loose, git_odb_object_data(o), git_odb_object_size(o),
			git_odb_object_type(o));
		*bytes += git_odb_object_size(o);
		git_odb_object_free(o);
		if (error < 0) {
			error = stance_git_error(error, "cannot write object %s into %s", git_oid_tostr_s(&l->ids[i]),
				dir.ptr);
			break;
		}
	}
	stance_git_verify_reads(verify);
	goto done;
git_fail:
	error = stance_git_error(error, "cannot open the objects of %s", dir.ptr);
done:
	git_odb_free(loose);
	git_odb_free(odb);
	stance_buf_dispose(&dir);
	return error < 0 ? error : 0;
}
