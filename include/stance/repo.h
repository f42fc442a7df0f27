/*
 * repo.h: a stance repository: a git repository with a .stance/ folder.
 */
#ifndef STANCE_REPO_H
#define STANCE_REPO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stance_repo stance_repo;

/*
 * Creates a stance repository at `path` (created if missing) from the
 * embedded repo-template/, as one commit, and installs the embedded hooks into
 * .git/hooks. Inside an existing git repository the skeleton is added as a
 * commit on top of its history. STANCE_EEXISTS if it is a stance repository
 * already. The repository comes back through `out` (may be NULL).
 */
int stance_repo_init(stance_repo **out, const char *path);

/*
 * Opens the stance repository containing `path` (searching upwards, as git
 * does). STANCE_ENOTREPO, naming the folder, when there is none.
 */
int stance_repo_open(stance_repo **out, const char *path);

void stance_repo_free(stance_repo *repo);

/*
 * Records the path of the stance program in .git/config (stance.program),
 * for the pre-commit hook, and makes it git's diff driver for documents
 * (diff.stance.command = "PROGRAM difftool").
 */
int stance_repo_set_program(stance_repo *repo, const char *program);

/* The working folder, with a trailing '/'. Borrowed. */
const char *stance_repo_workdir(const stance_repo *repo);

/* The repository's git folder (".git/" in the working folder), with a
 * trailing '/', where caches and state outside history live. Borrowed. */
const char *stance_repo_gitdir(stance_repo *repo);

/*
 * Takes the repository's write lock (.git/stance.lock), waiting up to
 * `timeout_ms` for another stance to finish; STANCE_ELOCKED ("the
 * repository is busy") after that. A lock left by a process that no longer
 * exists (or empty, and older than a grace period) is taken over, together
 * with the git ref and index locks that process left. Then an update a
 * killed writer left unfinished (.git/stance-update) is finished; when
 * that fails, so does the lock. Writers take it; stance_repo_free()
 * releases it. What was cleaned up is said in notices
 * (stance_repo_take_notices).
 */
int stance_repo_lock(stance_repo *repo, int timeout_ms);
void stance_repo_unlock(stance_repo *repo);

/*
 * Finishes an update a killed writer left unfinished, if there is one:
 * takes the lock without waiting (a live writer's update is its own) and
 * releases it. For commands that read the working folder; writers have it
 * done by stance_repo_lock().
 */
int stance_repo_recover(stance_repo *repo);

/* Names the command that runs ("import", "fetch"), for the update journal
 * and its notice should the command be killed. */
void stance_repo_set_command(stance_repo *repo, const char *name);

/*
 * Appends the lines the library has for the user since the last call
 * ("finished an interrupted update of 12 documents (import at 1a2b3c4)"),
 * one a line without a "stance: " prefix, and forgets them. 1 when there
 * were any.
 */
int stance_repo_take_notices(stance_buf *out, stance_repo *repo);

/*
 * What the library would otherwise read from the environment, which it never
 * reads: the program sets it once, before it opens a repository (the command
 * line takes it from STANCE_LOCK_TIMEOUT_MS, GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
 * and GIT_INDEX_FILE). The strings are copied. Not for a process whose
 * threads are already using the library.
 */
typedef struct {
	int lock_timeout_ms;      /* how long a writer waits for the lock; < 0: 5000 */
	const char *author_name;  /* the default author of a revision (NULL: */
	const char *author_email; /*   user.name/user.email, else "stance") */
	int git_holds_index;      /* run by git with its own index (a hook):
	                           * recovery leaves .git/index.lock alone */
	const char *index_file;   /* that index (GIT_INDEX_FILE), which `check
	                           * --staged` reads; NULL: the repository's */
} stance_process_settings;

#define STANCE_PROCESS_SETTINGS_INIT { -1, NULL, NULL, 0, NULL }

/* Sets the process's settings; -1 (out of memory) leaves the old ones. */
int stance_process_settings_set(const stance_process_settings *settings);

/* Milliseconds writers wait for the lock: the process setting, or 5000. */
int stance_repo_lock_timeout(void);

/*
 * .stance/config values (git-config syntax, e.g. "stance.language").
 * get: STANCE_ENOTFOUND when unset; appends to `out`.
 */
int stance_repo_config_get(stance_buf *out, stance_repo *repo, const char *key);
int stance_repo_config_set(stance_repo *repo, const char *key, const char *value);

/* Calls `cb` with the name and value of each .stance/config entry whose
 * name matches POSIX extended regular expression `regex`, in file order
 * (a multivar once a value). A non-zero return from `cb` stops the walk and
 * is returned. */
int stance_repo_config_foreach(stance_repo *repo, const char *regex,
	int (*cb)(const char *name, const char *value, void *payload), void *payload);

/* Removes every value of `key` (all of a multivar's) from .stance/config;
 * 0 when it had none. */
int stance_repo_config_unset_all(stance_repo *repo, const char *key);

/* The repository's language (stance.language), "en" when unset. */
const char *stance_repo_language(stance_repo *repo);

#ifdef __cplusplus
}
#endif
#endif
