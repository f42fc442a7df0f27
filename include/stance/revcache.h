/*
 * revcache.h: what each revision's text gives (the words it added and
 * removed, its position statements, the front matter `list` shows),
 * computed the first time a command needs it and kept in .git/stance-cache/,
 * so that `log`, `list` and `positions --history` read it instead of
 * reading and diffing every blob of the history each time.
 */
#ifndef STANCE_REVCACHE_H
#define STANCE_REVCACHE_H

#include "common.h"
#include "repo.h"
#include "positions.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stance_revcache stance_revcache;

/*
 * Opens the cache of `repo`. `markers_path`, the position markers file
 * (.stance/positions) the position statements are read with, may be NULL
 * when no position statements are asked for. Nothing is read until asked
 * for. The cache belongs to the caller: stance_revcache_close().
 */
int stance_revcache_open(stance_revcache **out, stance_repo *repo, const char *markers_path);

/*
 * Writes what was computed back, each cache file atomically (temp file,
 * rename); a file that cannot be written is only slower next time. Frees
 * the cache; NULL-safe.
 */
void stance_revcache_close(stance_revcache *c);

/*
 * The words the body of blob `new_blob` adds to and removes from the body of
 * `old_blob` (either "" or NULL: an empty text), as stance_words_delta
 * counts them.
 */
int stance_revcache_words(size_t *added, size_t *removed, stance_revcache *c,
	const char *old_blob, const char *new_blob);

/*
 * Counts the words added and removed between two texts ("" an empty text)
 * as stance_words_delta counts them, by other means than reading their
 * blobs: 1 when it answered, 0 when it cannot (the blobs are read), < 0 an
 * error.
 */
typedef int (*stance_revcache_words_fn)(size_t *added, size_t *removed,
	const char *old_blob, const char *new_blob, void *payload);

/*
 * stance_revcache_words, where a pair the cache lacks is counted by `count`
 * (with `payload`) when it can, and then kept like any other; `count` NULL:
 * stance_revcache_words.
 */
int stance_revcache_words_with(size_t *added, size_t *removed, stance_revcache *c,
	const char *old_blob, const char *new_blob, stance_revcache_words_fn count, void *payload);

/*
 * The front matter (the bytes before the body, "" when there is none) of the
 * document in blob `blob`, appended to `out`. The first time, the whole
 * document is parsed, and a document that does not parse is that error
 * (`origin` names it), so a cached front matter is always of a document
 * that parses.
 */
int stance_revcache_front(stance_buf *out, stance_revcache *c, const char *blob, const char *origin);

/*
 * The position statements of the document in blob `blob` (document `id`),
 * read with `markers` in the document's language (its front matter's, else
 * the language its body is written in, else the repository's). `markers`
 * must be what the markers file given to stance_revcache_open() holds. The
 * list belongs to the caller (stance_position_list_free).
 */
int stance_revcache_positions(stance_position_list *out, stance_revcache *c,
	const stance_positions *markers, const char *id, const char *blob);

#ifdef __cplusplus
}
#endif
#endif
