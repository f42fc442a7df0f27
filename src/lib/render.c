/*
 * render.c: the entry point of the renderers: format names and dispatch.
 * Each format lives in its own file (render_term.c, render_porcelain.c,
 * render_critic.c, render_html.c, render_json.c).
 */
#include "internal.h"

int stance_render(stance_buf *out, stance_render_format format, const stance_diff *d,
	const stance_render_options *opts)
{
	stance_render_options defaults = STANCE_RENDER_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	switch (format) {
	case STANCE_RENDER_TERM: return stance_render_term(out, d, opts);
	case STANCE_RENDER_PORCELAIN: return stance_render_porcelain(out, d, opts);
	case STANCE_RENDER_CRITIC: return stance_render_critic(out, d, opts);
	case STANCE_RENDER_HTML: return stance_render_html(out, d, opts);
	case STANCE_RENDER_JSON: return stance_render_json(out, d, opts);
	}
	return stance_error_set(STANCE_EINVALID, "unknown output format %d", (int)format);
}

int stance_render_format_parse(stance_render_format *out, const char *name)
{
	static const char *const names[] = { "term", "porcelain", "critic", "html", "json", NULL };
	size_t i;
	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name)) {
			*out = (stance_render_format)i;
			return 0;
		}
	return stance_error_set(STANCE_EINVALID,
		"'%s' is not an output format (term, porcelain, critic, html or json)", name);
}
