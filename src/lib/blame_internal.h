/*
 * blame_internal.h: the blame walk without its shortcuts, for the tests
 * (internal; not part of the API).
 */
#ifndef STANCE_BLAME_INTERNAL_H
#define STANCE_BLAME_INTERNAL_H

#include "stance/blame.h"

/*
 * stance_blame_document the long way: each revision's blob read in turn on
 * this thread, its body cut into sentences whole, diffed even when its text
 * is the revision before's, and each unchanged sentence's old one found by
 * scanning its EQUAL span. The fast walk must give the same answer; the
 * tests hold it to this one.
 */
int blame_document_reference(stance_blame *out, stance_repo *repo, const char *spec,
	const stance_positions *positions);

#endif
