/*
 * sync.h: sharing a stance repository through git remotes: clone, pull,
 * push and sync, with a merge that knows documents and never loses a
 * revision.
 *
 * Every operation carries two branches: the main branch (the one HEAD names,
 * "main" in a new repository) and "snapshots". Transports are libgit2's:
 * local paths, file://, http(s):// (smart HTTP) and ssh. Credentials come
 * from the caller's callback (stance_sync_options.credentials): the library
 * reads no environment variable and runs no program. The stance command
 * offers, for ssh, the ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa;
 * for http(s) the token in STANCE_TOKEN (user name from the URL, else
 * "stance"), else git's credential helpers (`git credential fill`). An ssh
 * server's host key must be in ~/.ssh/known_hosts (the home folder given in
 * the options) or /etc/ssh/ssh_known_hosts.
 *
 * When both sides changed since they last agreed, pull makes a real merge
 * commit (nothing is rewritten): different documents merge; a document both
 * sides fetched takes the later observation (Fetched-At); otherwise front
 * matter merges field by field and the body paragraph by paragraph. Edits to
 * the same passage stop the merge (STANCE_ECONFLICT) until
 * stance_sync_continue() or stance_sync_abort().
 *
 * Writers: the caller holds the repository lock (stance_repo_lock) around
 * pull, push, sync, continue and abort.
 */
#ifndef STANCE_SYNC_H
#define STANCE_SYNC_H

#include "common.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- remotes ---- */

typedef struct {
	char *name;
	char *url;  /* with any password or token removed */
} stance_remote_info;

typedef struct {
	stance_remote_info *items;
	size_t count;
} stance_remote_array;

void stance_remote_array_free(stance_remote_array *list);

/* Adds remote `name` fetching every branch from `url`. STANCE_EEXISTS when
 * the name is taken, STANCE_EINVALID for a bad name or an empty URL. */
int stance_remote_add(stance_repo *repo, const char *name, const char *url);

/* Removes remote `name` and its tracking branches. STANCE_ENOTFOUND. */
int stance_remote_remove(stance_repo *repo, const char *name);

/* The remotes, sorted by name. The list belongs to the caller. */
int stance_remote_list(stance_remote_array *out, stance_repo *repo);

/* Appends `url` without its user-info password ("https://u:t@h/x" gives
 * "https://u@h/x"), the form every message uses. */
int stance_url_redact(stance_buf *out, const char *url);

/* ---- progress, options, results ---- */

typedef enum {
	STANCE_SYNC_RECEIVING = 1, /* objects coming in */
	STANCE_SYNC_RESOLVING,     /* deltas being resolved */
	STANCE_SYNC_SENDING        /* objects going out */
} stance_sync_stage;

typedef struct {
	stance_sync_stage stage;
	size_t current;
	size_t total;
	size_t bytes;
} stance_sync_progress;

/* Return non-zero to cancel the transfer. */
typedef int (*stance_sync_progress_cb)(const stance_sync_progress *progress, void *payload);

/* ---- credentials ---- */

/* What a remote asks for, as bits of stance_credential_request.allowed. */
#define STANCE_CREDENTIAL_ALLOW_SSH      (1u << 0) /* an ssh key: the agent's or a key file */
#define STANCE_CREDENTIAL_ALLOW_USERPASS (1u << 1) /* a user name and a password or token */

typedef struct {
	const char *url;      /* the remote's URL as configured: it may hold a secret */
	const char *username; /* the user name the URL names, or NULL */
	unsigned int allowed; /* STANCE_CREDENTIAL_ALLOW_* */
	/* 0 for the first ask of a transfer; 1, 2, ... after the server refused
	 * the credentials given before (ssh asks again for each key; http(s)
	 * asks once per transfer) */
	unsigned int attempt;
} stance_credential_request;

typedef enum {
	STANCE_CREDENTIAL_SSH_AGENT = 1, /* the keys of the ssh-agent */
	STANCE_CREDENTIAL_SSH_KEY,       /* private_key, public_key (may be NULL), passphrase (may be NULL) */
	STANCE_CREDENTIAL_USERPASS       /* username, password */
} stance_credential_kind;

typedef struct {
	stance_credential_kind kind;
	const char *username;    /* NULL: the URL's, else "git" (ssh) or "stance" (http) */
	const char *password;    /* USERPASS; removed from every message */
	const char *public_key;  /* SSH_KEY: the .pub file, or NULL */
	const char *private_key; /* SSH_KEY: the key file */
	const char *passphrase;  /* SSH_KEY: or NULL */
	/* What the message of a failed login says after "failed: " when this is
	 * the last thing given ("the server refused the token in ..."); may be
	 * NULL */
	const char *refused;
} stance_credential;

/*
 * Asked for credentials for `request->url`: fills `out` and returns 0, or
 * returns 1 when there is nothing (more) to offer, with `out->refused` (may
 * be NULL) saying what was tried; < 0 (with a message set) stops the
 * transfer. `out` comes zeroed. The strings are copied before the callback
 * is called again; they need to live only until then.
 */
typedef int (*stance_credential_cb)(stance_credential *out, const stance_credential_request *request,
	void *payload);

/* Told, after a transfer, whether the credentials last given were accepted
 * (1) or refused (0), so a helper can keep or forget them. */
typedef void (*stance_credential_verdict_cb)(int accepted, void *payload);

typedef struct {
	unsigned int version;
	stance_sync_progress_cb progress; /* may be NULL */
	void *payload;
	/* sync: how often to pull again when the remote moved during a push (0: 5) */
	int max_retries;
	/* credentials for remotes that ask (NULL: none are offered) */
	stance_credential_cb credentials;
	stance_credential_verdict_cb credential_verdict; /* may be NULL */
	void *credentials_payload;
	/* the user's home folder, for ~/.ssh/known_hosts (NULL: only
	 * /etc/ssh/ssh_known_hosts is read) */
	const char *home;
} stance_sync_options;

#define STANCE_SYNC_OPTIONS_VERSION 2
#define STANCE_SYNC_OPTIONS_INIT { STANCE_SYNC_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL, NULL }

typedef enum {
	STANCE_SYNC_UP_TO_DATE = 0, /* nothing came in */
	STANCE_SYNC_FAST_FORWARD,   /* the remote's commits were added on top */
	STANCE_SYNC_MERGED,         /* a merge commit joined both sides */
	STANCE_SYNC_CONFLICT        /* stopped: passages need a person */
} stance_sync_outcome;

typedef struct {
	char *id;        /* the document */
	char *passage;   /* e.g. "paragraph 3 (\"We believe …\")" or "front matter field 'title'" */
} stance_sync_conflict;

typedef struct {
	char *remote;                /* remote name */
	char *url;                   /* redacted */
	char *branch;                /* the main branch's name */
	stance_sync_outcome outcome; /* of the main branch */
	size_t commits_in;           /* new commits received on main */
	size_t snapshots_in;         /* new commits received on snapshots */
	size_t commits_out;          /* commits the remote's main gained from us */
	size_t snapshots_out;        /* commits the remote's snapshots gained */
	size_t objects_in;
	size_t bytes_in;
	size_t retries;              /* sync: pulls repeated because the remote moved */
	char **merged;               /* documents both sides changed, merged */
	size_t merged_count;
	stance_sync_conflict *conflicts;
	size_t conflict_count;
	char head[41];               /* the main branch afterwards */
} stance_sync_result;

#define STANCE_SYNC_RESULT_INIT { NULL, NULL, NULL, STANCE_SYNC_UP_TO_DATE, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, { 0 } }

/* Frees what the result holds and leaves it empty. */
void stance_sync_result_clear(stance_sync_result *result);

/* ---- operations ---- */

/*
 * Clones the stance repository at `url` into `path` (which must not exist or
 * be empty), with its main and snapshots branches, and installs stance's git
 * hooks. The remote is called "origin". Nothing is left behind on failure.
 * The repository comes back through `out` (may be NULL).
 */
int stance_sync_clone(stance_repo **out, stance_sync_result *result, const char *url,
	const char *path, const stance_sync_options *opts);

/* Fetches from `remote` (NULL: "origin") and merges its main and snapshots
 * branches into ours. STANCE_ECONFLICT when passages need a person; the
 * result lists them. */
int stance_sync_pull(stance_sync_result *result, stance_repo *repo, const char *remote,
	const stance_sync_options *opts);

/* Pushes main and snapshots to `remote`. STANCE_ECONFLICT when the remote
 * has commits we lack (pull or sync first); STANCE_EHTTP when it refused. */
int stance_sync_push(stance_sync_result *result, stance_repo *repo, const char *remote,
	const stance_sync_options *opts);

/* Pull, then push; when the remote moved in between, pull and push again. */
int stance_sync_run(stance_sync_result *result, stance_repo *repo, const char *remote,
	const stance_sync_options *opts);

/* 1 when a merge stopped on a conflict waits for continue or abort. */
int stance_sync_in_progress(stance_repo *repo);

typedef enum {
	STANCE_SYNC_TAKE_WORKTREE = 0, /* the conflicting documents as the user left them */
	STANCE_SYNC_TAKE_OURS,
	STANCE_SYNC_TAKE_THEIRS
} stance_sync_take;

/*
 * Finishes a stopped merge: the conflicting documents are taken from the
 * working folder (after the user chose; they must parse) or from one side,
 * and the merge commit is made. The remote the merge came from is appended
 * to `remote_out` (may be NULL), so the caller can push next.
 */
int stance_sync_continue(stance_sync_result *result, stance_buf *remote_out,
	stance_repo *repo, stance_sync_take take);

/* Forgets a stopped merge: the working folder returns to the main branch as
 * it was before; nothing committed is touched. */
int stance_sync_abort(stance_repo *repo);

#ifdef __cplusplus
}
#endif
#endif
