/*
 * git_internal.h: libgit2 glue for the modules allowed to include <git2.h>
 * (store, history, sync): the repository handle and error translation.
 */
#ifndef STANCE_GIT_INTERNAL_H
#define STANCE_GIT_INTERNAL_H

#include <git2.h>
#include "internal.h"

/* The libgit2 repository behind a stance repository. Borrowed. */
git_repository *stance_repo_git(stance_repo *repo);

/* Ensures git_libgit2_init() ran once for this process. */
void stance_git_init(void);

/*
 * Turns a libgit2 failure into a stance error: the message is the formatted
 * context, ": ", and libgit2's own message. GIT_ENOTFOUND maps to
 * STANCE_ENOTFOUND, GIT_ELOCKED to STANCE_ELOCKED, others to STANCE_ERROR.
 */
int stance_git_error(int git_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The signature to write commits with: opts' name/email, else
 * GIT_AUTHOR_NAME/EMAIL, else user.name/user.email, else "stance". */
int stance_git_signature(git_signature **out, git_repository *git, const char *name,
	const char *email, int64_t time, int tz_minutes);

/* Commits `tree` onto `ref` (e.g. "HEAD" or "refs/heads/snapshots") with the
 * ref's current target (if any) as parent. */
int stance_git_commit_tree(git_oid *out, git_repository *git, const char *ref,
	const git_signature *author, const char *message, const git_oid *tree_id);

#endif
