/*
 * fold.h: how the commands' text filters compare (list --organization,
 * --kind): case-insensitively for all of Unicode, with utf8proc's case
 * folding, after the same normalization (NFC), so "ærø kommune" finds
 * "Ærø Kommune" and a decomposed "ø" finds a composed one.
 */
#ifndef STANCE_CLI_FOLD_H
#define STANCE_CLI_FOLD_H

/* 1 when `a` and `b` are the same text but for case (NULL is no text: 0);
 * bytes that are not UTF-8 are compared as they are. */
int cli_fold_equal(const char *a, const char *b);

#endif
