/*
 * batch.h: many revisions written in one go (a saved history imported with
 * `stance import --manifest`; the documents one `stance fetch` stores).
 *
 * A batch builds its commits in memory, one after the other on the current
 * branch, and writes them to the repository as packs: one whenever the
 * objects held in memory pass the checkpoint size, and the rest when it is
 * finished. The branch moves once, at the end; the index and the working
 * files of the documents it touched are brought along once. A batch that is
 * freed unfinished leaves the repository as it was (but for the objects of
 * its checkpoints and of stance_batch_flush(), unreferenced). The caller holds the lock (stance_repo_lock) for
 * stance_batch_finish(); holding it from stance_batch_new() on spares the
 * batch from making its commits again there.
 */
#ifndef STANCE_BATCH_H
#define STANCE_BATCH_H

#include "common.h"
#include "document.h"
#include "repo.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stance_batch stance_batch;

/* Starts a batch on the current branch of `repo`. Free with stance_batch_free(). */
int stance_batch_new(stance_batch **out, stance_repo *repo);

/* The checkpoint size a new batch starts with: 64 MB of objects in memory,
 * a pack's worth (git fast-import's packs are of that order), and a
 * fraction of the memory of a small machine. */
#define STANCE_BATCH_CHECKPOINT_BYTES ((size_t)64 * 1024 * 1024)

/*
 * Once the objects the batch holds in memory pass `bytes` (their
 * uncompressed size), the next save or append first writes them as a pack
 * (as stance_batch_flush() does) and empties the memory, so a batch of any
 * length needs about that much. 0: no checkpoints, one pack at the end.
 * The commits made are the same whatever the size; only the packs differ
 * (deltas are found within a pack).
 */
void stance_batch_set_checkpoint(stance_batch *batch, size_t bytes);

/*
 * Adds `doc` (which must have an id) as the next commit of the batch, with
 * the message, time, author, trailers and snapshot of `opts`, as
 * stance_store_save does (a snapshot is the next commit of the batch on the
 * snapshots branch, named in the version's `Snapshot:` trailer). When the
 * canonical bytes equal the document's current content in the batch,
 * nothing is added and result->changed is 0. A document whose working file
 * holds changes stance never stored fails with STANCE_ECONFLICT and leaves
 * the batch as it was.
 */
int stance_batch_save(stance_save_result *result, stance_batch *batch,
	const stance_document *doc, const stance_save_options *opts);

/*
 * Adds a commit with `message` that appends `text` to the file `path` of
 * the branch (made when it has none; a line break is put between when the
 * file lacks one): the sources a fetch's feeds added, to .stance/config.
 * Should the branch move before stance_batch_finish(), the text is
 * appended to the file as it is then, so that what the other writer
 * committed to it stays. stance_batch_finish() writes the working file as
 * committed when it held what the branch had; when it has edits of its
 * own, they stay (uncommitted) and the text is appended to it.
 */
int stance_batch_append(stance_batch *batch, const char *path, const char *text, const char *message);

/*
 * Writes the pack without looking for deltas between the batch's objects:
 * quicker to write (a third of a fetch run's storing time) when the batch
 * holds about one version a document, larger when it holds whole histories
 * (the default searches, as import needs). git gc finds the deltas later.
 */
void stance_batch_skip_deltas(stance_batch *batch);

/* Number of commits added so far. */
size_t stance_batch_count(const stance_batch *batch);

/*
 * Writes the objects of the commits added so far as a pack, so that the
 * work of packing them is done now rather than at stance_batch_finish();
 * no branch, index or working file changes. Should the batch then be freed
 * unfinished, those objects stay in the repository unreferenced (as a failed
 * git fetch leaves them; git gc removes them), and nothing else changes.
 */
int stance_batch_flush(stance_batch *batch);

/*
 * Writes the batch's objects as one pack, moves the snapshots branch and
 * then the branch to their last commits, and updates the index and the
 * working files of the documents it changed. Nothing to do when no commit
 * was added. The caller holds the lock here. When a branch moved since the
 * batch began (it was built without the lock, as fetch does), the batch's
 * commits are first made again on top of the branches as they are now: the
 * same documents and snapshots, messages, authors and dates, so nothing
 * either writer committed is lost. Each branch then moves only if it is
 * still where it was read (compare-and-swap).
 */
int stance_batch_finish(stance_batch *batch);

/* One commit a batch made, as the revision table keeps it (history.h,
 * stance_history_add_batch). The strings belong to the batch. */
typedef struct {
	const char *path;      /* the file it changed: "<id>.md", or the file appended to */
	const char *message;   /* without the Snapshot: trailer */
	char commit[41], blob[41];
	char prev[41];         /* the file's blob before; "" when the commit added it */
	int64_t time;          /* the author date */
	int tz_minutes;
} stance_batch_commit;

/*
 * After stance_batch_finish() moved the branch: the number of commits the
 * batch made on it, in the order made (stance_batch_commit_get() gives
 * each), and in `base` the commit they were made on ("" when the branch
 * had none). -1 when the branch did not move, or when the commits were
 * made again on a branch that had moved (what the batch recorded of them
 * is then not what the branch holds).
 */
long stance_batch_commits(char base[41], const stance_batch *batch);
void stance_batch_commit_get(stance_batch_commit *out, const stance_batch *batch, size_t i);

void stance_batch_free(stance_batch *batch);

#ifdef __cplusplus
}
#endif
#endif
