/*
 * import_file.c: one file read into a document by its extension: Markdown
 * parsed, plain text through the importer, HTML through the extractor. The
 * one reader of `add`, `import FILE...` and `import --manifest`.
 */
#include <strings.h>

#include "internal.h"
#include "stance/document.h"
#include "stance/extract.h"
#include "stance/import.h"

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	return n > e && !strcasecmp(path + n - e, ext);
}

stance_import_file_type stance_import_file_type_of(const char *path)
{
	if (!path)
		return STANCE_IMPORT_FILE_UNKNOWN;
	if (has_ext(path, ".md") || has_ext(path, ".markdown"))
		return STANCE_IMPORT_FILE_MARKDOWN;
	if (has_ext(path, ".txt"))
		return STANCE_IMPORT_FILE_TEXT;
	if (has_ext(path, ".html") || has_ext(path, ".htm"))
		return STANCE_IMPORT_FILE_HTML;
	return STANCE_IMPORT_FILE_UNKNOWN;
}

int stance_import_file(stance_document **out, stance_buf *raw, const char *path,
	const stance_import_options *opts, stance_buf *report)
{
	stance_buf data = STANCE_BUF_INIT;
	stance_import_file_type type = stance_import_file_type_of(path);
	const char *msg;
	int error;

	*out = NULL;
	if (opts && opts->version != STANCE_IMPORT_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_import_options: unknown version %u",
			opts->version);
	/* read first: a device or a FIFO is refused as such, whatever its name */
	if ((error = stance_file_read_max(&data, path, STANCE_DOCUMENT_MAX_SIZE)) < 0)
		goto done;
	switch (type) {
	case STANCE_IMPORT_FILE_MARKDOWN:
		error = stance_document_parse(out, stance_buf_cstr(&data), data.size, path);
		break;
	case STANCE_IMPORT_FILE_TEXT:
		error = stance_import_text(out, stance_buf_cstr(&data), data.size, path, opts, report);
		break;
	case STANCE_IMPORT_FILE_HTML: {
		stance_extract_options xo = STANCE_EXTRACT_OPTIONS_INIT;
		xo.url = opts ? opts->url : NULL;
		error = stance_extract_html(out, stance_buf_cstr(&data), data.size, &xo);
		if (!error && raw) { /* the page itself is kept on the snapshots branch */
			stance_buf_dispose(raw);
			*raw = data;
			data = (stance_buf)STANCE_BUF_INIT;
		}
		break;
	}
	default:
		error = stance_error_set(STANCE_EINVALID, "%s: not a file stance reads by its name: "
			"name a Markdown (.md, .markdown), plain-text (.txt) or HTML (.html, .htm) file", path);
		break;
	}
done:
	if (error < 0) {
		stance_document_free(*out);
		*out = NULL;
		/* the message names the file, once */
		msg = stance_error_last();
		if (strncmp(msg, path, strlen(path)))
			stance_error_prefix(error, "%s: ", path);
	}
	stance_buf_dispose(&data);
	return error;
}
