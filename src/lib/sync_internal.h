/*
 * sync_internal.h: what the files of the sync module share (sync.c the
 * runner, sync_remote.c, sync_transport.c, sync_known_hosts.c,
 * sync_merge.c): the context of one operation and the functions each file
 * offers the others. Not part of the API.
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
