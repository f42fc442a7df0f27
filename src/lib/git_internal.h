/*
 * git_internal.h: libgit2 glue for the modules allowed to include <git2.h>
 * (repo, store, batch, journal, history, sync, source; git_pack.c): the repository
 * handle, error translation, and what the store's modules share.
 */
#ifndef STANCE_GIT_INTERNAL_H
#define STANCE_GIT_INTERNAL_H

#include <git2.h>
#include "internal.h"
#include "stance/repo.h"

/* The libgit2 repository behind a stance repository. Borrowed. */
git_repository *stance_repo_git(stance_repo *repo);

/* Ensures git_libgit2_init() ran once for this process. */
void stance_git_init(void);

/*
 * Whether libgit2 hashes every object it reads again to check its id (its
 * default, on). Walks that read thousands of blobs the repository already
 * holds (the revision table, per-revision caches, blame, log -S, the search
 * index) turn it off around the walk: git itself never re-hashes on read
 * (corruption is `git fsck`'s to find), and the SHA-1 with collision
 * detection was a third of such a walk's time. Returns the setting before,
 * to put back. The setting is the process's; stance runs one walk at a time.
 */
int stance_git_verify_reads(int on);

/*
 * A pack builder for `git` that reads the pack settings `settings` (git
 * config text, e.g. "[pack]\n\twindow = 0\n") on top of the repository's:
 * libgit2 1.5 has no in-memory configuration and its packer reads its
 * settings when it is made, so the text goes to a file of the handle's own
 * configuration (never .git/config), removed at once. The handle keeps the
 * extra level; callers use a handle of their own for it.
 */
int stance_git_packbuilder_new(git_packbuilder **out, git_repository *git, const char *settings);

/* ---- git_pack.c: a pack of whole objects ---- */

/* Up to this many new objects go as one pack of whole objects
 * (stance_git_write_whole_pack): a push to or a pull from a folder, a
 * batch's last pack; more go through libgit2's pack builder, whose delta
 * search a large pack is worth. */
#define STANCE_WHOLE_PACK_MAX 2000

/*
 * Writes the objects `ids[0, n)` (each once), read from `src`, as one pack
 * into `dest`: each whole, deflated at zlib's fastest level, with its SHA-1
 * trailer; libgit2's indexer checks it and writes the index. `bytes`: the
 * objects' size. A failure names `dest_name` and leaves no pack behind.
 */
int stance_git_write_whole_pack(size_t *bytes, git_odb *src, git_odb *dest, const git_oid *ids, size_t n,
	const char *dest_name);

/*
 * Turns a libgit2 failure into a stance error: the message is the formatted
 * context, ": ", and libgit2's own message. GIT_ENOTFOUND maps to
 * STANCE_ENOTFOUND, GIT_ELOCKED to STANCE_ELOCKED, others to STANCE_ERROR.
 */
int stance_git_error(int git_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The signature to write commits with: opts' name/email, else
 * the process's default author (stance_process_settings), else user.name/user.email, else "stance". */
int stance_git_signature(git_signature **out, git_repository *git, const char *name,
	const char *email, int64_t time, int tz_minutes);

/* Commits `tree` onto `ref` (e.g. "HEAD" or "refs/heads/snapshots") with the
 * ref's current target (if any) as parent. */
int stance_git_commit_tree(git_oid *out, git_repository *git, const char *ref,
	const git_signature *author, const char *message, const git_oid *tree_id);

/* ---- repo.c: notices and the running command ---- */

/* The revision table the history module parsed last (history.c), kept with
 * the handle for the process; setting another frees the one before through
 * the `free_fn` it was set with, as stance_repo_free() does. */
void *stance_repo_history_table(stance_repo *repo);
void stance_repo_set_history_table(stance_repo *repo, void *table, void (*free_fn)(void *));

/* Adds a line for the user (the CLI prints it; stance_repo_take_notices). */
void stance_repo_notice(stance_repo *repo, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command named by stance_repo_set_command, "update" when none. */
const char *stance_repo_command(const stance_repo *repo);

/* Writes stance's git hooks (the embedded hooks/) into the repository's
 * .git/hooks, executable; used by init and clone. */
int stance_repo_install_hooks(git_repository *git);

/* The index git named for the process (stance_process_settings.index_file),
 * or NULL. */
const char *stance_process_index_file(void);

/* ---- journal.c: the update journal ---- */

/* The journal's name in .git/. */
#define STANCE_JOURNAL "stance-update"

/*
 * Writes .git/stance-update (and waits for the disk): the branch `branch`
 * is about to move from `old` (NULL: unborn) to `new_id`, and the snapshots
 * branch from `snap_old` to `snap_new` (NULL, NULL: it does not move).
 * The caller holds the lock.
 */
int stance_journal_write(stance_repo *repo, const char *branch, const git_oid *old, const git_oid *new_id,
	const git_oid *snap_old, const git_oid *snap_new);

/* Removes the journal: the update is complete. */
void stance_journal_remove(stance_repo *repo);

/*
 * Finishes the update a killed writer left in the journal, if any (the
 * caller holds the lock): the index entries and working files of the paths
 * that changed between the journal's old commit and the branch now follow
 * the branch (a file holding neither the old nor the new bytes is kept);
 * a branch that never moved has its snapshots move undone. Says what it
 * did through stance_repo_notice().
 */
int stance_journal_finish(stance_repo *repo);

/*
 * Removes the files NAME.tmp.PID in folder `dir` (with trailing '/') left
 * by processes that are gone, for the NAMEs `want` accepts (NULL: any).
 */
void stance_remove_dead_tmp(const char *dir, int (*want)(const char *name, void *payload), void *payload);

/*
 * Adds the working file just written at `full` to the index as `blob` at
 * `path`, with its stat data, so that git sees it clean without reading it.
 */
int stance_index_add_written(git_index *index, const char *full, const char *path, const git_oid *blob);

/* ---- store.c ---- */

/*
 * When the bytes `data` of the working file `path` are a version of it
 * stored earlier on HEAD's branch (a working folder left behind, a file
 * checked out from an older commit), sets a message that says so and
 * returns STANCE_ECONFLICT; otherwise 0.
 */
int stance_store_stale_file(git_repository *git, const char *path, const char *data, size_t len);

#endif
