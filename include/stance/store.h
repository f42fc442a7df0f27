/*
 * store.h: documents kept as files in git commits (libgit2).
 *
 * A document with id "kl/naerhedsreform" is the file kl/naerhedsreform.md.
 * Every saved change is one commit on the current branch; the working tree
 * and the index are brought along for that one file.
 */
#ifndef STANCE_STORE_H
#define STANCE_STORE_H

#include "common.h"
#include "document.h"
#include "repo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned int version;
	/* Commit message; NULL gives "Add <id>" or "Update <id>". */
	const char *message;
	/* When this version was observed or took effect; 0 = now. */
	int64_t time;
	int tz_minutes;
	/* Author; NULL takes user.name/user.email from git config, else "stance". */
	const char *author_name;
	const char *author_email;
	/* Extra trailer lines ("Source: https://…\n"), appended after a blank line. */
	const char *trailers;
	/* Raw bytes received, committed on the "snapshots" branch at the
	 * document's path with this extension (e.g. "html"); NULL for none. */
	const char *snapshot_ext;
	const char *snapshot_data;
	size_t snapshot_len;
	/* 1 when the document was read from its own file in the working folder,
	 * which may then be rewritten in canonical form. Otherwise a working
	 * file with changes stance has not stored is never overwritten. */
	int workdir_is_source;
} stance_save_options;

#define STANCE_SAVE_OPTIONS_VERSION 1
#define STANCE_SAVE_OPTIONS_INIT { STANCE_SAVE_OPTIONS_VERSION, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, 0 }

typedef struct {
	int changed;      /* 0 when the canonical document was already stored */
	int created;      /* 1 when the document was new */
	char commit[41];  /* the new commit, when changed */
} stance_save_result;

/*
 * Saves `doc` (which must have an id) as a new revision. The caller holds the
 * lock (stance_repo_lock). When the canonical bytes equal the stored file,
 * nothing is written and result->changed is 0.
 */
int stance_store_save(stance_save_result *result, stance_repo *repo,
	const stance_document *doc, const stance_save_options *opts);

/*
 * Saves `doc` as a revision that belongs before the branch's newest one (a
 * back-dated add): a commit of it whose tree is `parent`'s (NULL: the empty
 * tree) with the document set, parented on `parent`, then a merge of that
 * commit into HEAD with HEAD's tree unchanged and `merge_message`. No commit
 * is rewritten; HEAD, the index and the working file keep the newest text
 * (a working file that was the source, opts->workdir_is_source, gets it
 * back). result->commit is the revision's commit. The caller holds the lock
 * and chooses `parent` (stance_history_save does, by date).
 */
int stance_store_save_behind(stance_save_result *result, stance_repo *repo, const stance_document *doc,
	const stance_save_options *opts, const char *parent, const char *merge_message);
/*
 * Removes document `id` from HEAD in a commit of its own with `message` (a
 * fetched page that is gone); the index follows, and the working file is
 * removed when it holds the stored text (a file with edits stance never
 * stored stays, untracked, with a notice). result->changed is 0 when HEAD
 * has no such document. The caller holds the lock.
 */
int stance_store_remove(stance_save_result *result, stance_repo *repo, const char *id, const char *message);

/*
 * Checks that document `id` can be written to the working folder before
 * anything is committed: its path fits PATH_MAX, and no part of it below
 * the working folder is a symbolic link (which could lead out of the
 * repository), a folder where a file belongs or a file where a folder
 * belongs. stance_store_save() checks this itself; STANCE_EINVALID naming
 * the path otherwise.
 */
int stance_store_check_path(stance_repo *repo, const char *id);

/* stance_store_check_path() for any file of the working folder, named by its
 * path relative to it (`kl/x.md`, `.stance/config`): what the batch checks
 * before it writes a file. */
int stance_store_check_file(stance_repo *repo, const char *relpath);

/*
 * Checks a commit author: a name and an e-mail without control characters
 * (a CR or a newline would forge lines of the commit), valid UTF-8. NULL or
 * "" passes (git's configuration is used then). Every commit stance makes
 * checks its author this way; STANCE_EINVALID saying which part is wrong.
 */
int stance_store_check_identity(const char *name, const char *email);

/*
 * Reads the document `id` as of commit-ish `rev` (NULL: HEAD).
 * STANCE_ENOTFOUND naming the document when it does not exist there.
 */
int stance_store_load(stance_document **out, stance_repo *repo, const char *id, const char *rev);

/*
 * Appends the bytes of file `path` as of commit-ish `rev` ("snapshots" for
 * the snapshots branch) to `out`. STANCE_ENOTFOUND when there is no such
 * file there (or it is not a file).
 */
int stance_store_read_file(stance_buf *out, stance_repo *repo, const char *rev, const char *path);

/* Calls `cb` for every document id at `rev` (NULL: HEAD), sorted. A
 * non-zero return from `cb` stops the walk and is returned. */
int stance_store_foreach(stance_repo *repo, const char *rev,
	int (*cb)(const char *id, void *payload), void *payload);

/*
 * Resolves an id or a unique prefix of one (a whole path segment prefix or a
 * plain string prefix) to the full id, appended to `out`. STANCE_ENOTFOUND
 * for no match; STANCE_EAMBIGUOUS listing the candidates for several.
 */
int stance_store_resolve_id(stance_buf *out, stance_repo *repo, const char *prefix);

/* A problem `stance check` found: the file, the line (0 when none) and a sentence. */
typedef void (*stance_check_cb)(const char *path, size_t line, const char *problem, void *payload);

/*
 * Validates documents: UTF-8, front matter schema, canonical form, the id
 * against the file's path, duplicate ids. `staged`: the versions in the
 * index; otherwise the working folder. `ids` (may be NULL) limits the check
 * to these documents. Each problem goes to `cb`; *problems counts them.
 */
int stance_store_check(size_t *problems, stance_repo *repo, int staged,
	const char *const *ids, size_t nids, stance_check_cb cb, void *payload);

/*
 * Commits the working folder's file `relpath` (such as ".stance/config") as
 * it is, with `message`; nothing when it equals the stored one. The caller
 * holds the lock.
 */
int stance_store_commit_file(stance_save_result *result, stance_repo *repo, const char *relpath,
	const char *message);

/* Appends a trailer line "Key: value\n" (value kept on one line). */
int stance_store_trailer(stance_buf *out, const char *key, const char *value);

#ifdef __cplusplus
}
#endif
#endif
