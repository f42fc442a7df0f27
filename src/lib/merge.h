/*
 * merge.h: the three-way merge of one document that sync uses when both
 * sides changed it since they last agreed (internal to the sync module).
 *
 * Front matter merges field by field; the body merges block by block
 * (paragraphs, headings, list runs, separated by a blank line in canonical
 * form, read by segment.c's seg_blocks: a fenced code block is one block
 * even with blank lines inside). Edits to different blocks combine; edits to the same block (or two
 * insertions at the same place) are a conflict, reported by passage.
 */
#ifndef STANCE_MERGE_H
#define STANCE_MERGE_H

#include "internal.h"

typedef struct {
	/* one sentence per conflicting passage, naming both competing versions,
	 * e.g. `paragraph 3: ours "Vi mener …", theirs "Vi tror …"` */
	char **passages;
	size_t count;
} stance_merge_report;

void stance_merge_report_clear(stance_merge_report *report);

/*
 * Merges the document files `ours` and `theirs` (canonical documents, front
 * matter and body) against their common ancestor `base` (NULL when the
 * document was added on both sides). `origin` names the document in errors.
 *
 * On a clean merge both `ours_pick` and `theirs_pick` receive the same merged
 * file and 0 is returned. On a conflict, `ours_pick` receives the merge with
 * our version of each conflicting passage, `theirs_pick` the merge with
 * theirs, `report` lists the passages, and STANCE_ECONFLICT is returned.
 * Other negative codes: a side failed to parse. The buffers and report belong
 * to the caller.
 */
int stance_merge_document(stance_buf *ours_pick, stance_buf *theirs_pick,
	stance_merge_report *report, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
	const char *origin);

/*
 * The same, also giving `base_pick` (may be NULL): the merge with the common
 * ancestor's version of each conflicting passage. The three picks differ only
 * in the conflicting passages, so a line merge of them (git_merge_file)
 * writes conflict markers around exactly those passages.
 */
int stance_merge_document3(stance_buf *ours_pick, stance_buf *theirs_pick, stance_buf *base_pick,
	stance_merge_report *report, const char *base, size_t base_len,
	const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
	const char *origin);

/*
 * The block-wise three-way merge of two Markdown bodies alone (same contract
 * as stance_merge_document, for the body text).
 */
int stance_merge_body(stance_buf *ours_pick, stance_buf *theirs_pick,
	stance_merge_report *report, const char *base, const char *ours,
	const char *theirs);

/* The same with a base pick (may be NULL), as stance_merge_document3. */
int stance_merge_body3(stance_buf *ours_pick, stance_buf *theirs_pick, stance_buf *base_pick,
	stance_merge_report *report, const char *base, const char *ours,
	const char *theirs);

#endif
