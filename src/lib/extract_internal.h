/*
 * extract_internal.h: what the files of the extract module share; not part
 * of the API, which is stance/extract.h. The module is extract.c (string
 * helpers, URLs, the parser and its bounds, the whole extraction),
 * extract_charset.c, extract_meta.c (metadata and JSON-LD),
 * extract_content.c (the main-content finder), extract_markdown.c (HTML to
 * Markdown), extract_rules.c (XPath rules) and extract_feed.c (feeds). Only
 * these files include libxml2.
 */
#ifndef STANCE_EXTRACT_INTERNAL_H
#define STANCE_EXTRACT_INTERNAL_H

#include "internal.h"
#include "stance/extract.h"

#include <regex.h>

#include <libxml/tree.h>

#define NAME(n) ((const char *)(n)->name)

/* extract.c: small string helpers */
int extract_name_is(const xmlNode *n, const char *name);
int extract_name_in(const xmlNode *n, const char *const *list);
const char *extract_attr(const xmlNode *n, const char *name);
int extract_is_space(unsigned char c);
void extract_put_collapsed(stance_buf *b, const char *s, int *last_space);
void extract_inner_text(stance_buf *b, const xmlNode *n);
size_t extract_utf8_len(const char *s, size_t n);
size_t extract_text_len(const xmlNode *n, size_t *commas);
size_t extract_word_count(const char *s);
void extract_trim_inplace(char *s);
/* The date at the start of `text` in the canonical form of its precision
 * (the longest ISO 8601 prefix stance_date_parse reads), written to `out`;
 * -1 (no error set) when there is none. */
int extract_date_text(stance_buf *out, const char *text);

/* extract.c: URLs, the parser's bounds */
char *extract_absolute_url(const char *href, const char *base);
void extract_silence(void *ctx, const char *msg, ...);
int extract_check_tags(const char *data, size_t len, const char *url, const char *kind);

/* extract_meta.c */
typedef struct {
	char *title, *byline, *published, *site_name, *lang;
	char *ld_title, *ld_byline, *ld_published, *ld_name, *ld_headline, *ld_lang;
	char *meta_name[16];
	char *meta[16];
} metadata;

enum { M_DC_TITLE, M_OG_TITLE, M_TW_TITLE, M_TITLE, M_PARSELY_TITLE, M_DC_CREATOR, M_AUTHOR,
	M_ARTICLE_AUTHOR, M_PARSELY_AUTHOR, M_PUBLISHED, M_PARSELY_PUB, M_DATE, M_SITE, M_LANG,
	M_COUNT };

void extract_metadata_free(metadata *m);
void extract_read_metadata(metadata *m, xmlDoc *doc);
xmlNode *extract_find_first(xmlNode *n, const char *name);
void extract_find_all(xmlNode *n, const char *name, xmlNode ***list, size_t *count, size_t *cap);

/* extract_content.c: the main-content finder */
typedef struct {
	regex_t unlikely, maybe, positive, negative, byline, videos, sharing;
	int compiled;
} patterns;

enum { FLAG_STRIP_UNLIKELYS = 1, FLAG_WEIGHT_CLASSES = 2, FLAG_CLEAN_CONDITIONALLY = 4 };

typedef struct {
	double score;
	int init;
	double density;  /* link density, filled by density_all for candidates */
	int table;       /* for a <table>: 1 a data table, -1 not, 0 not known yet */
} score_slot;

/* A node the finder moved, and where it was before: the finder takes boxes
 * out of the page and moves the content into a new element, and undoes it
 * all (extract_undo_moves) for its next pass, so that a page is parsed once. */
typedef struct {
	xmlNode *node, *parent, *next;
} moved;

typedef struct {
	const patterns *pat;
	int flags;
	score_slot *slots;
	size_t nslots, cap;
	const char *title;  /* the article's title, to drop a heading that repeats it */
	char *byline;       /* found in the markup */
	int removed_title;
	moved *moves;
	size_t nmoves, capmoves;
	int oom;            /* a move could not be recorded (and was not made) */
} finder;

typedef struct {
	xmlNode **v;
	size_t n, cap;
} node_list;

int extract_patterns_get(const patterns **out);
void extract_list_push(node_list *l, xmlNode *n);
int extract_has_child_block(const xmlNode *n);
double extract_text_similarity(const char *a, const char *b);
double extract_link_density_ex(const xmlNode *n, size_t *len, size_t *commas);
void extract_strip_chrome(xmlNode *n);
xmlNode *extract_grab_article(finder *f, xmlDoc *doc);
void extract_undo_moves(finder *f);
void extract_clear_private(xmlNode *n);

/* extract_markdown.c */
int extract_is_list(const xmlNode *n);
int extract_content_markdown(stance_buf *out, xmlNode *content, const char *base, size_t html_len,
	const char *url);

/* extract_rules.c */
int extract_apply_remove(xmlDoc *doc, const stance_extract_options *o);
int extract_apply_select(xmlNode **out, xmlDoc *doc, const stance_extract_options *o);

#endif
