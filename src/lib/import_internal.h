/*
 * import_internal.h: what the files of the import module share; not part of
 * the API, which is stance/import.h. The importer of plain text is import.c
 * (lines, their roles, the passes and the output), import_rules.c (the word
 * lists: chrome patterns, kind words, publication prefixes; and the small
 * text helpers all three files use), import_date.c (the tokenizer and
 * stance_import_find_date) and import_wrap.c (which hard-wrapped lines join).
 */
#ifndef STANCE_IMPORT_INTERNAL_H
#define STANCE_IMPORT_INTERNAL_H

#include "internal.h"
#include "stance/import.h"

#include <utf8proc.h>

/* import_rules.c: the word lists */

typedef struct {
	char *kind;
	char *word; /* folded */
} import_kind_word;

struct stance_import_rules {
	char **chrome;
	size_t nchrome;
	import_kind_word *kinds;
	size_t nkinds;
	char **prefixes;
	size_t nprefixes;
};

/* import_rules.c: small text helpers */
/* Case-folded, NFC copy of `s`. Caller frees; NULL on failure (message set). */
char *import_fold(const char *s);
/* Decodes the code point at s; returns its length in bytes (1 for a bad byte). */
int import_cp_at(const char *s, utf8proc_int32_t *cp);
int import_is_letter_cp(utf8proc_int32_t cp);
int import_is_upper_cp(utf8proc_int32_t cp);
/* Spaces as scraped text has them: ASCII, no-break, thin, zero-width. */
size_t import_space_len(const char *s);
/* A trimmed copy of s[0..len). Caller frees. */
char *import_trim_dup(const char *s, size_t len);
int import_count_words(const char *s);
int import_has_alnum(const char *s);
/* The last code point of s (0 for ""). */
utf8proc_int32_t import_last_cp(const char *s);
int import_is_quote_cp(utf8proc_int32_t cp);
/* Ends with closing punctuation of a sentence or clause. */
int import_ends_closed(const char *s);
int import_starts_upper(const char *s);
int import_starts_with(const char *s, const char *prefix);

/* import_rules.c: matching the word lists */
/* 1 when the folded line is chrome; 2 when it heads a list of related
 * pieces (a pattern written with a leading '+'). */
int import_is_chrome(const stance_import_rules *r, const char *folded);
int import_word_byte(unsigned char c);
/* The kind named by a kind word somewhere in folded `s` as a whole word, or NULL. */
const char *import_kind_in(const stance_import_rules *r, const char *s);
/* The kind when folded `s` is nothing but a kind word (inflected or not). */
const char *import_kind_line(const stance_import_rules *r, const char *s);
/*
 * A title led by a kind word: "Debatindlæg: Title", "Leder – Title", or,
 * when `loose`, "Tema Title" (a capital after the space). Returns the kind
 * and sets *title_at to the byte offset of the title in the original line.
 */
const char *import_kind_prefix(const stance_import_rules *r, const char *folded,
	const char *orig, int loose, size_t *title_at);

/* import_wrap.c: hard-wrapped lines */
typedef struct {
	const char *text; /* trimmed */
	size_t indent;    /* spaces before the text in the file */
	int joined;       /* no blank line between it and the line before */
	int item;         /* led by a list marker: 2 a bullet, 1 a dash or a number */
} import_wrap_line;

/* Sets join[i] (n bytes) to 1 where line i goes on the line before it. */
void import_unwrap_plan(const import_wrap_line *v, size_t n, unsigned char *join);

/* import_date.c */
/* 1 when s starts with a month's name as a whole word. */
int import_month_name_at(const char *s);

#endif
