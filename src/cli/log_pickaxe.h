/*
 * log_pickaxe.h: `stance log -S TEXT`, `-G REGEX` and `--positions`: which
 * revisions cmd_log.c shows, and the sentences printed under each.
 */
#ifndef STANCE_CLI_LOG_PICKAXE_H
#define STANCE_CLI_LOG_PICKAXE_H

#include <jansson.h>

#include "cli.h"

typedef struct {
	const char *words, *regex;   /* -S, -G */
	int positions;               /* --positions */
	stance_positions *markers;
	stance_pickaxe *pk;          /* NULL: no -S or -G, every revision shown */
	char **ids;                  /* several documents named: only theirs */
	size_t nids;
	stance_pickaxe_change last;  /* the change of the revision last matched */
	stance_search_counts *counts; /* -S: TEXT's count in each text, from the search index */
	stance_history_walk walk;     /* with counts: blob reads set for a walk */
	/* with counts: a text's paragraphs (block ids), and the matches of
	 * each paragraph of the two texts compared */
	uint32_t *para_ids;
	size_t para_alloc;
	const stance_pickaxe_hit_list **old_parts, **new_parts;
	size_t old_alloc, new_alloc, nold, nnew;
} log_pickaxe;

#define LOG_PICKAXE_INIT { NULL, NULL, 0, NULL, NULL, NULL, 0, { 0, { NULL, 0, 0 }, { NULL, 0, 0 } }, NULL, { 0, 0, 0 }, \
	NULL, 0, NULL, NULL, 0, 0, 0, 0 }

/* Takes one of the options -S, -G (their value) and --positions. */
void log_pickaxe_option(log_pickaxe *lp, int id, const char *value);
/* Builds the pattern: CLI_OK, or the exit code after a message. */
int log_pickaxe_start(log_pickaxe *lp, const cli_command *cmd, stance_repo *repo);
/* Keeps only the revisions of the documents named. */
int log_pickaxe_documents(log_pickaxe *lp, stance_repo *repo, int n, char **names);
/* 1: show revision r (always without -S and -G), 0: leave it out, < 0 an error. */
int log_pickaxe_match(log_pickaxe *lp, stance_repo *repo, const stance_revision *r);
/* The words added and removed between two texts, from the search index's
 * blocks (with -S; `payload` the log_pickaxe): 1 when answered, 0 when
 * they must be counted from the blobs, < 0 an error. A
 * stance_revcache_words_fn, for what the revision cache lacks. */
int log_pickaxe_words(size_t *added, size_t *removed, const char *old_blob, const char *new_blob, void *payload);
/* The sentences before and after of the revision last matched, under its line. */
void log_pickaxe_print(const log_pickaxe *lp, cli_context *ctx);
/* Adds "before" and "after" to the revision's object `o` (with -S or -G); returns o. */
json_t *log_pickaxe_json(const log_pickaxe *lp, json_t *o);
void log_pickaxe_dispose(log_pickaxe *lp);

#endif
