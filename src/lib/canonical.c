/*
 * canonical.c: the canonical Markdown form of a document's body, and the
 * library's one way into cmark-gfm's parser.
 */
#include "canonical.h"

#include <cmark-gfm-core-extensions.h>
#include <pthread.h>

static const char *const canon_extensions[] = { "table", "strikethrough", "autolink" };

/* ---- cmark-gfm's parser, one parse at a time ---- */

static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

cmark_parser *stance_cmark_parser_new(int options, const char *const *extensions, size_t count)
{
	cmark_parser *parser;
	size_t i;

	/* registration writes the process-wide list of extensions: once */
	pthread_once(&register_once, register_extensions);
	pthread_mutex_lock(&parse_lock);
	parser = cmark_parser_new(options);
	pthread_mutex_unlock(&parse_lock);
	for (i = 0; parser && i < count; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	return parser;
}

cmark_node *stance_cmark_parse(cmark_parser *parser, const char *markdown, size_t len)
{
	cmark_node *root;
	/* the table extension parses a row's inlines while the blocks are fed,
	 * so feeding takes the lock as finishing does */
	pthread_mutex_lock(&parse_lock);
	cmark_parser_feed(parser, markdown, len);
	root = cmark_parser_finish(parser);
	pthread_mutex_unlock(&parse_lock);
	return root;
}

/* ---- canonical Markdown ---- */

static int render_once(stance_buf *out, const char *markdown, size_t len)
{
	cmark_parser *parser;
	cmark_node *root;
	char *text;
	int error;

	if (!(parser = stance_cmark_parser_new(CMARK_OPT_DEFAULT, canon_extensions,
		STANCE_ARRAY_SIZE(canon_extensions))))
		return stance_error_oom();
	root = stance_cmark_parse(parser, markdown, len);
	text = root ? cmark_render_commonmark(root, CMARK_OPT_DEFAULT, 0) : NULL;
	if (root)
		cmark_node_free(root);
	cmark_parser_free(parser);
	if (!text)
		return stance_error_oom();
	error = stance_buf_puts(out, text);
	free(text);
	return error;
}

int stance_markdown_canonicalize(stance_buf *out, const char *markdown, size_t len)
{
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	int error, round;

	/* The CommonMark renderer is idempotent on almost all input; where an
	 * escape changes on the first pass, a second pass settles it. Rendering
	 * until a fixed point makes canonical input map to itself. */
	if ((error = render_once(&a, markdown, len)) < 0)
		goto done;
	/* Input that renders to itself is a fixed point already (stored
	 * documents always are): no second pass needed. */
	if (a.size == len && !memcmp(stance_buf_cstr(&a), markdown, len))
		round = 4;
	else
		round = 0;
	for (; round < 4; round++) {
		stance_buf_clear(&b);
		if ((error = render_once(&b, stance_buf_cstr(&a), a.size)) < 0)
			goto done;
		if (b.size == a.size && !memcmp(stance_buf_cstr(&a), stance_buf_cstr(&b), a.size))
			break;
		stance_buf tmp = a;
		a = b;
		b = tmp;
	}
	error = stance_buf_put(out, stance_buf_cstr(&a), a.size);
done:
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	return error;
}
