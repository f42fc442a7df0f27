/*
 * sync_pack.c: the new objects of a push to, or a pull from, a repository
 * in a folder on this machine, when there are a few hundred or thousand of
 * them (at most STANCE_WHOLE_PACK_MAX), go as one pack of whole objects
 * (git_pack.c), with those the destination has left out.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_internal.h"

/* Orders ids for sort and uniq. */
static int oid_order(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* The listed objects `dest` lacks, each once, into `out` (a new array). */
static int missing_objects(git_oid **out, size_t *count, git_odb *dest, const sync_object_list *l)
{
	git_oid *ids;
	size_t i, n = 0;

	*out = NULL;
	*count = 0;
	if (!l->count)
		return 0;
	if (!(ids = malloc(l->count * sizeof(*ids))))
		return stance_error_oom();
	memcpy(ids, l->ids, l->count * sizeof(*ids));
	qsort(ids, l->count, sizeof(*ids), oid_order);
	for (i = 0; i < l->count; i++) {
		if (n && git_oid_equal(&ids[n - 1], &ids[i]))
			continue; /* listed twice (two commits with one tree) */
		/* the folder of packs is not read again on a miss: most are */
		if (git_odb_exists_ext(dest, &ids[i], GIT_ODB_LOOKUP_NO_REFRESH))
			continue;
		git_oid_cpy(&ids[n++], &ids[i]);
	}
	*out = ids;
	*count = n;
	return 0;
}

int sync_write_pack(size_t *bytes, git_repository *git, git_odb *dest, const sync_object_list *l,
	const char *dest_name)
{
	git_odb *odb = NULL;
	git_oid *ids = NULL;
	size_t n = 0;
	int error;

	*bytes = 0;
	if ((error = missing_objects(&ids, &n, dest, l)) < 0 || !n)
		goto done;
	if ((error = git_repository_odb(&odb, git)) < 0) {
		error = stance_git_error(error, "cannot write a pack into %s", dest_name);
		goto done;
	}
	error = stance_git_write_whole_pack(bytes, odb, dest, ids, n, dest_name);
done:
	git_odb_free(odb);
	free(ids);
	return error < 0 ? error : 0;
}
