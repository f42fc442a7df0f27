/*
 * batch.c: many revisions committed in one go (libgit2).
 *
 * Objects go into an in-memory object store (libgit2's mempack backend) on
 * a repository handle of the batch's own: no loose object per blob, tree
 * and commit, no index write per revision. Once that store holds more than
 * the checkpoint size (STANCE_BATCH_CHECKPOINT_BYTES), the next save first
 * writes it out as a pack and empties it, as git fast-import starts a new
 * pack, so memory does not grow with the number of revisions. Only
 * stance_batch_finish() moves the branch: the packs of a batch that never
 * finishes are unreferenced objects (git gc removes them).
 */
#include "git_internal.h"
#include "stance/batch.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <git2/sys/commit.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the batch knows of one document: its blob now (whose bytes its
 * working file gets once the batch is finished; they are read back then,
 * not held). */
typedef struct {
	char *path;          /* "<id>.md"; NULL for an empty slot */
	git_oid blob;
	int touched;         /* 1 when the batch changed it */
	char *appended;      /* stance_batch_append(): all the text the batch appended, or NULL */
} entry;

/*
 * A tree builder for each folder a branch's commits changed, kept from
 * commit to commit: rebuilding a folder of hundreds of documents from its
 * tree for every commit (git_tree_create_updated) was most of the work of
 * a save. One lane for the branch, one for the snapshots branch.
 */
typedef struct {
	char *dir;               /* "" the root, "kl", "kl/udvalg" */
	git_treebuilder *tb;
} folder;

typedef struct {
	folder *v;
	size_t n, cap;
} lane;

/* One commit of the batch as it can be made again on other tips, should
 * a branch move while the batch is built without the lock (fetch). */
typedef struct {
	char *path;                  /* "<id>.md" */
	git_oid blob;
	char *message;               /* without the Snapshot: trailer */
	git_signature *author, *committer;
	char *snap_path;             /* NULL: no snapshot */
	git_oid snap_blob;
	char *append;                /* stance_batch_append(): the text appended; NULL: `blob` is the file */
	git_oid commit;              /* the commit as made (before any replay) */
	git_oid prev;                /* the file's blob before it */
	int has_prev;                /* 0: the commit added the file */
} record;

struct stance_batch {
	stance_repo *repo;
	git_repository *git;     /* the batch's own handle */
	git_odb *odb;
	git_odb_backend *mempack;
	char *branch;            /* "refs/heads/main" */
	git_oid base, last;      /* branch tip before the batch; last commit made */
	int verify_before;       /* the hash-verification setting to put back */
	ssize_t cache_before;    /* libgit2's object cache size to put back */
	int has_base, has_last;
	git_tree *base_tree;
	git_oid tree;            /* current tree */
	int has_tree;
	entry *slots;
	size_t nslots, used;
	size_t count;
	/* every object the batch wrote, with the path it sits at (deltas are
	 * searched between objects of the same path) */
	git_oid *objs;
	char **obj_names;
	size_t nobjs, capobjs;
	size_t held_bytes;       /* the bytes of the objects in the mempack now */
	size_t checkpoint_bytes; /* stance_batch_set_checkpoint(); 0: never */
	int finished;
	int skip_deltas;         /* stance_batch_skip_deltas() */
	/* the snapshots branch, read on the first save that carries one */
	git_oid snap_base, snap_last, snap_tree;
	int snap_loaded, has_snap_base, has_snap_last, has_snap_tree;
	lane main_lane, snap_lane;
	record *records;
	size_t nrecords, caprecords;
	int replayed;            /* the commits were made again on a moved branch */
	int moved_to_last;       /* stance_batch_finish() moved the branch to `last` */
};

#define SNAPSHOT_REF "refs/heads/snapshots"

/* libgit2's object cache while a batch runs. */
#define BATCH_CACHE_BYTES ((size_t)16 * 1024 * 1024)

static uint64_t hash_str(const char *s)
{
	return stance_fnv64(s, strlen(s));
}

/* Doubles the document table, moving every entry. */
static int grow(stance_batch *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 1024, i;
	entry *slots = calloc(n, sizeof(*slots)), *old = b->slots;
	if (!slots)
		return stance_error_oom();
	for (i = 0; i < b->nslots; i++) {
		size_t k;
		if (!old[i].path)
			continue;
		for (k = hash_str(old[i].path) & (n - 1); slots[k].path; k = (k + 1) & (n - 1))
			;
		slots[k] = old[i];
	}
	free(old);
	b->slots = slots;
	b->nslots = n;
	return 0;
}

/* The slot for `path`, made when `create`; NULL when absent (or no memory). */
static entry *slot(stance_batch *b, const char *path, int create)
{
	size_t k;
	if (!b->nslots || (create && (b->used + 1) * 2 > b->nslots)) {
		if (!create && !b->nslots)
			return NULL;
		if (grow(b) < 0)
			return NULL;
	}
	for (k = hash_str(path) & (b->nslots - 1); b->slots[k].path; k = (k + 1) & (b->nslots - 1))
		if (!strcmp(b->slots[k].path, path))
			return &b->slots[k];
	if (!create)
		return NULL;
	if (!(b->slots[k].path = stance_strdup(path)))
		return NULL;
	b->used++;
	return &b->slots[k];
}

/* Drops a lane's builders: the next change starts again from the lane's
 * last committed root. */
static void lane_reset(lane *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].dir);
		git_treebuilder_free(l->v[i].tb);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void stance_batch_free(stance_batch *b)
{
	size_t i;
	int verify_before;
	if (!b)
		return;
	lane_reset(&b->main_lane);
	lane_reset(&b->snap_lane);
	for (i = 0; i < b->nrecords; i++) {
		free(b->records[i].path);
		free(b->records[i].message);
		free(b->records[i].snap_path);
		free(b->records[i].append);
		git_signature_free(b->records[i].author);
		git_signature_free(b->records[i].committer);
	}
	free(b->records);
	for (i = 0; i < b->nslots; i++) {
		free(b->slots[i].path);
		free(b->slots[i].appended);
	}
	free(b->slots);
	for (i = 0; i < b->nobjs; i++)
		free(b->obj_names[i]);
	free(b->objs);
	free(b->obj_names);
	if (b->mempack && !b->finished)
		git_mempack_reset(b->mempack);
	git_tree_free(b->base_tree);
	git_odb_free(b->odb);
	git_repository_free(b->git);
	free(b->branch);
	verify_before = b->verify_before;
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, b->cache_before);
	free(b);
	stance_git_verify_reads(verify_before);
}

int stance_batch_new(stance_batch **out, stance_repo *repo)
{
	stance_batch *b = calloc(1, sizeof(*b));
	git_reference *head = NULL;
	git_commit *commit = NULL;
	int error;

	if (!b)
		return stance_error_oom();
	b->repo = repo;
	b->checkpoint_bytes = STANCE_BATCH_CHECKPOINT_BYTES;
	stance_git_init();
	/* Each commit of the batch rewrites the trees above its document from
	 * the tree before: keep those trees in libgit2's object cache even when
	 * a folder holds hundreds of documents (its default caches trees of up
	 * to 4 KB), and do not hash again each object the batch reads back: it
	 * wrote them itself (verification comes back in stance_batch_free). The
	 * two settings are the process's; a stance process runs one batch at a
	 * time. Together they halved the work of a fetch run's saves. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1024 * 1024);
	b->verify_before = stance_git_verify_reads(0);
	/* The packer reads every tree and commit of a checkpoint back through
	 * that cache, which (at its default of 256 MB) would then grow with the
	 * number of revisions; the batch needs only the folders it is changing. */
	{
		ssize_t current = 0;
		git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &current, &b->cache_before);
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)BATCH_CACHE_BYTES);
	}
	if ((error = git_repository_open(&b->git, git_repository_path(stance_repo_git(repo)))) < 0 ||
	    (error = git_repository_odb(&b->odb, b->git)) < 0 ||
	    (error = git_mempack_new(&b->mempack)) < 0 ||
	    (error = git_odb_add_backend(b->odb, b->mempack, 999)) < 0) {
		error = stance_git_error(error, "cannot prepare the import");
		goto done;
	}
	/* the branch HEAD names, born or not */
	if ((error = git_reference_lookup(&head, b->git, "HEAD")) < 0) {
		error = stance_git_error(error, "cannot read HEAD");
		goto done;
	}
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		b->branch = stance_strdup(git_reference_symbolic_target(head));
	else
		b->branch = stance_strdup("HEAD");
	if (!b->branch) {
		error = STANCE_ERROR;
		goto done;
	}
	if (git_reference_name_to_id(&b->base, b->git, b->branch) == 0) {
		b->has_base = 1;
		if ((error = git_commit_lookup(&commit, b->git, &b->base)) < 0 ||
		    (error = git_commit_tree(&b->base_tree, commit)) < 0) {
			error = stance_git_error(error, "cannot read the branch %s", b->branch);
			goto done;
		}
		git_oid_cpy(&b->tree, git_tree_id(b->base_tree));
		b->has_tree = 1;
	}
	git_error_clear();
	*out = b;
	b = NULL;
	error = 0;
done:
	git_commit_free(commit);
	git_reference_free(head);
	stance_batch_free(b);
	return error;
}

void stance_batch_skip_deltas(stance_batch *b)
{
	b->skip_deltas = 1;
}

void stance_batch_set_checkpoint(stance_batch *b, size_t bytes)
{
	b->checkpoint_bytes = bytes;
}

size_t stance_batch_count(const stance_batch *b)
{
	return b->count;
}

/* The blob `path` has now: in the batch, else in the branch's tree. */
static int current_blob(git_oid *out, stance_batch *b, const char *path)
{
	entry *e = slot(b, path, 0);
	git_tree_entry *te = NULL;
	if (e && e->touched) {
		git_oid_cpy(out, &e->blob);
		return 1;
	}
	if (!b->base_tree || git_tree_entry_bypath(&te, b->base_tree, path) < 0) {
		git_error_clear();
		return 0;
	}
	git_oid_cpy(out, git_tree_entry_id(te));
	git_tree_entry_free(te);
	return 1;
}

static int write_working_file(const char *path, const char *data, size_t len);
static int checkpoint(stance_batch *b);

/* Records an object the batch wrote (a copy of its path, owned by the batch)
 * for the pack, and counts its bytes towards the next checkpoint. */
static int track(stance_batch *b, const git_oid *oid, const char *name, size_t namelen)
{
	size_t size;
	git_object_t type;
	if (git_odb_read_header(&size, &type, b->odb, oid) == 0)
		b->held_bytes += size;
	git_error_clear();
	if (b->nobjs == b->capobjs) {
		/* two arrays of one capacity: each grows from the same to the same */
		size_t cap_objs = b->capobjs, cap_names = b->capobjs;
		if (stance_array_grow(&b->objs, &cap_objs, b->nobjs + 1, sizeof(*b->objs)) < 0 ||
		    stance_array_grow(&b->obj_names, &cap_names, b->nobjs + 1, sizeof(*b->obj_names)) < 0)
			return STANCE_ERROR;
		b->capobjs = cap_names;
	}
	b->obj_names[b->nobjs] = NULL;
	if (name && !(b->obj_names[b->nobjs] = stance_strndup(name, namelen)))
		return STANCE_ERROR;
	git_oid_cpy(&b->objs[b->nobjs++], oid);
	return 0;
}

/*
 * pack.windowMemory = 16k keeps the delta search to an object's nearest
 * neighbours, which (objects being named by path) are the previous versions
 * of the same document, as git fast-import does: the search with the default
 * window of ten took most of the import's time for little gain in size.
 */
static int new_packbuilder(git_packbuilder **out, stance_batch *b)
{
	return stance_git_packbuilder_new(out, b->git,
		b->skip_deltas ? "[pack]\n\twindow = 0\n" : "[pack]\n\twindowMemory = 16k\n");
}

/* Orders ids for sort and uniq. */
static int oid_order(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/*
 * Up to STANCE_WHOLE_PACK_MAX objects (the new revisions of an everyday
 * import or fetch, the last objects of a large one) go as one pack of
 * whole objects (git_pack.c): their good delta bases, the older versions,
 * are in the packs before, so the pack builder's search found little, and
 * its deflate at zlib's default level was a quarter of an import of 100
 * revisions. Each object once: the batch may have written one twice.
 */
static int write_whole_pack(stance_batch *b)
{
	git_oid *ids = malloc(b->nobjs * sizeof(*ids));
	size_t i, n = 0, bytes;
	int error;
	if (!ids)
		return stance_error_oom();
	memcpy(ids, b->objs, b->nobjs * sizeof(*ids));
	qsort(ids, b->nobjs, sizeof(*ids), oid_order);
	for (i = 0; i < b->nobjs; i++)
		if (!n || !git_oid_equal(&ids[n - 1], &ids[i]))
			git_oid_cpy(&ids[n++], &ids[i]);
	error = stance_git_write_whole_pack(&bytes, b->odb, b->odb, ids, n, git_repository_path(b->git));
	free(ids);
	return error;
}

/* The batch's objects as a pack in objects/pack through libgit2's pack
 * builder (indexed as it is written, never held whole in memory), named
 * by path, deltas searched on every core. */
static int write_pack(stance_batch *b)
{
	stance_buf dir = STANCE_BUF_INIT;
	git_packbuilder *pb = NULL;
	size_t i;
	int error;
	if ((error = stance_buf_printf(&dir, "%sobjects/pack", git_repository_path(b->git))) < 0)
		return error;
	if ((error = new_packbuilder(&pb, b)) < 0)
		goto done;
	git_packbuilder_set_threads(pb, 0);
	for (i = 0; i < b->nobjs && !error; i++)
		error = git_packbuilder_insert(pb, &b->objs[i], b->obj_names[i]);
	if (!error)
		error = git_packbuilder_write(pb, dir.ptr, 0, NULL, NULL);
done:
	git_packbuilder_free(pb);
	stance_buf_dispose(&dir);
	return error;
}

/* The last '/' in path[0, n), or NULL. */
static const char *last_slash(const char *path, size_t n)
{
	while (n > 0)
		if (path[--n] == '/')
			return path + n;
	return NULL;
}

/*
 * The builder of folder path[0, dlen) in lane `l`. A folder not built yet
 * starts from its tree: the root's is `root` (the lane's last committed
 * root; NULL: none), another's is its entry in its parent's builder.
 */
static int lane_folder(git_treebuilder **out, stance_batch *b, lane *l, const git_oid *root,
	const char *path, size_t dlen)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	size_t i;
	int error = 0;

	for (i = 0; i < l->n; i++)
		if (!strncmp(l->v[i].dir, path, dlen) && l->v[i].dir[dlen] == '\0') {
			*out = l->v[i].tb;
			return 0;
		}
	if (dlen == 0) {
		if (root)
			error = git_tree_lookup(&tree, b->git, root);
	} else {
		git_treebuilder *parent;
		const git_tree_entry *e;
		const char *slash = last_slash(path, dlen);
		size_t plen = slash ? (size_t)(slash - path) : 0;
		stance_buf name = STANCE_BUF_INIT;
		if ((error = lane_folder(&parent, b, l, root, path, plen)) < 0 ||
		    (error = stance_buf_put(&name, path + (slash ? plen + 1 : 0), dlen - (slash ? plen + 1 : 0))) < 0)
			return error;
		e = git_treebuilder_get(parent, name.ptr);
		if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
			error = git_tree_lookup(&tree, b->git, git_tree_entry_id(e));
		stance_buf_dispose(&name);
	}
	if (error < 0 || (error = git_treebuilder_new(&tb, b->git, tree)) < 0)
		goto done;
	if ((error = stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v))) < 0)
		goto done;
	if (!(l->v[l->n].dir = stance_strndup(path, dlen))) {
		error = STANCE_ERROR;
		goto done;
	}
	l->v[l->n++].tb = tb;
	*out = tb;
	tb = NULL;
done:
	git_treebuilder_free(tb);
	git_tree_free(tree);
	return error;
}

/*
 * Sets `path` to `blob` in lane `l` and writes the folders' trees from the
 * file's up to the root, each tracked for the pack under its folder's
 * name; the new root comes back through `out`. On failure the lane's
 * builders are dropped.
 */
static int lane_upsert(git_oid *out, stance_batch *b, lane *l, const git_oid *root,
	const char *path, const git_oid *blob)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	stance_buf name = STANCE_BUF_INIT;
	git_filemode_t mode = GIT_FILEMODE_BLOB;
	git_oid id;
	int error;

	git_oid_cpy(&id, blob);
	if ((error = stance_buf_puts(&name, slash ? slash + 1 : path)) < 0)
		goto fail;
	for (;;) {
		git_treebuilder *tb;
		if ((error = lane_folder(&tb, b, l, root, path, dlen)) < 0 ||
		    (error = git_treebuilder_insert(NULL, tb, name.ptr, &id, mode)) < 0 ||
		    (error = git_treebuilder_write(&id, tb)) < 0 ||
		    (error = track(b, &id, path, dlen)) < 0)
			goto fail;
		if (dlen == 0)
			break;
		/* up one folder */
		slash = last_slash(path, dlen);
		stance_buf_clear(&name);
		if ((error = stance_buf_put(&name, slash ? slash + 1 : path,
			dlen - (slash ? (size_t)(slash + 1 - path) : 0))) < 0)
			goto fail;
		dlen = slash ? (size_t)(slash - path) : 0;
		mode = GIT_FILEMODE_TREE;
	}
	git_oid_cpy(out, &id);
	stance_buf_dispose(&name);
	return 0;
fail:
	stance_buf_dispose(&name);
	lane_reset(l);
	return error;
}

/* The tip and tree of `ref` now; 0 when the branch does not exist. */
static int tip_now(git_oid *tip, git_oid *tree, stance_batch *b, const char *ref)
{
	git_commit *c = NULL;
	int error;
	if (git_reference_name_to_id(tip, b->git, ref) < 0) {
		git_error_clear();
		return 0;
	}
	if ((error = git_commit_lookup(&c, b->git, tip)) < 0)
		return stance_git_error(error, "cannot read %s", ref);
	git_oid_cpy(tree, git_commit_tree_id(c));
	git_commit_free(c);
	return 1;
}

/* The snapshots branch as it is before the batch. */
static int load_snapshots(stance_batch *b)
{
	int has = tip_now(&b->snap_base, &b->snap_tree, b, SNAPSHOT_REF);
	if (has < 0)
		return has;
	b->snap_loaded = 1;
	b->has_snap_base = b->has_snap_tree = has;
	return 0;
}

/*
 * Commits the raw bytes of `opts` as <id>.<ext> on the snapshots branch, as
 * stance_store_save does; the batch's snapshot state moves only when the
 * caller's version commit is made too (snapshot_commit()).
 */
static int snapshot_commit(git_oid *commit, git_oid *tree_id, stance_batch *b, const char *path,
	const git_oid *blob, const git_signature *author, const git_signature *committer)
{
	stance_buf msg = STANCE_BUF_INIT;
	const git_oid *parent = b->has_snap_last ? &b->snap_last : b->has_snap_base ? &b->snap_base : NULL;
	size_t idlen = strrchr(path, '.') ? (size_t)(strrchr(path, '.') - path) : strlen(path);
	int error;

	if ((error = stance_buf_printf(&msg, "Snapshot %.*s\n", (int)idlen, path)) < 0)
		goto done;
	if ((error = lane_upsert(tree_id, b, &b->snap_lane, b->has_snap_tree ? &b->snap_tree : NULL, path, blob)) < 0 ||
	    (error = git_commit_create_from_ids(commit, b->git, NULL, author, committer, NULL, msg.ptr,
		tree_id, parent ? 1 : 0, &parent)) < 0) {
		error = stance_git_error(error, "%.*s: cannot store the snapshot", (int)idlen, path);
		goto done;
	}
	error = track(b, commit, NULL, 0);
done:
	stance_buf_dispose(&msg);
	return error;
}

static int snapshot_prepare(git_oid *commit, git_oid *tree_id, git_oid *blob, stance_buf *path,
	stance_batch *b, const char *id, const stance_save_options *opts,
	const git_signature *author, const git_signature *committer)
{
	int error;

	if (!b->snap_loaded && (error = load_snapshots(b)) < 0)
		return error;
	if ((error = stance_buf_printf(path, "%s.%s", id, opts->snapshot_ext)) < 0)
		return error;
	if ((error = git_odb_write(blob, b->odb, opts->snapshot_data, opts->snapshot_len, GIT_OBJECT_BLOB)) < 0)
		return stance_git_error(error, "%s: cannot store the snapshot", id);
	if ((error = track(b, blob, path->ptr, path->size)) < 0)
		return error;
	return snapshot_commit(commit, tree_id, b, path->ptr, blob, author, committer);
}

/* A working file that holds bytes stance never stored: neither `blob`
 * (what the batch writes) nor the branch's blob before the batch. */
static int unsaved_changes(stance_batch *b, const char *path, const git_oid *blob)
{
	stance_buf full = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	git_tree_entry *te = NULL;
	git_oid cur_id;
	int same = 1;

	if (stance_buf_printf(&full, "%s%s", stance_repo_workdir(b->repo), path) < 0)
		return 0;
	if (stance_file_read(&cur, full.ptr) == 0) {
		same = git_odb_hash(&cur_id, stance_buf_cstr(&cur), cur.size, GIT_OBJECT_BLOB) == 0 &&
			(git_oid_equal(&cur_id, blob) ||
			 (b->base_tree && git_tree_entry_bypath(&te, b->base_tree, path) == 0 &&
			  git_oid_equal(&cur_id, git_tree_entry_id(te))));
	}
	/* no working file: nothing to lose */
	stance_error_clear();
	git_error_clear();
	git_tree_entry_free(te);
	stance_buf_dispose(&cur);
	stance_buf_dispose(&full);
	return !same;
}

/* STANCE_ECONFLICT, saying so, when the working file at `path` is an older
 * stored version rather than the user's own text; else 0. */
static int stale_file(stance_batch *b, const char *path)
{
	stance_buf full = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	int error = 0;
	if (stance_buf_printf(&full, "%s%s", stance_repo_workdir(b->repo), path) == 0 &&
	    stance_file_read(&cur, full.ptr) == 0)
		error = stance_store_stale_file(b->git, path, cur.ptr, cur.size);
	if (!error)
		stance_error_clear();
	stance_buf_dispose(&full);
	stance_buf_dispose(&cur);
	return error;
}

/*
 * Writes a blob whose id `id` the caller has just computed into the batch's
 * in-memory store, unless the repository has it: git_odb_write would hash
 * the bytes a second time, which was a tenth of an import's writer thread.
 * A miss does not rescan objects/pack, as git_odb_write's does: the batch
 * refreshes the store itself after each pack it writes.
 */
static int write_hashed_blob(stance_batch *b, const git_oid *id, const char *data, size_t len)
{
	if (git_odb_exists_ext(b->odb, id, GIT_ODB_LOOKUP_NO_REFRESH))
		return 0;
	git_error_clear();
	return b->mempack->write(b->mempack, id, data, len, GIT_OBJECT_BLOB);
}

int stance_batch_save(stance_save_result *result, stance_batch *b,
	const stance_document *doc, const stance_save_options *opts)
{
	stance_save_options defaults = STANCE_SAVE_OPTIONS_INIT;
	const char *id = stance_document_get(doc, "id");
	stance_buf content = STANCE_BUF_INIT, path = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_signature *author = NULL, *committer = NULL;
	const git_oid *parent;
	git_oid old_blob, blob, tree_id, commit, snap_commit, snap_tree, snap_blob;
	stance_buf snap_path = STANCE_BUF_INIT;
	size_t plain_len = 0;
	char snapshot_hex[GIT_OID_HEXSZ + 1];
	record *rec = NULL;
	int snapshot = opts && opts->snapshot_data && opts->snapshot_ext;
	entry *e;
	int error, existed;

	memset(result, 0, sizeof(*result));
	STANCE_CHECK_OPTIONS(opts, STANCE_SAVE_OPTIONS_VERSION, "stance_save_options");
	if (!opts)
		opts = &defaults;
	if (b->finished)
		return stance_error_set(STANCE_EINVALID, "the batch is already written");
	if (!id)
		return stance_error_set(STANCE_EINVALID, "the document has no id; give it one (--id)");
	if ((error = stance_id_validate(id)) < 0 ||
	    (error = stance_buf_printf(&path, "%s.md", id)) < 0 ||
	    (error = stance_document_serialize(&content, doc)) < 0)
		goto done;
	existed = current_blob(&old_blob, b, path.ptr);
	if ((error = git_odb_hash(&blob, content.ptr, content.size, GIT_OBJECT_BLOB)) < 0) {
		error = stance_git_error(error, "%s: cannot hash the document", id);
		goto done;
	}
	if (existed && git_oid_equal(&old_blob, &blob))
		goto done;
	/* checked when the batch first touches the document, so that one
	 * document with local edits fails alone; stance_batch_finish checks
	 * every document again */
	if (!((e = slot(b, path.ptr, 0)) && e->touched) && unsaved_changes(b, path.ptr, &blob) &&
	    (error = stale_file(b, path.ptr)) == 0) {
		error = stance_error_set(STANCE_ECONFLICT, "%s has changes in the working folder that are "
			"not stored; add that file itself ('stance add %s') or discard the changes first",
			path.ptr, path.ptr);
		goto done;
	}
	if ((error = checkpoint(b)) < 0 ||
	    (error = stance_git_signature(&author, b->git, opts->author_name, opts->author_email,
		opts->time, opts->tz_minutes)) < 0)
		goto done;
	if ((error = git_signature_now(&committer, author->name, author->email)) < 0 ||
	    (error = write_hashed_blob(b, &blob, content.ptr, content.size)) < 0 ||
	    (error = lane_upsert(&tree_id, b, &b->main_lane, b->has_tree ? &b->tree : NULL, path.ptr, &blob)) < 0) {
		error = stance_git_error(error, "%s: cannot store the document", id);
		goto done;
	}
	if (snapshot) {
		if ((error = snapshot_prepare(&snap_commit, &snap_tree, &snap_blob, &snap_path, b, id, opts,
			author, committer)) < 0)
			goto done;
		git_oid_tostr(snapshot_hex, sizeof(snapshot_hex), &snap_commit);
	}
	if ((error = stance_store_message(&msg, &plain_len, opts->message, id, existed, opts->trailers,
		snapshot ? snapshot_hex : NULL)) < 0)
		goto done;
	/* kept, should the commit have to be made again on a moved branch */
	if ((error = stance_array_grow(&b->records, &b->caprecords, b->nrecords + 1, sizeof(*b->records))) < 0)
		goto done;
	rec = &b->records[b->nrecords];
	memset(rec, 0, sizeof(*rec));
	git_oid_cpy(&rec->blob, &blob);
	if (snapshot)
		git_oid_cpy(&rec->snap_blob, &snap_blob);
	if (!(rec->path = stance_strdup(path.ptr)) || !(rec->message = stance_strndup(msg.ptr, plain_len)) ||
	    (snapshot && !(rec->snap_path = stance_strdup(snap_path.ptr))) ||
	    git_signature_dup(&rec->author, author) < 0 || git_signature_dup(&rec->committer, committer) < 0) {
		error = stance_error_oom();
		goto done;
	}
	parent = b->has_last ? &b->last : b->has_base ? &b->base : NULL;
	if ((error = git_commit_create_from_ids(&commit, b->git, NULL, author, committer, NULL, msg.ptr,
		&tree_id, parent ? 1 : 0, &parent)) < 0) {
		error = stance_git_error(error, "%s: cannot commit", id);
		goto done;
	}
	if ((error = track(b, &blob, path.ptr, path.size)) < 0 ||
	    (error = track(b, &commit, NULL, 0)) < 0)
		goto done;
	if (!(e = slot(b, path.ptr, 1))) {
		error = STANCE_ERROR;
		goto done;
	}
	git_oid_cpy(&e->blob, &blob);
	e->touched = 1;
	git_oid_cpy(&b->tree, &tree_id);
	b->has_tree = 1;
	git_oid_cpy(&b->last, &commit);
	b->has_last = 1;
	if (snapshot) {
		git_oid_cpy(&b->snap_last, &snap_commit);
		git_oid_cpy(&b->snap_tree, &snap_tree);
		b->has_snap_last = b->has_snap_tree = 1;
	}
	git_oid_cpy(&rec->commit, &commit);
	if (existed)
		git_oid_cpy(&rec->prev, &old_blob);
	rec->has_prev = existed;
	b->count++;
	b->nrecords++; /* the record made above is this commit's */
	rec = NULL;
	result->changed = 1;
	result->created = !existed;
	git_oid_tostr(result->commit, sizeof(result->commit), &commit);
done:
	if (error < 0) {
		/* the lanes may hold this document's unfinished change */
		lane_reset(&b->main_lane);
		lane_reset(&b->snap_lane);
	}
	if (error < 0 && rec) {
		/* the record made for a commit that then failed */
		free(rec->path); free(rec->message); free(rec->snap_path);
		git_signature_free(rec->author);
		git_signature_free(rec->committer);
	}
	git_signature_free(author);
	git_signature_free(committer);
	stance_buf_dispose(&snap_path);
	stance_buf_dispose(&content);
	stance_buf_dispose(&path);
	stance_buf_dispose(&msg);
	return error;
}

/* The bytes of `path` in tree `tree_id` (appended to `out`): 1, or 0 when
 * the tree has no such file. */
static int tree_file(stance_buf *out, stance_batch *b, const git_oid *tree_id, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	int error, found = 0;
	if (!tree_id)
		return 0;
	if ((error = git_tree_lookup(&tree, b->git, tree_id)) < 0)
		return stance_git_error(error, "cannot read the tree of %s", b->branch);
	if (git_tree_entry_bypath(&te, tree, path) == 0 && git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
		if ((error = git_blob_lookup(&blob, b->git, git_tree_entry_id(te))) < 0) {
			error = stance_git_error(error, "%s: cannot read it", path);
			goto done;
		}
		if ((error = stance_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) < 0)
			goto done;
		found = 1;
	}
	git_error_clear();
	error = found;
done:
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	return error;
}

/*
 * The next commit of the batch, on the current tree: `path` becomes what
 * it is there with `text` appended (a line break put between when it lacks
 * one); message `message`, signatures `author` and `committer`. The blob
 * and the new bytes come back through `blob` and `content`.
 */
static int append_commit(git_oid *commit, git_oid *blob, stance_buf *content, stance_batch *b,
	const char *path, const char *text, const char *message,
	const git_signature *author, const git_signature *committer)
{
	git_oid tree_id;
	const git_oid *parent = b->has_last ? &b->last : b->has_base ? &b->base : NULL;
	int error;
	stance_buf_clear(content);
	if ((error = tree_file(content, b, b->has_tree ? &b->tree : NULL, path)) < 0)
		return error;
	if (content->size && content->ptr[content->size - 1] != '\n' && (error = stance_buf_putc(content, '\n')) < 0)
		return error;
	if ((error = stance_buf_puts(content, text)) < 0)
		return error;
	if ((error = git_odb_write(blob, b->odb, stance_buf_cstr(content), content->size, GIT_OBJECT_BLOB)) < 0 ||
	    (error = lane_upsert(&tree_id, b, &b->main_lane, b->has_tree ? &b->tree : NULL, path, blob)) < 0 ||
	    (error = git_commit_create_from_ids(commit, b->git, NULL, author, committer, NULL, message,
		&tree_id, parent ? 1 : 0, &parent)) < 0)
		return stance_git_error(error, "%s: cannot commit", path);
	if ((error = track(b, blob, path, strlen(path))) < 0 || (error = track(b, commit, NULL, 0)) < 0)
		return error;
	git_oid_cpy(&b->tree, &tree_id);
	b->has_tree = 1;
	git_oid_cpy(&b->last, commit);
	b->has_last = 1;
	return 0;
}

/* The batch's entry for `path` holds `blob` now. */
static int entry_set(stance_batch *b, const char *path, const git_oid *blob)
{
	entry *e = slot(b, path, 1);
	if (!e)
		return STANCE_ERROR;
	git_oid_cpy(&e->blob, blob);
	e->touched = 1;
	return 0;
}

int stance_batch_append(stance_batch *b, const char *path, const char *text, const char *message)
{
	stance_save_options defaults = STANCE_SAVE_OPTIONS_INIT;
	stance_buf content = STANCE_BUF_INIT, msg = STANCE_BUF_INIT, all = STANCE_BUF_INIT;
	git_signature *author = NULL, *committer = NULL;
	git_oid blob, commit, prev;
	char *rpath = NULL, *rtext = NULL;
	record *rec;
	entry *e;
	int error, had;

	if (b->finished)
		return stance_error_set(STANCE_EINVALID, "the batch is already written");
	if ((error = checkpoint(b)) < 0 ||
	    (error = stance_buf_puts(&msg, message)) < 0 ||
	    (msg.ptr[msg.size - 1] != '\n' && (error = stance_buf_putc(&msg, '\n')) < 0))
		goto done;
	if (!(rpath = stance_strdup(path)) || !(rtext = stance_strdup(text))) {
		error = STANCE_ERROR;
		goto done;
	}
	if ((error = stance_array_grow(&b->records, &b->caprecords, b->nrecords + 1, sizeof(*b->records))) < 0)
		goto done;
	if ((error = stance_git_signature(&author, b->git, defaults.author_name, defaults.author_email,
		defaults.time, defaults.tz_minutes)) < 0)
		goto done;
	if ((error = git_signature_now(&committer, author->name, author->email)) < 0) {
		error = stance_git_error(error, "%s: cannot commit", path);
		goto done;
	}
	had = current_blob(&prev, b, path);
	if ((error = append_commit(&commit, &blob, &content, b, path, text, msg.ptr, author, committer)) < 0) {
		lane_reset(&b->main_lane);
		goto done;
	}
	/* the text appended so far, for a working file with edits of its own */
	rec = &b->records[b->nrecords++];
	memset(rec, 0, sizeof(*rec));
	git_oid_cpy(&rec->blob, &blob);
	rec->author = author;
	rec->committer = committer;
	rec->path = rpath;
	rec->append = rtext;
	rec->message = stance_buf_detach(&msg);
	git_oid_cpy(&rec->commit, &commit);
	if (had)
		git_oid_cpy(&rec->prev, &prev);
	rec->has_prev = had;
	author = committer = NULL;
	rpath = rtext = NULL;
	b->count++;
	e = slot(b, path, 0);
	if ((e && e->appended && (error = stance_buf_puts(&all, e->appended)) < 0) ||
	    (error = stance_buf_puts(&all, text)) < 0 ||
	    (error = entry_set(b, path, &blob)) < 0)
		goto done;
	e = slot(b, path, 0);
	free(e->appended);
	e->appended = stance_buf_detach(&all);
done:
	free(rpath);
	free(rtext);
	git_signature_free(author);
	git_signature_free(committer);
	stance_buf_dispose(&content);
	stance_buf_dispose(&msg);
	stance_buf_dispose(&all);
	return error;
}

/*
 * Writes a working file through a temporary file and a rename, so a reader
 * never sees half of it. Unlike stance_file_write_atomic() it does not wait
 * for the disk (fsync): the file is a copy of what the commit holds, and a
 * thousand fsyncs took longer than the whole import.
 */
static int write_working_file(const char *path, const char *data, size_t len)
{
	return stance_file_write_replace(path, data, len, 0);
}


/*
 * Makes the batch's commits again on the branches' tips as they are now:
 * another writer committed while the batch was built without the lock (a
 * fetch run). Each commit sets the same document (and snapshot) to the same
 * bytes, with the same message, author and dates, on top of theirs; the
 * commits made before stay in memory, unreferenced, and are packed away.
 */
static int replay(stance_batch *b)
{
	git_oid main_tip, main_tree, snap_tip, snap_tree;
	int has_main, has_snap;
	size_t i;
	int error;

	if ((has_main = tip_now(&main_tip, &main_tree, b, b->branch)) < 0 ||
	    (has_snap = tip_now(&snap_tip, &snap_tree, b, SNAPSHOT_REF)) < 0)
		return has_main < 0 ? has_main : has_snap;
	lane_reset(&b->main_lane);
	lane_reset(&b->snap_lane);
	git_tree_free(b->base_tree);
	b->base_tree = NULL;
	b->has_base = b->has_tree = has_main;
	if (has_main) {
		git_oid_cpy(&b->base, &main_tip);
		git_oid_cpy(&b->tree, &main_tree);
		if ((error = git_tree_lookup(&b->base_tree, b->git, &main_tree)) < 0)
			return stance_git_error(error, "cannot read %s", b->branch);
	}
	b->has_last = 0;
	b->has_snap_base = b->has_snap_tree = has_snap;
	if (has_snap) {
		git_oid_cpy(&b->snap_base, &snap_tip);
		git_oid_cpy(&b->snap_tree, &snap_tree);
	}
	b->has_snap_last = 0;
	b->replayed = 1;
	for (i = 0; i < b->nrecords; i++) {
		const record *r = &b->records[i];
		stance_buf msg = STANCE_BUF_INIT;
		git_oid tree_id, commit, snap_commit, snap_tree_id;
		const git_oid *parent;
		if (r->append) {
			/* appended again to the file as the other writer left it */
			stance_buf content = STANCE_BUF_INIT;
			git_oid blob;
			if ((error = append_commit(&commit, &blob, &content, b, r->path, r->append, r->message,
				r->author, r->committer)) == 0)
				error = entry_set(b, r->path, &blob);
			stance_buf_dispose(&content);
			if (error < 0)
				return error;
			continue;
		}
		error = stance_buf_puts(&msg, r->message);
		if (!error && r->snap_path) {
			char hex[GIT_OID_HEXSZ + 1];
			if ((error = snapshot_commit(&snap_commit, &snap_tree_id, b, r->snap_path, &r->snap_blob,
				r->author, r->committer)) == 0) {
				git_oid_cpy(&b->snap_last, &snap_commit);
				git_oid_cpy(&b->snap_tree, &snap_tree_id);
				b->has_snap_last = b->has_snap_tree = 1;
				git_oid_tostr(hex, sizeof(hex), &snap_commit);
				error = stance_store_trailer(&msg, "Snapshot", hex);
			}
		}
		if (!error && msg.size && msg.ptr[msg.size - 1] != '\n')
			error = stance_buf_putc(&msg, '\n');
		parent = b->has_last ? &b->last : b->has_base ? &b->base : NULL;
		if (!error && ((error = lane_upsert(&tree_id, b, &b->main_lane, b->has_tree ? &b->tree : NULL,
			r->path, &r->blob)) < 0 ||
		    (error = git_commit_create_from_ids(&commit, b->git, NULL, r->author, r->committer, NULL,
			msg.ptr, &tree_id, parent ? 1 : 0, &parent)) < 0))
			error = stance_git_error(error, "%s: cannot commit", r->path);
		if (!error)
			error = track(b, &commit, NULL, 0);
		stance_buf_dispose(&msg);
		if (error < 0)
			return error;
		git_oid_cpy(&b->last, &commit);
		git_oid_cpy(&b->tree, &tree_id);
		b->has_last = b->has_tree = 1;
	}
	return 0;
}

/* Whether `ref` is no longer where the batch began (`had`: it existed then). */
static int moved(stance_batch *b, const char *ref, const git_oid *base, int had)
{
	git_oid now;
	int has = git_reference_name_to_id(&now, b->git, ref) == 0;
	git_error_clear();
	return has != had || (has && !git_oid_equal(&now, base));
}

/*
 * The working file of a file the batch appended to (stance_batch_append):
 * 0 when it holds what the branch had before the batch (or is missing), to
 * be written as committed; otherwise it has edits of its own, which stay:
 * the appended text is added to it, the index takes the committed blob
 * (without the file's stat data, so that git looks at the file and sees
 * the edits), and 1 comes back.
 */
static int append_working_file(git_index *index, stance_batch *b, const entry *e, const char *full)
{
	stance_buf cur = STANCE_BUF_INIT;
	git_tree_entry *te = NULL;
	git_index_entry ie;
	git_oid cur_id;
	int error = 0;
	if (stance_file_read(&cur, full) < 0) {
		stance_error_clear();
		goto done;
	}
	if (b->base_tree && git_tree_entry_bypath(&te, b->base_tree, e->path) == 0 &&
	    git_odb_hash(&cur_id, stance_buf_cstr(&cur), cur.size, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&cur_id, git_tree_entry_id(te)))
		goto done;
	git_error_clear();
	if ((cur.size && cur.ptr[cur.size - 1] != '\n' && (error = stance_buf_putc(&cur, '\n')) < 0) ||
	    (error = stance_buf_puts(&cur, e->appended)) < 0 ||
	    (error = write_working_file(full, cur.ptr, cur.size)) < 0)
		goto done;
	memset(&ie, 0, sizeof(ie));
	ie.mode = GIT_FILEMODE_BLOB;
	git_oid_cpy(&ie.id, &e->blob);
	ie.path = e->path;
	if ((error = git_index_add(index, &ie)) < 0)
		error = stance_git_error(error, "%s: cannot update the git index", e->path);
	else
		error = 1;
done:
	git_tree_entry_free(te);
	stance_buf_dispose(&cur);
	return error;
}

/* Writes the objects tracked so far as one pack and empties the in-memory
 * store; the batch goes on reading them from the pack. */
static int write_objects(stance_batch *b)
{
	size_t i;
	int error;

	if (!b->nobjs)
		return 0;
	if (b->nobjs <= STANCE_WHOLE_PACK_MAX) {
		if ((error = write_whole_pack(b)) < 0) {
			char why[1024];
			snprintf(why, sizeof(why), "%s", stance_error_last());
			error = stance_error_set(error, "cannot write the new revisions: %s; nothing was changed", why);
			goto done;
		}
	} else if ((error = write_pack(b)) < 0) {
		error = stance_git_error(error, "cannot write the new revisions");
		goto done;
	}
	if ((error = git_odb_refresh(b->odb)) < 0) {
		error = stance_git_error(error, "cannot write the new revisions");
		goto done;
	}
	git_mempack_reset(b->mempack);
	/* Every object must now be readable from the disk: libgit2 can report
	 * a pack written when its folder cannot hold one (a file in its place),
	 * and a branch moved to commits that are not there is a broken
	 * repository. */
	for (i = 0; i < b->nobjs; i++)
		if (!git_odb_exists(b->odb, &b->objs[i])) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &b->objs[i]);
			error = stance_error_set(STANCE_ERROR, "cannot write the new revisions: object %s is not "
				"in %sobjects after writing its pack; nothing was changed", hex, git_repository_path(b->git));
			goto done;
		}
	for (i = 0; i < b->nobjs; i++)
		free(b->obj_names[i]);
	b->nobjs = 0;
	b->held_bytes = 0;
done:
	return error;
}

/* The bytes of `blob` (the file `path` of the batch), appended to `out`. */
static int blob_bytes(stance_buf *out, stance_batch *b, const git_oid *blob, const char *path)
{
	git_blob *obj = NULL;
	int error;
	if ((error = git_blob_lookup(&obj, b->git, blob)) < 0)
		return stance_git_error(error, "%s: cannot read the new version back", path);
	error = stance_buf_put(out, git_blob_rawcontent(obj), (size_t)git_blob_rawsize(obj));
	git_blob_free(obj);
	return error;
}

/* Writes the objects held in memory as a pack once they pass the
 * checkpoint size; called before a commit is added, so that a failure
 * leaves the batch as it was. */
static int checkpoint(stance_batch *b)
{
	if (!b->checkpoint_bytes || b->held_bytes <= b->checkpoint_bytes)
		return 0;
	return write_objects(b);
}

int stance_batch_flush(stance_batch *b)
{
	if (b->finished)
		return stance_error_set(STANCE_EINVALID, "the batch is already written");
	return write_objects(b);
}

int stance_batch_finish(stance_batch *b)
{
	git_reference *ref = NULL;
	git_index *index = NULL;
	git_odb *main_odb = NULL;
	stance_buf full = STANCE_BUF_INIT, bytes = STANCE_BUF_INIT;
	size_t i;
	int error = 0, journaled = 0, moved_branch = 0;

	if (b->finished || !b->has_last)
		goto done;
	/* a branch that moved since the batch began (it was built without
	 * the lock): the commits are made again on top of what came */
	if ((moved(b, b->branch, &b->base, b->has_base) ||
	     (b->has_snap_last && moved(b, SNAPSHOT_REF, &b->snap_base, b->has_snap_base))) &&
	    (error = replay(b)) < 0)
		goto done;
	/* 0. a working file with changes stance never stored is not overwritten,
	 * and none is written through a symbolic link */
	for (i = 0; i < b->nslots; i++) {
		entry *e = &b->slots[i];
		if (e->path && e->touched && (error = stance_store_check_file(b->repo, e->path)) < 0)
			goto done;
		if (e->path && e->touched && !e->appended && unsaved_changes(b, e->path, &e->blob)) {
			if ((error = stale_file(b, e->path)) == 0)
				error = stance_error_set(STANCE_ECONFLICT, "%s has changes in the working folder "
					"that are not stored; commit or discard them first (nothing was imported)",
					e->path);
			goto done;
		}
	}
	/* 1. every object of the batch not written yet, as one pack */
	if ((error = write_objects(b)) < 0)
		goto done;
	b->finished = 1;
	/* 2. the journal, on the disk before any branch moves: a writer killed
	 * from here on leaves it, and the next stance finishes the update from
	 * it (journal.c) */
	if ((error = stance_journal_write(b->repo, b->branch, b->has_base ? &b->base : NULL, &b->last,
		b->has_snap_last && b->has_snap_base ? &b->snap_base : NULL,
		b->has_snap_last ? &b->snap_last : NULL)) < 0)
		goto done;
	journaled = 1;
	/* 3. the branches move once, from the tips the batch started on: the
	 * snapshots first, so a version never names a snapshot not on its branch */
	if (b->has_snap_last) {
		error = b->has_snap_base ?
			git_reference_create_matching(&ref, b->git, SNAPSHOT_REF, &b->snap_last, 1, &b->snap_base,
				"stance batch") :
			git_reference_create(&ref, b->git, SNAPSHOT_REF, &b->snap_last, 0, "stance batch");
		git_reference_free(ref);
		ref = NULL;
		if (error < 0) {
			error = stance_git_error(error, "cannot move the snapshots branch");
			goto done;
		}
	}
	if ((error = (b->has_base ?
		git_reference_create_matching(&ref, b->git, b->branch, &b->last, 1, &b->base,
			"stance import") :
		git_reference_create(&ref, b->git, b->branch, &b->last, 0, "stance import"))) < 0) {
		error = stance_git_error(error, "cannot move %s", b->branch);
		goto done;
	}
	moved_branch = 1;
	b->moved_to_last = 1;
	/* 4. the main handle sees the new pack; index and working files follow */
	if (git_repository_odb(&main_odb, stance_repo_git(b->repo)) == 0)
		git_odb_refresh(main_odb);
	if ((error = git_repository_index(&index, stance_repo_git(b->repo))) < 0) {
		error = stance_git_error(error, "cannot open the git index");
		goto done;
	}
	for (i = 0; i < b->nslots; i++) {
		entry *e = &b->slots[i];
		if (!e->path || !e->touched)
			continue;
		stance_buf_clear(&full);
		if ((error = stance_buf_printf(&full, "%s%s", stance_repo_workdir(b->repo), e->path)) < 0 ||
		    (error = stance_mkdirs_for(full.ptr)) < 0)
			goto done;
		if (e->appended && (error = append_working_file(index, b, e, full.ptr)) != 0) {
			if (error < 0)
				goto done;
			continue; /* the working file keeps edits of its own */
		}
		stance_buf_clear(&bytes);
		if ((error = blob_bytes(&bytes, b, &e->blob, e->path)) < 0 ||
		    (error = write_working_file(full.ptr, stance_buf_cstr(&bytes), bytes.size)) < 0)
			goto done;
		if ((error = stance_index_add_written(index, full.ptr, e->path, &e->blob)) < 0) {
			error = stance_git_error(error, "%s: cannot update the git index", e->path);
			goto done;
		}
	}
	if ((error = git_index_write(index)) < 0) {
		error = stance_git_error(error, "cannot write the git index");
		goto done;
	}
	/* 5. complete */
	stance_journal_remove(b->repo);
	journaled = 0;
done:
	if (journaled && !moved_branch) {
		/* the branch did not move: nothing was stored, and the snapshots
		 * branch goes back (the journal says where) */
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", stance_error_last());
		if (stance_journal_finish(b->repo) < 0)
			stance_error_clear();
		stance_error_set(error, "%s", msg);
	}
	/* a branch that moved with its files not all written keeps the
	 * journal: the next stance finishes the update */
	stance_buf_dispose(&full);
	stance_buf_dispose(&bytes);
	git_index_free(index);
	git_odb_free(main_odb);
	git_reference_free(ref);
	return error;
}

long stance_batch_commits(char base[GIT_OID_HEXSZ + 1], const stance_batch *b)
{
	base[0] = '\0';
	if (!b->moved_to_last || b->replayed)
		return -1;
	if (b->has_base)
		git_oid_tostr(base, GIT_OID_HEXSZ + 1, &b->base);
	return (long)b->nrecords;
}

void stance_batch_commit_get(stance_batch_commit *out, const stance_batch *b, size_t i)
{
	const record *r = &b->records[i];
	memset(out, 0, sizeof(*out));
	out->path = r->path;
	out->message = r->message;
	git_oid_tostr(out->commit, sizeof(out->commit), &r->commit);
	git_oid_tostr(out->blob, sizeof(out->blob), &r->blob);
	if (r->has_prev)
		git_oid_tostr(out->prev, sizeof(out->prev), &r->prev);
	out->time = (int64_t)r->author->when.time;
	out->tz_minutes = r->author->when.offset;
}
