/*
 * render.h: the renderers of an edit script (diff.h). Each format is its own
 * file in src/lib/ (render_term.c, render_porcelain.c, render_critic.c,
 * render_html.c, render_json.c) and reads only the script. Renderers never
 * touch git.
 */
#ifndef STANCE_RENDER_H
#define STANCE_RENDER_H

#include "common.h"
#include "diff.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	STANCE_RENDER_TERM,
	STANCE_RENDER_PORCELAIN,
	STANCE_RENDER_CRITIC,
	STANCE_RENDER_HTML,
	STANCE_RENDER_JSON
} stance_render_format;

typedef struct {
	unsigned int version;
	int color;                /* term: 1 for ANSI colour, 0 for [-old-]{+new+} */
	int positions_only;       /* show only position statements added, removed, reworded */
	const char *old_label;    /* what the old side is ("kl/x@2020-01-01"); may be NULL */
	const char *new_label;
	size_t context;           /* term: unchanged blocks shown around a change; 0: all */
	/* html: each side's revision, for the page's header ("2020-11-16,
	 * Karen Winther"); may be NULL */
	const char *old_revision;
	const char *new_revision;
} stance_render_options;

#define STANCE_RENDER_OPTIONS_VERSION 1
#define STANCE_RENDER_OPTIONS_INIT { STANCE_RENDER_OPTIONS_VERSION, 0, 0, NULL, NULL, 0, NULL, NULL }

/* Each appends the rendering of `d` to `out`. */
int stance_render_term(stance_buf *out, const stance_diff *d, const stance_render_options *opts);
int stance_render_porcelain(stance_buf *out, const stance_diff *d, const stance_render_options *opts);
int stance_render_critic(stance_buf *out, const stance_diff *d, const stance_render_options *opts);
int stance_render_html(stance_buf *out, const stance_diff *d, const stance_render_options *opts);
int stance_render_json(stance_buf *out, const stance_diff *d, const stance_render_options *opts);

/* Dispatches on `format`. */
int stance_render(stance_buf *out, stance_render_format format, const stance_diff *d,
	const stance_render_options *opts);

/* Parses "term", "porcelain", "critic", "html", "json". */
int stance_render_format_parse(stance_render_format *out, const char *name);

/* The positions view (for --positions): each statement added, removed or
 * reworded, with its old and new wording and its section. `color` as above. */
int stance_render_positions(stance_buf *out, const stance_diff *d, const stance_render_options *opts);

#ifdef __cplusplus
}
#endif
#endif
