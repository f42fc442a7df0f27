/*
 * sync_internal.h: what the files of the sync module share (sync.c the
 * runner, sync_remote.c, sync_transport.c, sync_known_hosts.c,
 * sync_merge.c, sync_copy.c, sync_pack.c, sync_fetch.c): the context of
 * one operation and the functions each file offers the others. Not part
 * of the API.
 */
#ifndef STANCE_SYNC_INTERNAL_H
#define STANCE_SYNC_INTERNAL_H

#include "git_internal.h"
#include "embedded.h"
#include "merge.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/sync.h"

#define SNAPSHOTS "snapshots"
#define STATE_DIR "stance-sync"
#define REF_OURS "refs/stance/ours"
#define REF_THEIRS "refs/stance/theirs"

/* The pack maps sync_memory.c remembers between looks (libgit2's 8 MB
 * windows over one pack being indexed are a handful). */
#define SYNC_PACK_MAPS 32

/* What one operation against one remote carries around. */
typedef struct {
	git_repository *git;
	stance_repo *repo;
	const stance_sync_options *opts;
	stance_sync_result *result;
	const char *remote_name;
	const char *raw_url;      /* may hold a secret: never printed */
	char *raw_url_owned;      /* the copy raw_url points to, when we made one */
	stance_buf url;           /* redacted */
	/* credentials */
	int ssh_step;             /* ssh credentials asked for in this transfer */
	int userpass_tries;
	int auth_failed;
	int verdict_pending;      /* credentials were given and not yet judged */
	char *refused;            /* the last credentials' words for a failed login */
	char **secrets;           /* every password given: scrubbed from messages */
	size_t nsecrets;
	/* push */
	stance_buf rejection;     /* "refs/heads/main: pre-receive hook declined" */
	stance_buf remote_says;   /* what the server's hooks printed (sideband) */
	int rejected_nonff;
	/* the progress callback asked to stop */
	int cancelled;
	/* the last transfer figures seen (a clone's remote is gone afterwards) */
	size_t seen_objects, seen_bytes;
	/* sync_memory.c: progress calls seen; resident file-backed and other
	 * memory after the last trim of each; /proc/self/statm, open for the
	 * whole operation once mem_open (-1 when it cannot be); the pages of
	 * maps other than private writable ones at the last look and when the
	 * pack maps were listed; the maps listed (all of them when packs_listed) */
	unsigned trim_calls;
	size_t trim_file, trim_anon;
	int mem_open, statm_fd;
	unsigned long nondata_pages, listed_nondata_pages;
	int packs_listed;
	size_t npacks;
	struct { unsigned long start, end; } packs[SYNC_PACK_MAPS];
} sync_ctx;

/* ---- sync.c: the result and small helpers ---- */

/* Records a merged document in the result (a copy; the result owns it), once. */
int sync_result_add_merged(stance_sync_result *r, const char *id);

/* Records a conflicting passage in the result; the result owns the copies. */
int sync_result_add_conflict(stance_sync_result *r, const char *id, const char *passage);

/* The branch HEAD names ("main"), appended to `out`. */
int sync_main_branch(stance_buf *out, git_repository *git);

/* Resolves `ref` to a commit id; 1 when it exists, 0 when not. */
int sync_ref_oid(git_oid *out, git_repository *git, const char *ref);

/* Commits reachable from `tip` and not from `hide` (NULL: none). */
int sync_count_new(size_t *out, git_repository *git, const git_oid *tip, const git_oid *hide);

/* Copies remote, URL and branch names into the result, which owns them. */
int sync_fill_result_names(sync_ctx *c, const char *branch);

/* The folder a local remote (a path or file://) names, appended to `out`;
 * 1 when the URL is local, 0 when not. */
int sync_local_remote_path(stance_buf *out, sync_ctx *c);

/* A push to or a fetch from a folder on this machine of at most
 * SYNC_LOOSE_MAX new objects copies them as loose objects (sync_copy.c; git's
 * transfer.unpackLimit), of at most STANCE_WHOLE_PACK_MAX as one pack without
 * deltas (sync_pack.c); more go as a pack with deltas: a push through
 * libgit2's pack builder, a fetch through libgit2's fetch. */
#define SYNC_LOOSE_MAX 100

/* ---- sync_remote.c ---- */

/* Looks up the remote for an operation; the remote belongs to the caller. Fills
 * the context's URL (a private copy) and its redacted form for messages. */
int sync_remote_open(git_remote **out, sync_ctx *c);

/* ---- sync_transport.c ---- */

/* Frees what the context owns; secrets are wiped first. */
void sync_ctx_dispose(sync_ctx *c);

/* A failed transfer as a sentence naming the remote and the URL, never a
 * secret; sets the error and returns its code. */
int sync_transfer_error(sync_ctx *c, int git_code, const char *what);

/* Tells git's credential helpers how the pair they gave us fared. */
void sync_credential_verdict(sync_ctx *c, int worked);

/* Passes progress to the caller's callback; -1 when it asked to stop. */
int sync_report_progress(sync_ctx *c, stance_sync_stage stage, size_t cur, size_t total, size_t bytes);

/* Wires our callbacks into libgit2's, with the context as payload. */
void sync_set_callbacks(git_remote_callbacks *cb, sync_ctx *c);

/* ---- sync_copy.c: a push to a folder on this machine ---- */

/* Object ids, in the order they are to be written. */
typedef struct {
	git_oid *ids;
	size_t count, cap;
} sync_object_list;

void sync_object_list_dispose(sync_object_list *l);

/* Lists the objects of the commits `walk` yields (ours, the remote's tips
 * hidden) that the repository whose objects are `remote` lacks: each
 * commit after its parents and its tree, each tree after its entries. The
 * walk is used up. */
int sync_list_new_objects(sync_object_list *out, git_repository *git, git_odb *remote, git_revwalk *walk);

/* Writes the listed objects into `remote_repo` (whose objects are
 * `remote`) as loose objects, skipping those it has; `bytes`: their size. */
int sync_copy_objects(size_t *bytes, git_repository *git, git_repository *remote_repo, git_odb *remote,
	const sync_object_list *l);

/* ---- sync_fetch.c ---- */

/* Fetches the remote's branches from the repository in folder `path` by
 * copying the objects this one lacks, then moves the remote-tracking
 * branches; 1 when done, 0 when libgit2's fetch is to do it (many objects,
 * a remote-tracking rule that is not forced). */
int sync_fetch_local(sync_ctx *c, git_remote *remote, const char *path);

/* ---- sync_pack.c ---- */

/* Writes the listed objects of `git` that `dest` lacks as one pack into
 * `dest` (each whole, zlib's fastest level; libgit2's indexer checks and
 * indexes it); `bytes`: their size. `dest_name` names it in messages. */
int sync_write_pack(size_t *bytes, git_repository *git, git_odb *dest, const sync_object_list *l,
	const char *dest_name);

/* ---- sync_memory.c ---- */

/* Called on each progress call of a transfer: when the pack libgit2 is
 * receiving and indexing has made much of its file resident, gives those
 * clean pages back (see sync_memory.c). */
void sync_bound_pack_memory(sync_ctx *c);

/* libgit2's checkout progress callback (payload: the context): the
 * checkout after a clone reads the new pack through the same maps. */
void sync_checkout_progress(const char *path, size_t completed, size_t total, void *payload);

/* Closes what sync_memory.c kept open; sync_ctx_dispose calls it. */
void sync_memory_dispose(sync_ctx *c);

/* ---- sync_known_hosts.c ---- */

/* libgit2's certificate_check: https keeps libgit2's verdict; an ssh host
 * key must be in known_hosts. */
int sync_certificate_cb(git_cert *cert, int valid, const char *host, void *payload);

/* ---- sync_merge.c ---- */

/*
 * Brings refs/remotes/<remote>/<branch> into refs/heads/<branch>.
 * `checked_out`: the branch is the working folder's (main).
 */
int sync_merge_branch(sync_ctx *c, const char *branch, int checked_out, int is_main);

/* While a stopped merge waits: the conflicts go into the result again, so
 * --json shows them, and the operation is refused. */
int sync_refuse_while_waiting(sync_ctx *c);

#endif
