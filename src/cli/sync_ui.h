/*
 * sync_ui.h: what clone, pull, push and sync share on the command line: the
 * transfer progress bar, the summary and its --json form (in cmd_sync.c).
 */
#ifndef STANCE_SYNC_UI_H
#define STANCE_SYNC_UI_H

#include "cli.h"

typedef struct {
	int enabled;      /* 1 when standard error is a terminal */
	int drawn;        /* 1 while a bar is on the current line */
	int stage;        /* the stage last drawn */
	long long last_ms;
} sync_ui_progress;

/* Sets up the bar: drawn only when standard error is a terminal and not --json. */
void sync_ui_progress_init(sync_ui_progress *p, int json);

/* The stance_sync_progress_cb that draws the bar; payload is a sync_ui_progress. */
int sync_ui_progress_cb(const stance_sync_progress *progress, void *payload);

/* Ends the bar's line, if one is drawn. */
void sync_ui_progress_end(sync_ui_progress *p);

/*
 * Prints what came in and went out (or, with json, one JSON object) for
 * `command`, then, when `error` < 0, the error and any conflicts. Returns the
 * exit code: CLI_OK, or CLI_ERROR after a failure.
 */
int sync_ui_report(cli_context *ctx, const char *command, const stance_sync_result *r,
	int json, int error);

/* The credentials offered to remotes and the home folder of known_hosts
 * (credentials.c), read from the environment as ssh and git do. */
#define SYNC_UI_KEYS 3
typedef struct {
	const char *home;            /* HOME, or NULL */
	int agent;                   /* SSH_AUTH_SOCK is set */
	stance_buf keys[SYNC_UI_KEYS], pubs[SYNC_UI_KEYS];
	int is_rsa[SYNC_UI_KEYS];
	size_t noffers;              /* key files found */
	char *helper_user, *helper_password, *helper_url; /* from `git credential fill` */
	int helper_given;            /* the last http(s) credentials came from git's helpers */
} sync_ui_credentials;

/* Fills `opts` with the callbacks and the home folder; `cr` must outlive the
 * operation. */
void sync_ui_credentials_init(sync_ui_credentials *cr, stance_sync_options *opts);

/* Frees what `cr` holds, wiping the helper's password. */
void sync_ui_credentials_dispose(sync_ui_credentials *cr);

/* Takes the repository's write lock; prints and returns CLI_ERROR when busy. */
int sync_ui_lock(stance_repo *repo);

/* The whole of `stance pull` and `stance push` (which differ only in the
 * library call): options (sync_ui_transfer_options) and [REMOTE], the
 * lock, progress, report. */
extern const cli_option sync_ui_transfer_options[];
typedef int (*sync_ui_transfer)(stance_sync_result *result, stance_repo *repo,
	const char *remote, const stance_sync_options *opts);
int sync_ui_run_transfer(cli_context *ctx, stance_repo *repo, int argc, char **argv,
	const cli_command *cmd, sync_ui_transfer transfer);

#endif
