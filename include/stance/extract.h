/*
 * extract.h: from a web page (HTML bytes) to a document: the main content as
 * canonical Markdown, and the page's metadata (title, authors, published
 * date, language); also the items of a feed (RSS 2.0, Atom, sitemap).
 *
 * Only the extract module reads HTML and XML (libxml2).
 */
#ifndef STANCE_EXTRACT_H
#define STANCE_EXTRACT_H

#include "common.h"
#include "document.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	unsigned int version;
	/* The page's address: relative links are made absolute against it, and
	 * it is named in error messages and recorded as the document's source.
	 * May be NULL. */
	const char *url;
	/* The HTTP Content-Type header, whose charset wins over the page's meta
	 * tag (a BOM wins over both). May be NULL. */
	const char *content_type;
	/* XPath rules: when `select` rules are given, the content is the nodes
	 * they match, in document order; otherwise the built-in main-content
	 * finder picks it. Nodes matching a `remove` rule are dropped first. */
	const char *const *select;
	size_t select_count;
	const char *const *remove;
	size_t remove_count;
} stance_extract_options;

#define STANCE_EXTRACT_OPTIONS_VERSION 1
#define STANCE_EXTRACT_OPTIONS_INIT { STANCE_EXTRACT_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, 0 }

/*
 * Extracts the document from an HTML page of `len` bytes in any charset
 * (converted to UTF-8). The new document, without an id, comes back through
 * `out`; the caller frees it with stance_document_free(). Fields set when the
 * page has them: title, authors, published, language, source (opts->url
 * without credentials). STANCE_ENOTFOUND, naming the URL, when no content is
 * found; STANCE_EINVALID for an XPath rule that does not compile;
 * STANCE_EPARSE, naming the URL, for a page past the bounds of
 * docs/commands/extract.md (attributes, tags, Markdown growth).
 */
int stance_extract_html(stance_document **out, const char *data, size_t len,
	const stance_extract_options *opts);

/*
 * Converts an HTML page to UTF-8, appending to `out`. The charset comes from
 * the BOM, then the Content-Type header `content_type` (may be NULL), then a
 * meta tag, then is UTF-8 when the bytes are valid UTF-8 and Windows-1252
 * (the superset of ISO-8859-1 browsers use) otherwise. The result is valid
 * UTF-8 without NUL bytes (a broken character or a NUL becomes U+FFFD). The
 * name of the charset used is written to `charset` (may be NULL) of
 * `charset_size` bytes.
 */
int stance_html_to_utf8(stance_buf *out, const char *data, size_t len,
	const char *content_type, char *charset, size_t charset_size);

/*
 * Calls `cb` with each item of a feed: an RSS 2.0 channel, an Atom feed or a
 * sitemap (urlset). `url` is the item's absolute address, `title` its title
 * or NULL (both borrowed for the call). A non-zero return from `cb` stops
 * the walk and is returned. STANCE_EPARSE, naming `feed_url`, when the bytes
 * are not one of those formats, when the feed declares entities of its own
 * (<!ENTITY …>), or is past the bounds on attributes and tags.
 */
int stance_feed_parse(const char *data, size_t len, const char *feed_url,
	int (*cb)(const char *url, const char *title, void *payload), void *payload);

/* One item of a feed, borrowed for the callback's call. */
typedef struct {
	const char *url;       /* absolute */
	const char *title;     /* or NULL */
	const char *published; /* the date the item gives itself, in ISO form
	                        * ("2020-12-04T10:00:00+01:00"): RSS 2.0's
	                        * <pubDate> (RFC 822), Atom's <published> (else
	                        * <updated>), <dc:date>, a sitemap's <lastmod>;
	                        * NULL when it gives none that reads as a date */
} stance_feed_item;

/* stance_feed_parse, with each item's date too. */
int stance_feed_parse_items(const char *data, size_t len, const char *feed_url,
	int (*cb)(const stance_feed_item *item, void *payload), void *payload);

/* Checks that `rule` is an XPath expression libxml2 can compile;
 * STANCE_EINVALID quoting it when not. */
int stance_xpath_validate(const char *rule);

/*
 * Copies `url` to `out` without the parts that do not identify the page:
 * credentials ("user:pass@"), tracking parameters (utm_*, fbclid, gclid, …)
 * and session ids (jsessionid, PHPSESSID, sid). The fragment is kept.
 */
int stance_url_clean(stance_buf *out, const char *url);

#ifdef __cplusplus
}
#endif
#endif
