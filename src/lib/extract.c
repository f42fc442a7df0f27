/*
 * extract.c: from a web page to a document. The page is converted to UTF-8,
 * parsed with libxml2's HTML parser, stripped of chrome (scripts, navigation,
 * forms, boxes whose class or id says menu, comments, sharing, …), its main
 * content found (by XPath rules, or by scoring paragraphs and their ancestors
 * on text length, commas, link density and class hints, the approach of
 * Arc90's Readability), turned into a cmark-gfm tree and rendered as
 * canonical Markdown. Metadata comes from meta tags, JSON-LD and the markup.
 * Feeds (RSS 2.0, Atom, sitemaps) are read here too: this is the only module
 * that includes libxml2.
 */
#include "internal.h"
#include "stance/extract.h"
#include "stance/date.h"
#include "stance/document.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------ */
/* Small string helpers                                                 */

#define NAME(n) ((const char *)(n)->name)

static int name_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcasecmp(NAME(n), name);
}

static int name_in(const xmlNode *n, const char *const *list)
{
	char first;
	if (!n || n->type != XML_ELEMENT_NODE)
		return 0;
	/* The HTML parser gives lowercase names; the first letter sorts out
	 * most of the list before any string compare. */
	first = (char)tolower((unsigned char)n->name[0]);
	for (; *list; list++)
		if ((*list)[0] == first && !strcasecmp(NAME(n), *list))
			return 1;
	return 0;
}

/* The attribute's value, borrowed from the tree, or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
	xmlAttr *a;
	if (!n || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a; a = a->next)
		if (!strcasecmp((const char *)a->name, name) && a->children &&
		    (a->children->type == XML_TEXT_NODE || a->children->type == XML_CDATA_SECTION_NODE))
			return (const char *)a->children->content;
	return NULL;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends `s` with runs of white space (and no-break spaces) made one
 * space; `*last_space` carries whether the output ends in a space. */
static void put_collapsed(stance_buf *b, const char *s, int *last_space)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
			p += (*p == 0xc2) ? 2 : 1;
			if (!*last_space)
				stance_buf_putc(b, ' ');
			*last_space = 1;
			continue;
		}
		stance_buf_putc(b, (char)*p++);
		*last_space = 0;
	}
}

static void text_walk(stance_buf *b, const xmlNode *n, int *last_space)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			put_collapsed(b, (const char *)n->content, last_space);
		else if (n->type == XML_ELEMENT_NODE && n->children)
			text_walk(b, n->children, last_space);
	}
}

/* The node's text, white space collapsed and trimmed, appended to `b`. */
static void inner_text(stance_buf *b, const xmlNode *n)
{
	int last_space = 1;
	size_t start = b->size;
	if (n->type == XML_TEXT_NODE)
		put_collapsed(b, (const char *)n->content, &last_space);
	else
		text_walk(b, n->children, &last_space);
	while (b->size > start && b->ptr[b->size - 1] == ' ')
		b->ptr[--b->size] = '\0';
}

/* Characters (not bytes) of UTF-8 text. */
static size_t utf8_len(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static void count_walk(const xmlNode *n, int *last_space, size_t *len, size_t *commas)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const unsigned char *p = (const unsigned char *)n->content;
			while (p && *p) {
				if (is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
					p += (*p == 0xc2) ? 2 : 1;
					if (!*last_space)
						(*len)++;
					*last_space = 1;
					continue;
				}
				if ((*p & 0xc0) != 0x80)
					(*len)++;
				if (*p == ',')
					(*commas)++;
				*last_space = 0;
				p++;
			}
		} else if (n->type == XML_ELEMENT_NODE && n->children)
			count_walk(n->children, last_space, len, commas);
	}
}

/* Length in characters of the node's normalised text (as inner_text gives
 * it), and its commas; without building the text. */
static size_t text_len(const xmlNode *n, size_t *commas)
{
	size_t len = 0, c = 0;
	int last_space = 1;
	if (n->type == XML_TEXT_NODE) {
		xmlNode one = *n;
		one.next = NULL;
		count_walk(&one, &last_space, &len, &c);
	} else
		count_walk(n->children, &last_space, &len, &c);
	if (last_space && len)
		len--; /* the trailing space inner_text trims */
	if (commas)
		*commas = c;
	return len;
}

static size_t word_count(const char *s)
{
	size_t n = 0;
	int in = 0;
	for (; *s; s++) {
		if (is_space((unsigned char)*s))
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

static void trim_inplace(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && is_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (s[i] && is_space((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

/* ------------------------------------------------------------------ */
/* Charset                                                              */

/* Reads "charset=NAME" out of `s` into `out`; 1 when found. */
static int charset_param(char *out, size_t size, const char *s, size_t len)
{
	size_t i, j;
	for (i = 0; i + 8 <= len; i++) {
		if (strncasecmp(s + i, "charset", 7))
			continue;
		j = i + 7;
		while (j < len && is_space((unsigned char)s[j]))
			j++;
		if (j >= len || s[j] != '=')
			continue;
		j++;
		while (j < len && (is_space((unsigned char)s[j]) || s[j] == '"' || s[j] == '\''))
			j++;
		i = 0;
		while (j < len && i + 1 < size && (isalnum((unsigned char)s[j]) || strchr("-_.:", s[j])))
			out[i++] = s[j++];
		out[i] = '\0';
		return i > 0;
	}
	return 0;
}

/* Browsers read ISO-8859-1 and US-ASCII as Windows-1252; so do we. */
static void charset_normalise(char *cs, size_t size)
{
	static const char *const latin[] = { "iso-8859-1", "iso8859-1", "latin1", "latin-1",
		"us-ascii", "ascii", "l1", "cp1252", "x-cp1252", "iso_8859-1", NULL };
	size_t i;
	for (i = 0; latin[i]; i++)
		if (!strcasecmp(cs, latin[i])) {
			snprintf(cs, size, "WINDOWS-1252");
			return;
		}
	if (!strcasecmp(cs, "utf8"))
		snprintf(cs, size, "UTF-8");
}

/* Whether the bytes are UTF-8 as RFC 3629 has it (utf8proc's decoder: no
 * overlong forms, surrogates or code points past U+10FFFF, which libxml2
 * would otherwise drop with the text after them). */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n;
		/* Runs of ASCII, eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
		if (n <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* valid_utf8, asked once: `known` is -1 until then. */
static int is_utf8(int *known, const char *data, size_t len)
{
	if (*known < 0)
		*known = valid_utf8((const unsigned char *)data, len);
	return *known;
}

static int has_multibyte(const unsigned char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (s[i] >= 0x80)
			return 1;
	return 0;
}

/* Appends `len` bytes of UTF-8 with each NUL byte made U+FFFD, as an HTML
 * parser reads it: libxml2 takes a NUL for the end of the page, or of the
 * attribute it is in, and drops what follows. */
static int put_without_nul(stance_buf *out, const char *data, size_t len)
{
	const char *nul;
	int error = 0;
	while (len && (nul = memchr(data, '\0', len))) {
		size_t n = (size_t)(nul - data);
		if ((error = stance_buf_put(out, data, n)) < 0 || (error = stance_buf_put(out, "\xef\xbf\xbd", 3)) < 0)
			return error;
		data += n + 1;
		len -= n + 1;
	}
	return stance_buf_put(out, data, len);
}

int stance_html_to_utf8(stance_buf *out, const char *data, size_t len,
	const char *content_type, char *charset, size_t charset_size)
{
	char cs[64] = "";
	const unsigned char *u = (const unsigned char *)data;
	int utf8_known = -1, bom = 0;
	iconv_t cd = (iconv_t)-1;
	stance_buf converted = STANCE_BUF_INIT;
	char *in, *o;
	size_t inleft, oleft, unit = 1;
	int error = 0;

	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		snprintf(cs, sizeof(cs), "UTF-8");
		data += 3;
		len -= 3;
		bom = 1;
	} else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		snprintf(cs, sizeof(cs), "UTF-16LE");
		data += 2;
		len -= 2;
		bom = 1;
	} else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
		snprintf(cs, sizeof(cs), "UTF-16BE");
		data += 2;
		len -= 2;
		bom = 1;
	} else if (!(content_type && charset_param(cs, sizeof(cs), content_type, strlen(content_type)))) {
		/* A meta tag in the first 4 KiB: <meta charset=…> or http-equiv. */
		size_t scan = len < 4096 ? len : 4096, i;
		cs[0] = '\0';
		for (i = 0; i + 5 < scan && !cs[0]; i++) {
			if (data[i] == '<' && !strncasecmp(data + i + 1, "meta", 4)) {
				const char *end = memchr(data + i, '>', scan - i);
				size_t elen = end ? (size_t)(end - (data + i)) : scan - i;
				charset_param(cs, sizeof(cs), data + i, elen);
			}
		}
	}
	/* Markup in UTF-16 or UTF-32 has a NUL byte in every ASCII character;
	 * bytes without one are not in those, whatever the label says (a meta
	 * tag that could be read at all was not). */
	if (!bom && (!strncasecmp(cs, "UTF-16", 6) || !strncasecmp(cs, "UTF-32", 6) ||
	    !strncasecmp(cs, "UCS-2", 5) || !strncasecmp(cs, "UCS-4", 5)) &&
	    !memchr(data, '\0', len < 4096 ? len : 4096))
		cs[0] = '\0';
	if (!cs[0])
		snprintf(cs, sizeof(cs), "%s", is_utf8(&utf8_known, data, len) ? "UTF-8" : "WINDOWS-1252");
	charset_normalise(cs, sizeof(cs));
	/* Bytes that are valid UTF-8 with multibyte characters in them are
	 * UTF-8 whatever a header or meta tag claims: no legacy text is valid
	 * UTF-8 by accident, and mislabelled pages are common. */
	if (strcasecmp(cs, "UTF-8") && strncasecmp(cs, "UTF-16", 6) && strncasecmp(cs, "UTF-32", 6) &&
	    has_multibyte((const unsigned char *)data, len) && is_utf8(&utf8_known, data, len))
		snprintf(cs, sizeof(cs), "UTF-8");
	/* A page that says UTF-8 but is not is read as Windows-1252. */
	if (!strcasecmp(cs, "UTF-8") && !is_utf8(&utf8_known, data, len))
		snprintf(cs, sizeof(cs), "WINDOWS-1252");
	if (charset)
		snprintf(charset, charset_size, "%s", cs);

	if (!strcasecmp(cs, "UTF-8"))
		return put_without_nul(out, data, len);

	if ((cd = iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		/* An unknown label: read it as Windows-1252, as browsers do. */
		if ((cd = iconv_open("UTF-8", "WINDOWS-1252")) == (iconv_t)-1)
			return stance_error_set(STANCE_ERROR, "cannot convert the charset '%s' to UTF-8", cs);
	} else if (!strncasecmp(cs, "UTF-16", 6) || !strncasecmp(cs, "UCS-2", 5))
		unit = 2; /* a broken character is skipped whole, not a byte of it */
	else if (!strncasecmp(cs, "UTF-32", 6) || !strncasecmp(cs, "UCS-4", 5))
		unit = 4;
	in = (char *)data;
	inleft = len;
	while (inleft > 0) {
		size_t r;
		if ((error = stance_buf_grow(&converted, inleft * 3 + 16)) < 0)
			goto done;
		o = converted.ptr + converted.size;
		oleft = converted.asize - converted.size - 1;
		r = iconv(cd, &in, &inleft, &o, &oleft);
		converted.size = (size_t)(o - converted.ptr);
		if (r == (size_t)-1) {
			size_t skip = unit < inleft ? unit : inleft;
			if (errno == E2BIG)
				continue;
			/* An unmappable or broken character: U+FFFD and go on. */
			if ((error = stance_buf_put(&converted, "\xef\xbf\xbd", 3)) < 0)
				goto done;
			in += skip;
			inleft -= skip;
		}
	}
	error = put_without_nul(out, converted.ptr ? converted.ptr : "", converted.size);
done:
	iconv_close(cd);
	stance_buf_dispose(&converted);
	return error;
}

/* ------------------------------------------------------------------ */
/* URLs                                                                 */

static int tracking_param(const char *p, size_t n)
{
	static const char *const names[] = { "fbclid", "gclid", "dclid", "msclkid", "mc_cid",
		"mc_eid", "yclid", "igshid", "_ga", "_gl", "jsessionid", "phpsessid", "sid",
		"sessionid", "session_id", "cfid", "cftoken", "aspsessionid", "ref_src", NULL };
	size_t i, k = 0;
	while (k < n && p[k] != '=')
		k++;
	if (k >= 4 && !strncasecmp(p, "utm_", 4))
		return 1;
	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == k && !strncasecmp(p, names[i], k))
			return 1;
	return 0;
}

int stance_url_clean(stance_buf *out, const char *url)
{
	const char *scheme_end = strstr(url, "://"), *p = url, *q, *hash, *at, *hostend;
	size_t n, first = 1;
	int error;
	if (scheme_end) {
		/* Credentials sit between "://" and an "@" before the path. */
		hostend = scheme_end + 3 + strcspn(scheme_end + 3, "/?#");
		at = NULL;
		for (q = scheme_end + 3; q < hostend; q++)
			if (*q == '@')
				at = q;
		if ((error = stance_buf_put(out, url, (size_t)(scheme_end + 3 - url))) < 0)
			return error;
		p = at ? at + 1 : scheme_end + 3;
	}
	/* ";jsessionid=…" path parameters go. */
	q = p + strcspn(p, "?#");
	{
		const char *semi = memchr(p, ';', (size_t)(q - p));
		if (semi && (!strncasecmp(semi + 1, "jsessionid=", 11) || !strncasecmp(semi + 1, "sid=", 4)))
			error = stance_buf_put(out, p, (size_t)(semi - p));
		else
			error = stance_buf_put(out, p, (size_t)(q - p));
		if (error < 0)
			return error;
	}
	hash = strchr(q, '#');
	if (*q == '?') {
		const char *end = hash ? hash : q + strlen(q), *s = q + 1;
		while (s < end) {
			const char *amp = memchr(s, '&', (size_t)(end - s));
			n = (size_t)((amp ? amp : end) - s);
			if (n && !tracking_param(s, n)) {
				stance_buf_putc(out, first ? '?' : '&');
				stance_buf_put(out, s, n);
				first = 0;
			}
			s += n + 1;
		}
	}
	if (hash)
		stance_buf_puts(out, hash);
	return 0;
}

/* An absolute, cleaned link for `href` against `base`; caller frees. NULL
 * for links that lead nowhere a reader can follow (javascript:, empty). */
static char *absolute_url(const char *href, const char *base)
{
	xmlChar *abs;
	stance_buf b = STANCE_BUF_INIT;
	char *h;
	if (!href)
		return NULL;
	h = stance_strdup(href);
	if (!h)
		return NULL;
	trim_inplace(h);
	if (!*h || !strncasecmp(h, "javascript:", 11) || !strncasecmp(h, "data:", 5)) {
		free(h);
		return NULL;
	}
	abs = base ? xmlBuildURI((const xmlChar *)h, (const xmlChar *)base) : NULL;
	stance_url_clean(&b, abs ? (const char *)abs : h);
	xmlFree(abs);
	free(h);
	return stance_buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* Metadata                                                             */

typedef struct {
	char *title, *byline, *published, *site_name, *lang;
	char *ld_title, *ld_byline, *ld_published, *ld_name, *ld_headline;
	char *meta_name[16];
	char *meta[16];
} metadata;

enum { M_DC_TITLE, M_OG_TITLE, M_TW_TITLE, M_TITLE, M_PARSELY_TITLE, M_DC_CREATOR, M_AUTHOR,
	M_ARTICLE_AUTHOR, M_PARSELY_AUTHOR, M_PUBLISHED, M_PARSELY_PUB, M_DATE, M_SITE, M_LANG,
	M_COUNT };

static void metadata_free(metadata *m)
{
	size_t i;
	free(m->title); free(m->byline); free(m->published); free(m->site_name); free(m->lang);
	free(m->ld_title); free(m->ld_byline); free(m->ld_published); free(m->ld_name); free(m->ld_headline);
	for (i = 0; i < M_COUNT; i++) {
		free(m->meta[i]);
		free(m->meta_name[i]);
	}
}

static void set_once(char **slot, const char *value)
{
	char *v;
	if (*slot || !value)
		return;
	v = stance_strdup(value);
	if (!v)
		return;
	trim_inplace(v);
	if (*v)
		*slot = v;
	else
		free(v);
}

/* A meta tag's name or property ("og:title") to our slot, or -1. */
static int meta_slot(const char *key)
{
	static const struct { const char *k; int slot; } map[] = {
		{ "dc:title", M_DC_TITLE }, { "dcterm:title", M_DC_TITLE }, { "dc.title", M_DC_TITLE },
		{ "og:title", M_OG_TITLE }, { "twitter:title", M_TW_TITLE }, { "title", M_TITLE },
		{ "parsely-title", M_PARSELY_TITLE }, { "weibo:article:title", M_OG_TITLE },
		{ "dc:creator", M_DC_CREATOR }, { "dcterm:creator", M_DC_CREATOR },
		{ "dc.creator", M_DC_CREATOR }, { "author", M_AUTHOR },
		{ "article:author", M_ARTICLE_AUTHOR }, { "parsely-author", M_PARSELY_AUTHOR },
		{ "article:published_time", M_PUBLISHED }, { "og:published_time", M_PUBLISHED },
		{ "parsely-pub-date", M_PARSELY_PUB }, { "date", M_DATE }, { "dc.date", M_DATE },
		{ "dc:date", M_DATE }, { "pubdate", M_DATE }, { "publish-date", M_DATE },
		{ "og:site_name", M_SITE }, { "og:locale", M_LANG }, { "content-language", M_LANG },
	};
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(map); i++)
		if (!strcasecmp(key, map[i].k))
			return map[i].slot;
	return -1;
}

/* JSON-LD: reads a JSON string starting at the quote `p`, into `out`. */
static const char *json_string(stance_buf *out, const char *p)
{
	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': case 't': case 'r': stance_buf_putc(out, ' '); break;
			case 'u': {
				unsigned v = 0;
				int k;
				for (k = 1; k <= 4 && isxdigit((unsigned char)p[k]); k++)
					v = v * 16 + (unsigned)(isdigit((unsigned char)p[k]) ? p[k] - '0' : (tolower((unsigned char)p[k]) - 'a' + 10));
				p += k - 1;
				if (v < 0x80) stance_buf_putc(out, (char)v);
				else if (v < 0x800) {
					stance_buf_putc(out, (char)(0xc0 | (v >> 6)));
					stance_buf_putc(out, (char)(0x80 | (v & 0x3f)));
				} else {
					stance_buf_putc(out, (char)(0xe0 | (v >> 12)));
					stance_buf_putc(out, (char)(0x80 | ((v >> 6) & 0x3f)));
					stance_buf_putc(out, (char)(0x80 | (v & 0x3f)));
				}
				break;
			}
			default: stance_buf_putc(out, *p);
			}
		} else
			stance_buf_putc(out, *p);
	}
	return *p == '"' ? p + 1 : NULL;
}

/* Finds `"key"\s*:` at nesting depth `depth` of the JSON text (any depth
 * when `depth` is negative) and returns where its value starts. */
static const char *json_key_at(const char *json, const char *key, int depth)
{
	size_t klen = strlen(key);
	int d = 0;
	const char *p;
	for (p = json; *p; p++) {
		if (*p == '{' || *p == '[')
			d++;
		else if (*p == '}' || *p == ']')
			d--;
		else if (*p == '"') {
			const char *q = p + 1;
			while (*q && *q != '"')
				q += (*q == '\\' && q[1]) ? 2 : 1;
			if (!*q)
				return NULL;
			if ((depth < 0 || d == depth) && (size_t)(q - p - 1) == klen && !strncmp(p + 1, key, klen)) {
				const char *v = q + 1;
				while (is_space((unsigned char)*v))
					v++;
				if (*v == ':') {
					v++;
					while (is_space((unsigned char)*v))
						v++;
					return v;
				}
			}
			p = q;
		}
	}
	return NULL;
}

/* json_key_at at any depth; the result points into `json`. */
static const char *json_key(const char *json, const char *key)
{
	return json_key_at(json, key, -1);
}

/* The nesting depth of position `at` in the JSON text. */
static int json_depth(const char *json, const char *at)
{
	int d = 0;
	const char *p;
	for (p = json; *p && p < at; p++) {
		if (*p == '{' || *p == '[')
			d++;
		else if (*p == '}' || *p == ']')
			d--;
		else if (*p == '"') {
			p++;
			while (*p && *p != '"' && p < at)
				p += (*p == '\\' && p[1]) ? 2 : 1;
			if (!*p)
				break;
		}
	}
	return d;
}

/* The author names of a JSON-LD "author" value: a string, an object with
 * "name", or a list of either, joined by ", ". */
static void json_authors(stance_buf *out, const char *v)
{
	int depth = 0;
	if (*v == '"') {
		json_string(out, v);
		return;
	}
	/* Walk the value, taking every "name" at the first object level. */
	for (; *v; v++) {
		if (*v == '"') {
			stance_buf s = STANCE_BUF_INIT;
			const char *after = json_string(&s, v);
			const char *q = after;
			if (!after) {
				stance_buf_dispose(&s);
				return;
			}
			while (q && is_space((unsigned char)*q))
				q++;
			if (q && *q == ':' && !strcmp(stance_buf_cstr(&s), "name") && depth >= 1) {
				stance_buf n = STANCE_BUF_INIT;
				q++;
				while (is_space((unsigned char)*q))
					q++;
				if (*q == '"' && json_string(&n, q)) {
					if (out->size)
						stance_buf_puts(out, "\n");
					stance_buf_puts(out, stance_buf_cstr(&n));
				}
				stance_buf_dispose(&n);
			}
			stance_buf_dispose(&s);
			v = after - 1;
			continue;
		}
		if (*v == '{' || *v == '[')
			depth++;
		else if (*v == '}' || *v == ']') {
			if (--depth <= 0)
				return;
		}
	}
}

/* The JSON string value at `v`, decoded; caller frees. NULL when `v` is
 * not a string. */
static char *json_string_at(const char *v)
{
	stance_buf b = STANCE_BUF_INIT;
	if (!v || *v != '"' || !json_string(&b, v)) {
		stance_buf_dispose(&b);
		return NULL;
	}
	return stance_buf_detach(&b);
}

static void read_json_ld(metadata *m, const char *json)
{
	static const char *const types[] = { "Article", "NewsArticle", "BlogPosting", "Report",
		"OpinionNewsArticle", "AnalysisNewsArticle", "ReportageNewsArticle", "WebPage",
		"ScholarlyArticle", "SocialMediaPosting", "TechArticle", "LiveBlogPosting", NULL };
	const char *v, *type_at = NULL;
	size_t i;
	int depth;
	if (!strstr(json, "schema.org"))
		return;
	for (i = 0; types[i] && !type_at; i++) {
		stance_buf t = STANCE_BUF_INIT;
		stance_buf_printf(&t, "\"%s\"", types[i]);
		type_at = strstr(json, t.ptr);
		stance_buf_dispose(&t);
	}
	if (!type_at)
		return;
	/* Keys of the object that carries the article's @type. */
	depth = json_depth(json, type_at);
	/* the first JSON-LD block that names the article wins, as for the
	 * other fields (a second one must not overwrite, and leak, its pair) */
	if (!m->ld_title && !m->ld_name) {
		char *name = json_string_at(json_key_at(json, "name", depth));
		char *headline = json_string_at(json_key_at(json, "headline", depth));
		if (name && headline && strcmp(name, headline)) {
			m->ld_name = name;
			m->ld_headline = headline;
			name = headline = NULL;
		} else if (name) {
			m->ld_title = name;
			name = NULL;
		} else if (headline) {
			m->ld_title = headline;
			headline = NULL;
		}
		free(name);
		free(headline);
	}
	if (!m->ld_byline && (v = json_key_at(json, "author", depth))) {
		stance_buf b = STANCE_BUF_INIT;
		json_authors(&b, v);
		if (b.size)
			set_once(&m->ld_byline, b.ptr);
		stance_buf_dispose(&b);
	}
	if (!m->ld_published && (v = json_key(json, "datePublished")) && *v == '"') {
		stance_buf b = STANCE_BUF_INIT;
		if (json_string(&b, v))
			set_once(&m->ld_published, b.ptr);
		stance_buf_dispose(&b);
	}
}

static void collect_meta(metadata *m, xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (name_is(n, "meta")) {
			const char *content = attr(n, "content");
			const char *keys[3] = { attr(n, "property"), attr(n, "name"), attr(n, "http-equiv") };
			size_t k;
			if (!content)
				continue;
			for (k = 0; k < 3; k++) {
				/* "property" may hold several space-separated names. */
				const char *p = keys[k];
				while (p && *p) {
					size_t wl;
					char word[64];
					while (is_space((unsigned char)*p))
						p++;
					wl = strcspn(p, " \t\n");
					if (wl && wl < sizeof(word)) {
						int slot;
						memcpy(word, p, wl);
						word[wl] = '\0';
						if ((slot = meta_slot(word)) >= 0)
							set_once(k == 0 ? &m->meta[slot] : &m->meta_name[slot], content);
					}
					p += wl;
				}
			}
		} else if (name_is(n, "script")) {
			const char *type = attr(n, "type");
			if (type && !strcasecmp(type, "application/ld+json")) {
				xmlChar *json = xmlNodeGetContent(n);
				if (json)
					read_json_ld(m, (const char *)json);
				xmlFree(json);
			}
			continue;
		}
		if (n->children)
			collect_meta(m, n->children);
	}
}

/* The first element called `name` among `n`, its siblings and their
 * descendants, in document order; borrowed from the tree, or NULL. */
static xmlNode *find_first(xmlNode *n, const char *name)
{
	for (; n; n = n->next) {
		xmlNode *f;
		if (name_is(n, name))
			return n;
		if (n->type == XML_ELEMENT_NODE && (f = find_first(n->children, name)))
			return f;
	}
	return NULL;
}

static void find_all(xmlNode *n, const char *name, xmlNode ***list, size_t *count, size_t *cap)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!name || name_is(n, name)) {
			if (*count == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				xmlNode **nl = realloc(*list, nc * sizeof(*nl));
				if (!nl)
					return;
				*list = nl;
				*cap = nc;
			}
			(*list)[(*count)++] = n;
		}
		find_all(n->children, name, list, count, cap);
	}
}

static int is_title_sep(const char *s, size_t *seplen)
{
	/* " | ", " - ", " \ ", " / ", " > ", " » " (separators between spaces). */
	if (s[0] != ' ')
		return 0;
	if (strchr("|-\\/>", s[1]) && s[1] && s[2] == ' ') {
		*seplen = 3;
		return 1;
	}
	if (!strncmp(s + 1, "\xc2\xbb ", 3) || !strncmp(s + 1, "\xe2\x80\x94 ", 4) || !strncmp(s + 1, "\xe2\x80\x93 ", 4)) {
		*seplen = s[1] == '\xc2' ? 4 : 5;
		return 1;
	}
	return 0;
}

/* 1 when an h1 or h2 of the page reads `text` (case aside). */
static int heading_equals(xmlNode *root, const char *text)
{
	xmlNode **hs = NULL;
	size_t nh = 0, cap = 0, k;
	int match = 0;
	find_all(root, "h1", &hs, &nh, &cap);
	find_all(root, "h2", &hs, &nh, &cap);
	for (k = 0; k < nh && !match; k++) {
		stance_buf h = STANCE_BUF_INIT;
		inner_text(&h, hs[k]);
		match = h.size && !strcasecmp(h.ptr, text);
		stance_buf_dispose(&h);
	}
	free(hs);
	return match;
}

/* <title> less the site's name, as Readability does. Caller frees. */
static char *article_title(xmlNode *root)
{
	xmlNode *t = find_first(root, "title");
	stance_buf orig = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	size_t i, seplen, first = (size_t)-1, last = (size_t)-1, firstlen = 0;
	int hierarchical = 0, confirmed = 0;
	stance_buf conf = STANCE_BUF_INIT;
	if (!t)
		return NULL;
	inner_text(&orig, t);
	for (i = 0; i < orig.size; i++)
		if (is_title_sep(orig.ptr + i, &seplen)) {
			if (first == (size_t)-1) {
				first = i;
				firstlen = seplen;
			}
			last = i;
			if (strchr("\\/>", orig.ptr[i + 1]) || orig.ptr[i + 1] == '\xc2')
				hierarchical = 1;
		}
	if (last != (size_t)-1) {
		stance_buf_put(&conf, orig.ptr, last);
		/* The page's own heading says which part is the title. */
		if (heading_equals(root, stance_buf_cstr(&conf)))
			confirmed = 1;
		else if (heading_equals(root, orig.ptr + first + firstlen)) {
			stance_buf_clear(&conf);
			stance_buf_puts(&conf, orig.ptr + first + firstlen);
			confirmed = 1;
		}
	}
	if (confirmed) {
		stance_buf_puts(&cur, stance_buf_cstr(&conf));
	} else if (last != (size_t)-1) {
		stance_buf_put(&cur, orig.ptr, last);
		if (word_count(stance_buf_cstr(&cur)) < 3) {
			stance_buf_clear(&cur);
			stance_buf_puts(&cur, orig.ptr + first + firstlen);
		}
	} else if (orig.size && strstr(orig.ptr, ": ")) {
		xmlNode **hs = NULL;
		size_t nh = 0, cap = 0, k;
		int match = 0;
		find_all(root, "h1", &hs, &nh, &cap);
		find_all(root, "h2", &hs, &nh, &cap);
		for (k = 0; k < nh && !match; k++) {
			stance_buf h = STANCE_BUF_INIT;
			inner_text(&h, hs[k]);
			match = !strcmp(stance_buf_cstr(&h), orig.ptr);
			stance_buf_dispose(&h);
		}
		free(hs);
		if (match)
			stance_buf_puts(&cur, orig.ptr);
		else {
			const char *lc = strrchr(orig.ptr, ':');
			stance_buf_puts(&cur, lc + 1);
			if (word_count(cur.ptr) < 3) {
				stance_buf_clear(&cur);
				stance_buf_puts(&cur, strchr(orig.ptr, ':') + 1);
			} else {
				stance_buf pre = STANCE_BUF_INIT;
				stance_buf_put(&pre, orig.ptr, (size_t)(strchr(orig.ptr, ':') - orig.ptr));
				if (word_count(pre.ptr) > 5) {
					stance_buf_clear(&cur);
					stance_buf_puts(&cur, orig.ptr);
				}
				stance_buf_dispose(&pre);
			}
		}
	} else if (orig.size > 150 || orig.size < 15) {
		xmlNode **hs = NULL;
		size_t nh = 0, cap = 0;
		find_all(root, "h1", &hs, &nh, &cap);
		if (nh == 1)
			inner_text(&cur, hs[0]);
		else
			stance_buf_puts(&cur, stance_buf_cstr(&orig));
		free(hs);
	} else
		stance_buf_puts(&cur, stance_buf_cstr(&orig));
	if (cur.ptr)
		trim_inplace(cur.ptr);
	{
		size_t wc = word_count(stance_buf_cstr(&cur));
		/* A cut title that the page's own heading repeats is right, however
		 * short ("Grønne områder | Kommunen" with <h1>Grønne områder</h1>). */
		if (confirmed)
			wc = 5;
		if (wc <= 4) {
			/* Too short after cutting: keep the whole title, unless only
			 * one hierarchical segment went. */
			size_t owc = word_count(stance_buf_cstr(&orig));
			if (last != (size_t)-1)
				owc -= 1; /* the separator itself counted as a word */
			if (!hierarchical || wc != owc - 1) {
				stance_buf_clear(&cur);
				stance_buf_puts(&cur, stance_buf_cstr(&orig));
			}
		}
	}
	stance_buf_dispose(&orig);
	stance_buf_dispose(&conf);
	if (!cur.size) {
		stance_buf_dispose(&cur);
		return NULL;
	}
	return stance_buf_detach(&cur);
}

static double text_similarity(const char *a, const char *b);

/* The longest language tag taken: RFC 5646 (4.4.1) asks that tags of 35
 * characters be kept whole; a longer one is not a language worth reading. */
#define LANGUAGE_TAG_MAX 35

/*
 * The primary language of a well-formed BCP 47 tag ("en-US", "da_DK" as
 * og:locale writes it, "zh-Hant-TW": "en", "da", "zh"), lowercased into
 * `out` (4 bytes); 0, leaving the language unset, for anything else: the
 * tag (space around it aside, "_" read as "-") must pass the document's
 * own check, stance_language_validate(), and start with a language of 2
 * or 3 letters; it is at most LANGUAGE_TAG_MAX bytes and never cut.
 */
static int language_primary(char out[4], const char *tag)
{
	char copy[LANGUAGE_TAG_MAX + 1];
	size_t n, i, first;
	while (is_space((unsigned char)*tag))
		tag++;
	n = strlen(tag);
	while (n && is_space((unsigned char)tag[n - 1]))
		n--;
	if (!n || n > LANGUAGE_TAG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		copy[i] = tag[i] == '_' ? '-' : tag[i];
	copy[n] = '\0';
	if (stance_language_validate(copy) < 0) {
		stance_error_clear();
		return 0;
	}
	first = strcspn(copy, "-");
	if (first < 2 || first > 3)
		return 0;
	for (i = 0; i < first; i++)
		out[i] = (char)tolower((unsigned char)copy[i]);
	out[first] = '\0';
	return 1;
}

static void read_metadata(metadata *m, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root)
		return;
	collect_meta(m, root);
	{
		/* A property="…" meta tag wins over a name="…" one. */
		size_t i;
		for (i = 0; i < M_COUNT; i++)
			set_once(&m->meta[i], m->meta_name[i]);
	}
	if (m->ld_name) {
		/* JSON-LD with both: the headline when it, not the name, is
		 * what the page's <title> says. */
		char *doc_title = article_title(root);
		int name_ok = doc_title && text_similarity(m->ld_name, doc_title) > 0.75;
		int head_ok = doc_title && text_similarity(m->ld_headline, doc_title) > 0.75;
		set_once(&m->ld_title, head_ok && !name_ok ? m->ld_headline : m->ld_name);
		free(doc_title);
	}
	set_once(&m->title, m->ld_title);
	set_once(&m->title, m->meta[M_DC_TITLE]);
	set_once(&m->title, m->meta[M_OG_TITLE]);
	set_once(&m->title, m->meta[M_TW_TITLE]);
	set_once(&m->title, m->meta[M_PARSELY_TITLE]);
	set_once(&m->title, m->meta[M_TITLE]);
	if (!m->title)
		m->title = article_title(root);
	set_once(&m->byline, m->ld_byline);
	set_once(&m->byline, m->meta[M_DC_CREATOR]);
	set_once(&m->byline, m->meta[M_AUTHOR]);
	set_once(&m->byline, m->meta[M_PARSELY_AUTHOR]);
	if (m->meta[M_ARTICLE_AUTHOR] && !strstr(m->meta[M_ARTICLE_AUTHOR], "://"))
		set_once(&m->byline, m->meta[M_ARTICLE_AUTHOR]);
	set_once(&m->published, m->ld_published);
	set_once(&m->published, m->meta[M_PUBLISHED]);
	set_once(&m->published, m->meta[M_PARSELY_PUB]);
	set_once(&m->published, m->meta[M_DATE]);
	if (!m->published) {
		xmlNode *t = find_first(root, "time");
		if (t)
			set_once(&m->published, attr(t, "datetime"));
	}
	set_once(&m->site_name, m->meta[M_SITE]);
	{
		/* The first well-formed tag of <html lang>, <html xml:lang> and
		 * the og:locale or content-language meta tag. */
		const char *tags[3] = { attr(root, "lang"), attr(root, "xml:lang"), m->meta[M_LANG] };
		char primary[4];
		size_t i;
		for (i = 0; i < 3; i++)
			if (tags[i] && language_primary(primary, tags[i])) {
				set_once(&m->lang, primary);
				break;
			}
	}
}

/* ------------------------------------------------------------------ */
/* The main-content finder                                              */

typedef struct {
	regex_t unlikely, maybe, positive, negative, byline, videos, sharing;
	int compiled;
} patterns;

/* Page-chrome words in English and Danish. */
static int patterns_compile(patterns *p)
{
	int rc = 0;
	rc |= regcomp(&p->unlikely, "-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|"
		"disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|"
		"skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|"
		"cookie|consent|newsletter|nyhedsbrev|samtykke|kommentar|relaterede|annonce|reklame|"
		"del-artikel|login|signup|subscribe|abonn", REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->maybe, "and|article|body|column|content|main|mathjax|shadow|artikel|indhold",
		REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->positive, "article|body|content|entry|hentry|h-entry|main|page|pagination|post|"
		"text|blog|story|artikel|indhold|broedtekst|brodtekst|tekst", REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->negative, "-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|"
		"footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|"
		"skyscraper|sponsor|shopping|tags|widget|kommentar|relaterede|annonce|reklame|del-|"
		"nyhedsbrev|cookie", REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->byline, "byline|author|dateline|writtenby|p-author|forfatter|skribent",
		REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->videos, "youtube|vimeo|dailymotion", REG_EXTENDED | REG_NOSUB);
	rc |= regcomp(&p->sharing, "share|sharedaddy|del-", REG_EXTENDED | REG_NOSUB);
	p->compiled = 1;
	return rc ? stance_error_set(STANCE_ERROR, "cannot compile the extraction patterns") : 0;
}

/* The patterns, compiled once for the process (a page took 2% of its
 * extraction time compiling them); regexec on them is thread-safe. */
static patterns shared_patterns;
static int shared_patterns_error;
static pthread_once_t shared_patterns_once = PTHREAD_ONCE_INIT;

static void shared_patterns_compile(void)
{
	shared_patterns_error = patterns_compile(&shared_patterns);
}

static int patterns_get(const patterns **out)
{
	pthread_once(&shared_patterns_once, shared_patterns_compile);
	*out = &shared_patterns;
	return shared_patterns_error < 0 ?
		stance_error_set(STANCE_ERROR, "cannot compile the extraction patterns") : 0;
}

/* Matches `s`, lowercased, against a pattern (the patterns are lowercase;
 * glibc's REG_ICASE costs more than lowering short class names). */
static int rx(const regex_t *r, const char *s)
{
	char low[256];
	size_t i;
	if (!s || !*s)
		return 0;
	for (i = 0; s[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = '\0';
	return regexec(r, low, 0, NULL, 0) == 0;
}

enum { FLAG_STRIP_UNLIKELYS = 1, FLAG_WEIGHT_CLASSES = 2, FLAG_CLEAN_CONDITIONALLY = 4 };

typedef struct {
	double score;
	int init;
	double density;  /* link density, filled by density_all for candidates */
	int table;       /* for a <table>: 1 a data table, -1 not, 0 not known yet */
} score_slot;

/* A node the finder moved, and where it was before: the finder takes boxes
 * out of the page and moves the content into a new element, and undoes it
 * all (undo_moves) for its next pass, so that a page is parsed once. */
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

/* The score of `n`, or NULL when it has none; borrowed from the finder
 * (valid until its next slot_make). */
static score_slot *slot_of(finder *f, xmlNode *n)
{
	return n->_private ? &f->slots[(intptr_t)n->_private - 1] : NULL;
}

/* The score of `n`, made (at zero) when missing; borrowed from the finder. */
static score_slot *slot_make(finder *f, xmlNode *n)
{
	if (n->_private)
		return &f->slots[(intptr_t)n->_private - 1];
	if (f->nslots == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 256;
		score_slot *ns = realloc(f->slots, nc * sizeof(*ns));
		if (!ns)
			return NULL;
		f->slots = ns;
		f->cap = nc;
	}
	f->slots[f->nslots].score = 0;
	f->slots[f->nslots].init = 0;
	f->slots[f->nslots].density = 0;
	f->slots[f->nslots].table = 0;
	n->_private = (void *)(intptr_t)(++f->nslots);
	return &f->slots[f->nslots - 1];
}

static void remove_node(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* Records where `n` is, before a move; 0 when out of memory. */
static int record_move(finder *f, xmlNode *n)
{
	if (f->nmoves == f->capmoves) {
		size_t nc = f->capmoves ? f->capmoves * 2 : 256;
		moved *nm = realloc(f->moves, nc * sizeof(*nm));
		if (!nm) {
			f->oom = 1;
			return 0;
		}
		f->moves = nm;
		f->capmoves = nc;
	}
	f->moves[f->nmoves].node = n;
	f->moves[f->nmoves].parent = n->parent;
	f->moves[f->nmoves].next = n->next;
	f->nmoves++;
	return 1;
}

/* Links the unlinked `n` into `parent` before `next` (NULL: last). Unlike
 * xmlAddChild and xmlAddPrevSibling it merges no text nodes, which could
 * not be undone. */
static void link_before(xmlNode *parent, xmlNode *next, xmlNode *n)
{
	n->parent = parent;
	n->next = next;
	n->prev = next ? next->prev : parent->last;
	if (n->prev)
		n->prev->next = n;
	else
		parent->children = n;
	if (next)
		next->prev = n;
	else
		parent->last = n;
}

/* Takes `n` out of the tree for the rest of the pass. */
static void take_out(finder *f, xmlNode *n)
{
	if (record_move(f, n))
		xmlUnlinkNode(n);
}

/* Moves `n` to `parent`, before `next` (NULL: last). */
static void move_to(finder *f, xmlNode *parent, xmlNode *next, xmlNode *n)
{
	if (!record_move(f, n))
		return;
	xmlUnlinkNode(n);
	link_before(parent, next, n);
}

/* Puts every node the pass moved back where it was, latest first. */
static void undo_moves(finder *f)
{
	while (f->nmoves) {
		moved *m = &f->moves[--f->nmoves];
		xmlUnlinkNode(m->node);
		if (m->parent)
			link_before(m->parent, m->next, m->node);
	}
}

static int class_weight(finder *f, xmlNode *n)
{
	int w = 0;
	const char *c = attr(n, "class"), *id = attr(n, "id");
	if (!(f->flags & FLAG_WEIGHT_CLASSES))
		return 0;
	if (rx(&f->pat->negative, c)) w -= 25;
	if (rx(&f->pat->positive, c)) w += 25;
	if (rx(&f->pat->negative, id)) w -= 25;
	if (rx(&f->pat->positive, id)) w += 25;
	return w;
}

/* One walk for link_density: all characters (and commas), and those inside
 * links weighted (0.3 for in-page "#…" links). */
static void density_walk(const xmlNode *n, double weight, int *last_space, size_t *total, double *links,
	size_t *commas)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const unsigned char *p = (const unsigned char *)n->content;
			size_t chars = 0;
			while (p && *p) {
				if (is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
					p += (*p == 0xc2) ? 2 : 1;
					if (!*last_space)
						chars++;
					*last_space = 1;
					continue;
				}
				if ((*p & 0xc0) != 0x80)
					chars++;
				if (*p == ',')
					(*commas)++;
				*last_space = 0;
				p++;
			}
			*total += chars;
			*links += weight * (double)chars;
		} else if (n->type == XML_ELEMENT_NODE && n->children) {
			double w = weight;
			if (weight == 0 && name_is(n, "a")) {
				const char *href = attr(n, "href");
				if (!(href && !strncasecmp(href, "javascript:", 11)))
					w = (href && href[0] == '#' && href[1]) ? 0.3 : 1.0;
			}
			density_walk(n->children, w, last_space, total, links, commas);
		}
	}
}

/* The share of `n`'s text inside links; with its length in characters and
 * its commas through `len` and `commas` (both may be NULL). */
static double link_density_ex(const xmlNode *n, size_t *len, size_t *commas)
{
	size_t total = 0, c = 0;
	double links = 0;
	int last_space = 1;
	density_walk(n->children, 0, &last_space, &total, &links, &c);
	if (last_space && total)
		total--;
	if (len)
		*len = total;
	if (commas)
		*commas = c;
	if (!total)
		return 0;
	return links / (double)total;
}

static double link_density(const xmlNode *n)
{
	return link_density_ex(n, NULL, NULL);
}

static const char *const block_tags[] = { "blockquote", "dl", "div", "img", "ol", "p", "pre",
	"table", "ul", "section", "article", "main", "header", "footer", "aside", "figure",
	"h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "fieldset", "nav", "address", NULL };

static int has_child_block(const xmlNode *n)
{
	for (n = n->children; n; n = n->next)
		if (name_in(n, block_tags) || (n->type == XML_ELEMENT_NODE && has_child_block(n)))
			return 1;
	return 0;
}

static int has_ancestor(const xmlNode *n, const char *tag, int max_depth)
{
	int d = 0;
	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (max_depth > 0 && ++d > max_depth)
			return 0;
		if (name_is(n, tag))
			return 1;
	}
	return 0;
}

static int is_hidden(const xmlNode *n)
{
	const char *style = attr(n, "style"), *aria = attr(n, "aria-hidden"), *cls;
	if (attr(n, "hidden"))
		return 1;
	if (style) {
		stance_buf s = STANCE_BUF_INIT;
		const char *p;
		int hidden;
		for (p = style; *p; p++)
			if (!is_space((unsigned char)*p))
				stance_buf_putc(&s, (char)tolower((unsigned char)*p));
		hidden = s.ptr && (strstr(s.ptr, "display:none") || strstr(s.ptr, "visibility:hidden"));
		stance_buf_dispose(&s);
		if (hidden)
			return 1;
	}
	if (aria && !strcmp(aria, "true")) {
		cls = attr(n, "class");
		return !(cls && strstr(cls, "fallback-image"));
	}
	return 0;
}

/* 1 when some text below `n` is not white space; stops at the first. */
static int has_text(const xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const unsigned char *p = (const unsigned char *)n->content;
			for (; p && *p; p++)
				if (!is_space(*p) && !(p[0] == 0xc2 && p[1] == 0xa0) && !(p[0] == 0xa0 && p > (const unsigned char *)n->content && p[-1] == 0xc2))
					return 1;
		} else if (n->type == XML_ELEMENT_NODE && n->children && has_text(n->children))
			return 1;
	}
	return 0;
}

/* The only element child of `n` when it is a <p> and no text lies
 * beside it; NULL otherwise. */
static xmlNode *single_p_child(xmlNode *n)
{
	xmlNode *c, *p = NULL;
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (p || !name_is(c, "p"))
				return NULL;
			p = c;
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && has_text(c) ) {
			return NULL;
		}
	}
	return p;
}

static int element_without_content(const xmlNode *n)
{
	const xmlNode *c;
	if (has_text(n->children))
		return 0;
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !name_is(c, "br") && !name_is(c, "hr"))
			return 0;
	return 1;
}

/* text_similarity compares the first this many bytes of each text: it looks
 * for each word of one in the other, and titles are shorter. */
#define SIMILARITY_MAX 1024

/* Similarity of two texts by shared words, as Readability's
 * textSimilarity: 1 - (words of b not in a) / (words of b). */
static double text_similarity(const char *a, const char *b)
{
	stance_buf la = STANCE_BUF_INIT, lb = STANCE_BUF_INIT;
	size_t total = 0, missing = 0, i;
	const char *p;
	char *tok;
	for (p = a, i = 0; *p && i < SIMILARITY_MAX; p++, i++)
		stance_buf_putc(&la, isalnum((unsigned char)*p) || (*p & 0x80) ? (char)tolower((unsigned char)*p) : ' ');
	for (p = b, i = 0; *p && i < SIMILARITY_MAX; p++, i++)
		stance_buf_putc(&lb, isalnum((unsigned char)*p) || (*p & 0x80) ? (char)tolower((unsigned char)*p) : ' ');
	if (!la.ptr || !lb.ptr) {
		stance_buf_dispose(&la);
		stance_buf_dispose(&lb);
		return 0;
	}
	stance_buf_putc(&la, ' ');
	for (tok = lb.ptr; *tok; ) {
		stance_buf w = STANCE_BUF_INIT;
		size_t wl;
		char saved;
		while (*tok == ' ')
			tok++;
		if (!*tok)
			break;
		wl = strcspn(tok, " ");
		saved = tok[wl];
		tok[wl] = '\0';
		stance_buf_printf(&w, " %s ", tok);
		total += strlen(tok);
		if (!strstr(la.ptr, w.ptr) && strncmp(la.ptr, w.ptr + 1, strlen(tok) + 1))
			missing += strlen(tok);
		stance_buf_dispose(&w);
		tok[wl] = saved;
		tok += wl;
	}
	stance_buf_dispose(&la);
	stance_buf_dispose(&lb);
	return total ? 1.0 - (double)missing / (double)total : 0;
}

static int is_byline(finder *f, xmlNode *n, const char *match)
{
	const char *rel = attr(n, "rel"), *itemprop = attr(n, "itemprop");
	size_t len;
	if (f->byline)
		return 0;
	if (!((rel && !strcmp(rel, "author")) || (itemprop && strstr(itemprop, "author")) ||
	      rx(&f->pat->byline, match)))
		return 0;
	len = text_len(n, NULL);
	if (len == 0 || len >= 100)
		return 0;
	{
		/* A name marked up inside the byline is the name alone. */
		stance_buf b = STANCE_BUF_INIT;
		xmlNode **l = NULL, *name = NULL;
		size_t nl = 0, cap = 0, k;
		find_all(n->children, NULL, &l, &nl, &cap);
		for (k = 0; k < nl && !name; k++) {
			const char *ip = attr(l[k], "itemprop"), *r = attr(l[k], "rel");
			if ((ip && strstr(ip, "name")) || (r && !strcmp(r, "author")))
				name = l[k];
		}
		free(l);
		inner_text(&b, name && text_len(name, NULL) ? name : n);
		f->byline = stance_buf_detach(&b);
	}
	return 1;
}

/* The next element in document order, skipping n's children when
 * `skip_children`. */
static xmlNode *next_element(xmlNode *n, int skip_children)
{
	if (!skip_children && n->children) {
		xmlNode *c = n->children;
		while (c && c->type != XML_ELEMENT_NODE)
			c = c->next;
		if (c)
			return c;
		/* children but no element children: fall through to siblings */
	}
	while (n) {
		xmlNode *s = n->next;
		while (s && s->type != XML_ELEMENT_NODE)
			s = s->next;
		if (s)
			return s;
		n = n->parent;
		if (n && n->type != XML_ELEMENT_NODE)
			return NULL;
	}
	return NULL;
}

/* Takes `n` out and returns the element after it (borrowed). */
static xmlNode *remove_and_next(finder *f, xmlNode *n)
{
	xmlNode *next = next_element(n, 1);
	take_out(f, n);
	return next;
}

/* Elements in which a <time> is part of the text. */
static const char *const time_hosts[] = { "p", "li", "td", "th", "blockquote", "span", "em",
	"strong", "b", "i", "a", "dd", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", NULL };

static const char *const unlikely_roles[] = { "menu", "menubar", "complementary", "navigation",
	"alert", "alertdialog", "dialog", NULL };

static const char *const chrome_tags[] = { "script", "style", "noscript", "template", "link",
	"meta", "iframe", "svg", "canvas", "nav", "button", "input", "select", "textarea",
	"object", "embed", "head", "dialog", NULL };

/* Drops what is never content, before any scoring. */
static void strip_chrome(xmlNode *n)
{
	while (n) {
		xmlNode *next = n->next;
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			remove_node(n);
		else if (n->type == XML_ELEMENT_NODE) {
			if (name_in(n, chrome_tags) && !name_is(n, "head"))
				remove_node(n);
			else
				strip_chrome(n->children);
		}
		n = next;
	}
}

typedef struct {
	xmlNode **v;
	size_t n, cap;
} node_list;

static void list_push(node_list *l, xmlNode *n)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		xmlNode **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = n;
}

static void init_node(finder *f, xmlNode *n)
{
	score_slot *s = slot_make(f, n);
	static const char *const minus3[] = { "address", "ol", "ul", "dl", "dd", "dt", "li", "form", NULL };
	static const char *const minus5[] = { "h1", "h2", "h3", "h4", "h5", "h6", "th", NULL };
	static const char *const plus3[] = { "pre", "td", "blockquote", NULL };
	if (!s || s->init)
		return;
	s->init = 1;
	if (name_is(n, "div"))
		s->score += 5;
	else if (name_in(n, plus3))
		s->score += 3;
	else if (name_in(n, minus3))
		s->score -= 3;
	else if (name_in(n, minus5))
		s->score -= 5;
	s->score += class_weight(f, n);
}

static int is_data_table(const xmlNode *t)
{
	const char *role = attr(t, "role");
	xmlNode **rows = NULL;
	size_t nrows = 0, cap = 0, i, cols = 0;
	if (role && !strcmp(role, "presentation"))
		return 0;
	if (attr(t, "summary") || find_first(t->children, "caption") || find_first(t->children, "th") ||
	    find_first(t->children, "thead") || find_first(t->children, "tfoot") || find_first(t->children, "colgroup"))
		return 1;
	if (find_first(t->children, "table"))
		return 0;
	find_all(t->children, "tr", &rows, &nrows, &cap);
	for (i = 0; i < nrows; i++) {
		size_t c = 0;
		xmlNode *cell;
		for (cell = rows[i]->children; cell; cell = cell->next)
			if (name_is(cell, "td"))
				c++;
		if (c > cols)
			cols = c;
	}
	free(rows);
	return nrows >= 10 || cols > 4 || nrows * cols > 10;
}

/* is_data_table, asked once a table: each box inside a table asks about
 * every table around it, and the question walks the whole table (a page of
 * 8,000 boxes in one table took 14 s). */
static int data_table(finder *f, xmlNode *t)
{
	score_slot *s = slot_make(f, t);
	if (!s)
		return is_data_table(t);
	if (!s->table)
		s->table = is_data_table(t) ? 1 : -1;
	return s->table > 0;
}

static size_t count_tag(xmlNode *n, const char *tag)
{
	xmlNode **l = NULL;
	size_t c = 0, cap = 0;
	find_all(n->children, tag, &l, &c, &cap);
	free(l);
	return c;
}

typedef struct {
	size_t p, img, li, input, embeds, list_len, heading_len;
} box_counts;

/* Counts, in one walk, what _cleanConditionally weighs: paragraphs, images,
 * list items, inputs, embeds, and the text in lists and headings. */
static void count_box(const xmlNode *n, box_counts *c)
{
	for (; n; n = n->next) {
		const char *nm;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		nm = NAME(n);
		switch (tolower((unsigned char)nm[0])) {
		case 'p': if (!nm[1]) c->p++; break;
		case 'i':
			if (!strcasecmp(nm, "img")) c->img++;
			else if (!strcasecmp(nm, "input")) c->input++;
			else if (!strcasecmp(nm, "iframe")) c->embeds++;
			break;
		case 'l': if (!strcasecmp(nm, "li")) c->li++; break;
		case 'o':
			if (!strcasecmp(nm, "ol")) c->list_len += text_len(n, NULL);
			else if (!strcasecmp(nm, "object")) c->embeds++;
			break;
		case 'u': if (!strcasecmp(nm, "ul")) c->list_len += text_len(n, NULL); break;
		case 'e': if (!strcasecmp(nm, "embed")) c->embeds++; break;
		case 'h':
			if (nm[1] >= '1' && nm[1] <= '6' && !nm[2]) {
				c->heading_len += text_len(n, NULL);
				continue; /* nothing of interest inside a heading */
			}
			break;
		}
		if (n->children)
			count_box(n->children, c);
	}
}

/* Readability's _cleanConditionally: drops boxes of `tag` that look like
 * chrome (many links, few paragraphs, more list items than text, …). */
static void clean_conditionally(finder *f, xmlNode *root, const char *tag)
{
	xmlNode **l = NULL;
	size_t n = 0, cap = 0, i;
	if (!(f->flags & FLAG_CLEAN_CONDITIONALLY))
		return;
	find_all(root->children, tag, &l, &n, &cap);
	/* From the end, so that an inner box goes before its outer one. */
	for (i = n; i-- > 0;) {
		xmlNode *node = l[i];
		xmlNode *a;
		int weight, is_list = !strcmp(tag, "ul") || !strcmp(tag, "ol"), remove = 0, in_removed = 0;
		size_t commas, len;
		double ld;
		/* Skip nodes already gone with a removed ancestor. */
		for (a = node; a && a != root; a = a->parent)
			if (!a->parent) {
				in_removed = 1;
				break;
			}
		if (in_removed || a != root)
			continue;
		if (!strcmp(tag, "table") && data_table(f, node))
			continue;
		if (has_ancestor(node, "code", 0))
			continue;
		{
			int in_data_table = 0;
			for (a = node->parent; a && a != root; a = a->parent)
				if (name_is(a, "table") && data_table(f, a)) {
					in_data_table = 1;
					break;
				}
			if (in_data_table)
				continue;
		}
		weight = class_weight(f, node);
		if (weight < 0) {
			take_out(f, node);
			continue;
		}
		ld = link_density_ex(node, &len, &commas);
		if (commas < 10) {
			box_counts bc;
			size_t p, img, li, input, embeds, list_len, heading_len;
			double li_minus;
			memset(&bc, 0, sizeof(bc));
			count_box(node->children, &bc);
			p = bc.p; img = bc.img; li = bc.li; input = bc.input; embeds = bc.embeds;
			list_len = bc.list_len; heading_len = bc.heading_len;
			li_minus = (double)li - 100;
			if (!is_list && len && (double)list_len / (double)len > 0.9)
				is_list = 1;
			{
				double heading_density = len ? (double)heading_len / (double)len : 0;
				int in_figure = has_ancestor(node, "figure", 0);
				remove = (img > 1 && (double)p / (double)img < 0.5 && !in_figure) ||
					(!is_list && (double)li > (double)p && li_minus < 1e9) ||
					((double)input > floor((double)p / 3)) ||
					(!is_list && heading_density < 0.9 && len < 25 && (img == 0 || img > 2) && !in_figure) ||
					(!is_list && weight < 25 && ld > 0.2) ||
					(weight >= 25 && ld > 0.5) ||
					((embeds == 1 && len < 75) || embeds > 1);
			}
			if (is_list && remove) {
				/* A list of images only stays. */
				xmlNode *c;
				int all_img = 1, any = 0;
				for (c = node->children; c; c = c->next) {
					if (c->type != XML_ELEMENT_NODE)
						continue;
					any = 1;
					if (count_tag(c, "img") != 1 || text_len(c, NULL) > 0)
						all_img = 0;
				}
				if (any && all_img)
					remove = 0;
			}
		}
		if (remove)
			take_out(f, node);
	}
	free(l);
}

static void clean_tag(finder *f, xmlNode *root, const char *tag)
{
	xmlNode **l = NULL;
	size_t n = 0, cap = 0, i;
	find_all(root->children, tag, &l, &n, &cap);
	for (i = n; i-- > 0;)
		take_out(f, l[i]);
	free(l);
}

static void prep_article(finder *f, xmlNode *article)
{
	xmlNode **l = NULL;
	size_t n = 0, cap = 0, i;
	clean_conditionally(f, article, "form");
	clean_conditionally(f, article, "fieldset");
	clean_tag(f, article, "footer");
	clean_tag(f, article, "aside");
	/* Headings with a negative class weight (e.g. "related"). */
	find_all(article->children, NULL, &l, &n, &cap);
	for (i = n; i-- > 0;) {
		if ((name_is(l[i], "h1") || name_is(l[i], "h2")) && class_weight(f, l[i]) < 0) {
			take_out(f, l[i]);
			l[i] = NULL;
		}
	}
	free(l);
	clean_conditionally(f, article, "table");
	clean_conditionally(f, article, "ul");
	clean_conditionally(f, article, "div");
	/* Drop empty paragraphs. */
	l = NULL;
	n = cap = 0;
	find_all(article->children, "p", &l, &n, &cap);
	for (i = n; i-- > 0;)
		if (!count_tag(l[i], "img") && !text_len(l[i], NULL))
			take_out(f, l[i]);
	free(l);
}

typedef struct {
	size_t chars;
	double links;
	int last_space;
} density_state;

/* The link density of every scored node in one walk of the tree (instead of
 * a walk per candidate): characters and link characters are counted in
 * document order, and a node's share is the difference between leaving and
 * entering it. */
static void density_all(finder *f, xmlNode *n, double weight, density_state *st)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const unsigned char *p = (const unsigned char *)n->content;
			size_t chars = 0;
			while (p && *p) {
				if (is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
					p += (*p == 0xc2) ? 2 : 1;
					if (!st->last_space)
						chars++;
					st->last_space = 1;
					continue;
				}
				if ((*p & 0xc0) != 0x80)
					chars++;
				st->last_space = 0;
				p++;
			}
			st->chars += chars;
			st->links += weight * (double)chars;
		} else if (n->type == XML_ELEMENT_NODE) {
			score_slot *s = slot_of(f, n);
			size_t c0 = st->chars;
			double l0 = st->links, w = weight;
			if (weight == 0 && name_is(n, "a")) {
				const char *href = attr(n, "href");
				if (!(href && !strncasecmp(href, "javascript:", 11)))
					w = (href && href[0] == '#' && href[1]) ? 0.3 : 1.0;
			}
			if (s) {
				/* A node's text starts after collapsed space, as inner_text's. */
				st->last_space = 1;
			}
			if (n->children)
				density_all(f, n->children, w, st);
			if (s) {
				size_t chars = st->chars - c0;
				if (st->last_space && chars)
					chars--;
				s->density = chars ? (st->links - l0) / (double)chars : 0;
			}
		}
	}
}

/* One pass of the finder over `doc` (which it changes). The content comes
 * back as a new element owned by `doc`'s tree (unlinked; caller frees). */
static xmlNode *grab_article(finder *f, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *body, *node, *top = NULL, *article;
	node_list to_score = { 0 }, candidates = { 0 };
	stance_buf match = STANCE_BUF_INIT;
	size_t i;
	if (!root)
		return NULL;
	body = find_first(root, "body");
	if (!body)
		body = root;

	node = body;
	while (node) {
		const char *cls = attr(node, "class"), *id = attr(node, "id"), *role = attr(node, "role");
		int drop = 0;
		stance_buf_clear(&match);
		/* Without class or id there is nothing for the patterns to see. */
		if ((cls && *cls) || (id && *id)) {
			stance_buf_puts(&match, cls ? cls : "");
			stance_buf_putc(&match, ' ');
			stance_buf_puts(&match, id ? id : "");
		}
		if (node != body && is_hidden(node))
			drop = 1;
		else if (role && (!strcmp(role, "dialog") || attr(node, "aria-modal")))
			drop = 1;
		else if (node != body && is_byline(f, node, stance_buf_cstr(&match)))
			drop = 1;
		else if (!f->removed_title && f->title && (name_is(node, "h1") || name_is(node, "h2"))) {
			stance_buf h = STANCE_BUF_INIT;
			inner_text(&h, node);
			if (h.size && text_similarity(f->title, h.ptr) > 0.75) {
				drop = 1;
				f->removed_title = 1;
			}
			stance_buf_dispose(&h);
		}
		if (!drop && name_is(node, "time") && node->parent && !name_in(node->parent, time_hosts))
			drop = 1; /* a date line on its own, not a date in a sentence */
		if (!drop && (f->flags & FLAG_STRIP_UNLIKELYS) && node != body) {
			if (rx(&f->pat->unlikely, stance_buf_cstr(&match)) && !rx(&f->pat->maybe, stance_buf_cstr(&match)) &&
			    !has_ancestor(node, "table", 0) && !has_ancestor(node, "code", 0) &&
			    !name_is(node, "a") && !name_is(node, "body"))
				drop = 1;
			else if (role) {
				size_t k;
				for (k = 0; unlikely_roles[k]; k++)
					if (!strcmp(role, unlikely_roles[k]))
						drop = 1;
			}
		}
		if (!drop && node != body && (name_is(node, "div") || name_is(node, "section") ||
		    name_is(node, "header") || (NAME(node)[0] == 'h' && NAME(node)[1] >= '1' && NAME(node)[1] <= '6' && !NAME(node)[2])) &&
		    element_without_content(node))
			drop = 1;
		if (drop) {
			node = remove_and_next(f, node);
			continue;
		}
		{
			static const char *const scored[] = { "section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre", NULL };
			if (name_in(node, scored))
				list_push(&to_score, node);
			else if (name_is(node, "div")) {
				xmlNode *only = single_p_child(node);
				if (only && link_density(node) < 0.25) {
					/* A div around one paragraph is that paragraph: its
					 * score goes to the real container (Readability). */
					move_to(f, node->parent, node, only);
					take_out(f, node);
					list_push(&to_score, only);
					node = next_element(only, 0);
					continue;
				}
				if (!has_child_block(node))
					list_push(&to_score, node);
			}
		}
		node = next_element(node, 0);
	}

	for (i = 0; i < to_score.n; i++) {
		xmlNode *e = to_score.v[i], *a;
		size_t commas, len = text_len(e, &commas);
		double score;
		int level;
		if (!e->parent || len < 25)
			continue;
		score = 1 + (double)commas + fmin(floor((double)len / 100), 3);
		for (a = e->parent, level = 0; a && a->type == XML_ELEMENT_NODE && level < 5; a = a->parent, level++) {
			score_slot *s;
			if (!a->parent)
				break;
			s = slot_of(f, a);
			if (!s || !s->init) {
				init_node(f, a);
				list_push(&candidates, a);
				s = slot_of(f, a);
			}
			if (!s)
				continue;
			s->score += score / (level == 0 ? 1 : level == 1 ? 2 : level * 3);
		}
	}
	{
		xmlNode *tops[5] = { 0 };
		double topscore[5] = { 0 };
		density_state ds = { 0, 0, 1 };
		density_all(f, root, 0, &ds);
		for (i = 0; i < candidates.n; i++) {
			xmlNode *c = candidates.v[i];
			score_slot *s = slot_of(f, c);
			size_t k;
			s->score *= 1 - s->density;
			for (k = 0; k < 5; k++) {
				if (!tops[k] || s->score > topscore[k]) {
					memmove(tops + k + 1, tops + k, (4 - k) * sizeof(*tops));
					memmove(topscore + k + 1, topscore + k, (4 - k) * sizeof(*topscore));
					tops[k] = c;
					topscore[k] = s->score;
					break;
				}
			}
		}
		top = tops[0];
		if (top && !name_is(top, "body")) {
			/* Several good candidates under one ancestor: take it. */
			node_list alts = { 0 };
			size_t k;
			for (k = 1; k < 5; k++)
				if (tops[k] && topscore[k] / topscore[0] >= 0.75)
					list_push(&alts, tops[k]);
			if (alts.n >= 3) {
				xmlNode *p = top->parent;
				while (p && p->type == XML_ELEMENT_NODE && !name_is(p, "body")) {
					size_t containing = 0, j;
					for (j = 0; j < alts.n; j++) {
						xmlNode *q;
						for (q = alts.v[j]; q; q = q->parent)
							if (q == p) {
								containing++;
								break;
							}
					}
					if (containing >= 3) {
						top = p;
						break;
					}
					p = p->parent;
				}
			}
			free(alts.v);
			if (!slot_of(f, top) || !slot_of(f, top)->init)
				init_node(f, top);
			{
				xmlNode *p = top->parent;
				double last = slot_of(f, top)->score, threshold = last / 3;
				while (p && p->type == XML_ELEMENT_NODE && !name_is(p, "body")) {
					score_slot *s = slot_of(f, p);
					if (!s || !s->init) {
						p = p->parent;
						continue;
					}
					if (s->score < threshold)
						break;
					if (s->score > last) {
						top = p;
						break;
					}
					last = s->score;
					p = p->parent;
				}
			}
			{
				xmlNode *p = top->parent;
				while (p && p->type == XML_ELEMENT_NODE && !name_is(p, "body")) {
					size_t elems = 0;
					xmlNode *c;
					for (c = p->children; c; c = c->next)
						if (c->type == XML_ELEMENT_NODE)
							elems++;
					if (elems != 1)
						break;
					top = p;
					p = top->parent;
				}
			}
			if (!slot_of(f, top) || !slot_of(f, top)->init)
				init_node(f, top);
		}
	}
	free(to_score.v);
	free(candidates.v);
	stance_buf_dispose(&match);

	article = xmlNewDocNode(doc, NULL, (const xmlChar *)"div", NULL);
	if (!article)
		return NULL;
	if (!top || name_is(top, "body")) {
		/* No candidate: everything in the body. */
		xmlNode *c = body->children;
		while (c) {
			xmlNode *next = c->next;
			move_to(f, article, NULL, c);
			c = next;
		}
	} else {
		double topscore = slot_of(f, top)->score;
		double threshold = fmax(10, topscore * 0.2);
		const char *topclass = attr(top, "class");
		xmlNode *parent = top->parent, *s = parent->children;
		while (s) {
			xmlNode *next = s->next;
			int append = 0;
			if (s == top)
				append = 1;
			else if (s->type == XML_ELEMENT_NODE) {
				score_slot *sl = slot_of(f, s);
				double bonus = 0;
				const char *sc = attr(s, "class");
				if (topclass && *topclass && sc && !strcmp(sc, topclass))
					bonus = topscore * 0.2;
				if (sl && sl->init && sl->score + bonus >= threshold)
					append = 1;
				else if (name_is(s, "p") || (name_is(s, "div") && !has_child_block(s))) {
					size_t len = text_len(s, NULL);
					double ld = link_density(s);
					if (len > 80 && ld < 0.25)
						append = 1;
					else if (len < 80 && len > 0 && ld == 0) {
						stance_buf t = STANCE_BUF_INIT;
						inner_text(&t, s);
						if (t.ptr && (strstr(t.ptr, ". ") || (t.size && t.ptr[t.size - 1] == '.')))
							append = 1;
						stance_buf_dispose(&t);
					}
				}
			}
			if (append)
				move_to(f, article, NULL, s);
			s = next;
		}
	}
	prep_article(f, article);
	return article;
}

/* Clears the score indices the finder left in _private. */
static void clear_private(xmlNode *n)
{
	for (; n; n = n->next) {
		n->_private = NULL;
		if (n->type == XML_ELEMENT_NODE && n->children)
			clear_private(n->children);
	}
}

/* ------------------------------------------------------------------ */
/* HTML to a cmark-gfm tree                                             */

/* Lists and block quotes nest at most this deep in the Markdown; deeper
 * ones are read as the blocks of the deepest (each level indents every line
 * of what is inside it, so that the Markdown of a page nested a thousand
 * deep grows with the square of its size). */
#define EXTRACT_MAX_NESTING 8

/* The Markdown of a page may be at most EXTRACT_MAX_GROWTH times its HTML,
 * plus its link targets made absolute, plus EXTRACT_GROWTH_SLACK bytes; the
 * conversion keeps well inside that, and a page that would pass it is
 * refused rather than stored. */
#define EXTRACT_MAX_GROWTH 16
#define EXTRACT_GROWTH_SLACK 65536

typedef struct {
	const char *base;
	int last_space;  /* the inline text so far ends in white space */
	int in_heading;
	int in_link;
	int depth;
	int nest;           /* lists and block quotes around the current block */
	size_t link_bytes;  /* the link targets written so far */
} md_state;

static const char *const skip_tags[] = { "script", "style", "noscript", "template", "nav",
	"form", "button", "input", "select", "textarea", "svg", "iframe", "object", "embed",
	"head", "title", "meta", "link", "aside", "footer", "canvas", "dialog", "map", NULL };

static const char *const inline_tags[] = { "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite",
	"code", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q",
	"s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
	"wbr", "picture", "source", "acronym", "nobr", NULL };

static void md_inline(md_state *st, cmark_node *parent, xmlNode *n);
static void md_nodes(md_state *st, cmark_node *container, xmlNode *first, const xmlNode *end);
static void md_blocks(md_state *st, cmark_node *container, xmlNode *first);

static void add_text(md_state *st, cmark_node *parent, const char *text)
{
	stance_buf b = STANCE_BUF_INIT;
	cmark_node *t;
	put_collapsed(&b, text, &st->last_space);
	if (!b.size) {
		stance_buf_dispose(&b);
		return;
	}
	t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, b.ptr);
	if (!cmark_node_append_child(parent, t))
		cmark_node_free(t);
	stance_buf_dispose(&b);
}

/* The first (or last) text leaf down the first (or last) children of `n`;
 * borrowed from the cmark tree, NULL when code or a break comes first. */
static cmark_node *first_leaf_text(cmark_node *n, int last)
{
	while (n) {
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT)
			return n;
		if (t == CMARK_NODE_CODE || t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_SOFTBREAK)
			return NULL;
		n = last ? cmark_node_last_child(n) : cmark_node_first_child(n);
	}
	return NULL;
}

/* Moves white space at the edges of an inline container out of it, so that
 * "<b> word </b>" renders " **word** " and parses back as strong. Returns 1
 * when the container is empty and was freed. */
static int tidy_container(cmark_node *c)
{
	cmark_node *t;
	const char *lit;
	int empty;
	if ((t = first_leaf_text(cmark_node_first_child(c), 0)) && cmark_node_parent(t) == c) {
		lit = cmark_node_get_literal(t);
		if (lit && lit[0] == ' ') {
			cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(sp, " ");
			cmark_node_insert_before(c, sp);
			if (!lit[1]) {
				cmark_node_free(t);
			} else {
				char *copy = stance_strdup(lit + 1);
				cmark_node_set_literal(t, copy);
				free(copy);
			}
		}
	}
	if ((t = first_leaf_text(cmark_node_last_child(c), 1)) && cmark_node_parent(t) == c) {
		lit = cmark_node_get_literal(t);
		if (lit && *lit && lit[strlen(lit) - 1] == ' ') {
			cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
			char *copy = stance_strndup(lit, strlen(lit) - 1);
			cmark_node_set_literal(sp, " ");
			cmark_node_insert_after(c, sp);
			if (copy && !*copy)
				cmark_node_free(t);
			else
				cmark_node_set_literal(t, copy);
			free(copy);
		}
	}
	empty = cmark_node_first_child(c) == NULL;
	if (empty)
		cmark_node_free(c);
	return empty;
}

static void md_image(md_state *st, cmark_node *parent, xmlNode *n)
{
	const char *src = attr(n, "src"), *alt = attr(n, "alt");
	char *url;
	cmark_node *link, *t;
	if (!src || !strncmp(src, "data:", 5) || attr(n, "data-src"))
		src = attr(n, "data-src") ? attr(n, "data-src") : src;
	if (!(url = absolute_url(src, st->base)))
		return;
	if (st->in_link) {
		/* An image inside a link: its alt text is the link's text. */
		if (alt && *alt)
			add_text(st, parent, alt);
		free(url);
		return;
	}
	link = cmark_node_new(CMARK_NODE_LINK);
	cmark_node_set_url(link, url);
	st->link_bytes += strlen(url);
	t = cmark_node_new(CMARK_NODE_TEXT);
	{
		stance_buf b = STANCE_BUF_INIT;
		int sp = 1;
		put_collapsed(&b, alt && *alt ? alt : "image", &sp);
		if (b.size && b.ptr[b.size - 1] == ' ')
			b.ptr[--b.size] = '\0';
		cmark_node_set_literal(t, b.size ? b.ptr : "image");
		stance_buf_dispose(&b);
	}
	cmark_node_append_child(link, t);
	if (!st->last_space) {
		cmark_node *sp = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(sp, " ");
		cmark_node_append_child(parent, sp);
	}
	if (!cmark_node_append_child(parent, link))
		cmark_node_free(link);
	st->last_space = 0;
	free(url);
}

static void md_inline_children(md_state *st, cmark_node *parent, xmlNode *n)
{
	for (; n; n = n->next)
		md_inline(st, parent, n);
}

static void md_inline(md_state *st, cmark_node *parent, xmlNode *n)
{
	cmark_node *c = NULL;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		add_text(st, parent, (const char *)n->content);
		return;
	}
	if (n->type != XML_ELEMENT_NODE || name_in(n, skip_tags))
		return;
	if (name_is(n, "br")) {
		if (st->in_heading || st->last_space) {
			if (!st->last_space)
				add_text(st, parent, " ");
			return;
		}
		c = cmark_node_new(CMARK_NODE_LINEBREAK);
		if (!cmark_node_append_child(parent, c))
			cmark_node_free(c);
		st->last_space = 1;
		return;
	}
	if (name_is(n, "img")) {
		md_image(st, parent, n);
		return;
	}
	if (name_is(n, "code") || name_is(n, "kbd") || name_is(n, "tt") || name_is(n, "samp")) {
		stance_buf b = STANCE_BUF_INIT;
		int sp = 1;
		xmlChar *content = xmlNodeGetContent(n);
		put_collapsed(&b, content ? (const char *)content : "", &sp);
		xmlFree(content);
		if (b.size && b.ptr[b.size - 1] == ' ')
			b.ptr[--b.size] = '\0';
		if (b.size) {
			c = cmark_node_new(CMARK_NODE_CODE);
			cmark_node_set_literal(c, b.ptr);
			if (!cmark_node_append_child(parent, c))
				cmark_node_free(c);
			st->last_space = 0;
		}
		stance_buf_dispose(&b);
		return;
	}
	if (name_is(n, "em") || name_is(n, "i") || name_is(n, "cite") || name_is(n, "dfn") || name_is(n, "var"))
		c = cmark_node_new(CMARK_NODE_EMPH);
	else if (name_is(n, "strong") || name_is(n, "b"))
		c = cmark_node_new(CMARK_NODE_STRONG);
	else if (name_is(n, "a") && !st->in_link) {
		char *url = absolute_url(attr(n, "href"), st->base);
		const char *href = attr(n, "href");
		if (url && href && href[0] != '#') {
			c = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_set_url(c, url);
			st->link_bytes += strlen(url);
		}
		free(url);
	}
	if (c) {
		int was_link = st->in_link;
		if (!cmark_node_append_child(parent, c)) {
			cmark_node_free(c);
			md_inline_children(st, parent, n->children);
			return;
		}
		if (cmark_node_get_type(c) == CMARK_NODE_LINK)
			st->in_link = 1;
		md_inline_children(st, c, n->children);
		st->in_link = was_link;
		tidy_container(c);
		return;
	}
	if (!name_in(n, inline_tags)) {
		/* A block inside inline content: keep its words apart. */
		if (!st->last_space)
			add_text(st, parent, " ");
		md_inline_children(st, parent, n->children);
		if (!st->last_space)
			add_text(st, parent, " ");
		return;
	}
	md_inline_children(st, parent, n->children);
}

/* Trims the paragraph's edges; frees it and returns 1 when nothing is left. */
static int finish_inline_block(cmark_node *p)
{
	cmark_node *t, *last;
	const char *lit;
	/* Trailing hard breaks mean nothing. */
	while ((last = cmark_node_last_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	while ((t = first_leaf_text(cmark_node_first_child(p), 0)) && (lit = cmark_node_get_literal(t)) && lit[0] == ' ') {
		if (!lit[1])
			cmark_node_free(t);
		else {
			char *copy = stance_strdup(lit + 1);
			cmark_node_set_literal(t, copy);
			free(copy);
			break;
		}
	}
	while ((t = first_leaf_text(cmark_node_last_child(p), 1)) && (lit = cmark_node_get_literal(t)) && *lit && lit[strlen(lit) - 1] == ' ') {
		char *copy = stance_strndup(lit, strlen(lit) - 1);
		if (copy && !*copy)
			cmark_node_free(t);
		else
			cmark_node_set_literal(t, copy);
		free(copy);
	}
	while ((last = cmark_node_last_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	while ((last = cmark_node_first_child(p)) && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK)
		cmark_node_free(last);
	if (!cmark_node_first_child(p)) {
		cmark_node_free(p);
		return 1;
	}
	return 0;
}

/* Renders inline content to one line of Markdown for a table cell. */
static void cell_markdown(md_state *st, stance_buf *out, xmlNode *cell)
{
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT), *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
	char *text;
	size_t i;
	cmark_node_append_child(doc, p);
	st->last_space = 1;
	st->in_heading = 1; /* no hard breaks in a cell */
	md_inline_children(st, p, cell->children);
	st->in_heading = 0;
	if (!finish_inline_block(p)) {
		text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
		for (i = 0; text && text[i]; i++) {
			if (text[i] == '\n') {
				if (text[i + 1])
					stance_buf_putc(out, ' ');
			} else if (text[i] == '|')
				stance_buf_puts(out, "\\|");
			else
				stance_buf_putc(out, text[i]);
		}
		free(text);
	}
	cmark_node_free(doc);
}

static void table_rows(xmlNode *n, node_list *rows)
{
	for (; n; n = n->next) {
		if (name_is(n, "tr"))
			list_push(rows, n);
		else if (name_is(n, "thead") || name_is(n, "tbody") || name_is(n, "tfoot"))
			table_rows(n->children, rows);
	}
}

/* A data table becomes a GFM table (as literal Markdown, made a table node
 * when the body is canonicalised); a layout table is read as blocks. */
static void md_table(md_state *st, cmark_node *container, xmlNode *table)
{
	node_list rows = { 0 };
	size_t i, cols = 0;
	int layout = 0;
	stance_buf md = STANCE_BUF_INIT;
	table_rows(table->children, &rows);
	for (i = 0; i < rows.n; i++) {
		size_t c = 0;
		xmlNode *cell;
		for (cell = rows.v[i]->children; cell; cell = cell->next)
			if (name_is(cell, "td") || name_is(cell, "th")) {
				static const char *const blocky[] = { "p", "div", "table", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", NULL };
				xmlNode **l = NULL;
				size_t nl = 0, cap = 0, k;
				c++;
				find_all(cell->children, NULL, &l, &nl, &cap);
				for (k = 0; k < nl; k++)
					if (name_in(l[k], blocky) && !(name_is(l[k], "p") && nl == 1))
						layout = 1;
				free(l);
			}
		if (c > cols)
			cols = c;
	}
	if (!rows.n || cols == 0 || layout || (cols == 1 && rows.n < 2)) {
		size_t r;
		for (r = 0; r < rows.n; r++) {
			xmlNode *cell;
			for (cell = rows.v[r]->children; cell; cell = cell->next)
				if (name_is(cell, "td") || name_is(cell, "th"))
					md_blocks(st, container, cell->children);
		}
		if (!rows.n)
			md_blocks(st, container, table->children);
		free(rows.v);
		return;
	}
	for (i = 0; i < rows.n; i++) {
		size_t c = 0;
		xmlNode *cell;
		stance_buf_puts(&md, "|");
		for (cell = rows.v[i]->children; cell; cell = cell->next) {
			if (!(name_is(cell, "td") || name_is(cell, "th")))
				continue;
			stance_buf_puts(&md, " ");
			cell_markdown(st, &md, cell);
			stance_buf_puts(&md, " |");
			c++;
		}
		for (; c < cols; c++)
			stance_buf_puts(&md, "  |");
		stance_buf_puts(&md, "\n");
		if (i == 0) {
			stance_buf_puts(&md, "|");
			for (c = 0; c < cols; c++)
				stance_buf_puts(&md, " --- |");
			stance_buf_puts(&md, "\n");
		}
	}
	{
		cmark_node *h = cmark_node_new(CMARK_NODE_HTML_BLOCK);
		cmark_node_set_literal(h, md.ptr);
		if (!cmark_node_append_child(container, h))
			cmark_node_free(h);
	}
	stance_buf_dispose(&md);
	free(rows.v);
}

static int is_list(const xmlNode *n)
{
	return name_is(n, "ul") || name_is(n, "ol");
}

/* A list: an item for each <li>, for each list right inside it, and for
 * each run of other children (each child once: an item once took a child
 * and all its following siblings, so that a list of unclosed lists and
 * rules copied itself three times a level). Past EXTRACT_MAX_NESTING the
 * items are blocks of `container`. */
static void md_list(md_state *st, cmark_node *container, xmlNode *list)
{
	cmark_node *l = NULL;
	xmlNode *c, *next;
	int flat = st->nest >= EXTRACT_MAX_NESTING;
	if (!flat) {
		const char *start = attr(list, "start");
		int ordered = name_is(list, "ol");
		l = cmark_node_new(CMARK_NODE_LIST);
		cmark_node_set_list_type(l, ordered ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
		if (ordered) {
			long v = 1;
			if (start && stance_parse_int(&v, start, 0, 999999999) < 0)
				v = 1;
			cmark_node_set_list_start(l, (int)v);
			cmark_node_set_list_delim(l, CMARK_PERIOD_DELIM);
		}
		cmark_node_set_list_tight(l, 1);
		if (!cmark_node_append_child(container, l)) {
			cmark_node_free(l);
			return;
		}
	}
	st->nest++;
	for (c = list->children; c; c = next) {
		cmark_node *item = container;
		next = c->next;
		if (c->type == XML_TEXT_NODE) {
			const char *p = (const char *)c->content;
			while (*p && is_space((unsigned char)*p))
				p++;
			if (!*p)
				continue;
		} else if (c->type != XML_ELEMENT_NODE || name_in(c, skip_tags))
			continue;
		if (!name_is(c, "li") && !is_list(c))
			while (next && !name_is(next, "li") && !is_list(next))
				next = next->next;
		if (!flat) {
			item = cmark_node_new(CMARK_NODE_ITEM);
			cmark_node_append_child(l, item);
		}
		if (name_is(c, "li"))
			md_blocks(st, item, c->children);
		else if (is_list(c))
			md_list(st, item, c);
		else
			md_nodes(st, item, c, next);
		if (!flat && !cmark_node_first_child(item))
			cmark_node_free(item);
	}
	st->nest--;
	if (!flat && !cmark_node_first_child(l))
		cmark_node_free(l);
}

typedef struct {
	cmark_node *para;
} open_para;

static void flush_para(open_para *op)
{
	if (op->para) {
		finish_inline_block(op->para);
		op->para = NULL;
	}
}

/* The nodes from `n` up to `end` (not included; NULL: all its siblings) as
 * blocks of `container`. */
static void md_nodes(md_state *st, cmark_node *container, xmlNode *n, const xmlNode *end)
{
	open_para op = { NULL };
	if (++st->depth > 200) {
		st->depth--;
		return;
	}
	for (; n && n != end; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *p = (const char *)n->content;
			while (*p && is_space((unsigned char)*p))
				p++;
			if (!*p && !op.para)
				continue;
		} else if (n->type != XML_ELEMENT_NODE || name_in(n, skip_tags))
			continue;
		if (n->type != XML_ELEMENT_NODE || name_in(n, inline_tags)) {
			if (!op.para) {
				op.para = cmark_node_new(CMARK_NODE_PARAGRAPH);
				if (!cmark_node_append_child(container, op.para)) {
					cmark_node_free(op.para);
					op.para = NULL;
					continue;
				}
				st->last_space = 1;
			}
			md_inline(st, op.para, n);
			continue;
		}
		flush_para(&op);
		if (NAME(n)[0] == 'h' && NAME(n)[1] >= '1' && NAME(n)[1] <= '6' && !NAME(n)[2]) {
			cmark_node *h = cmark_node_new(CMARK_NODE_HEADING);
			cmark_node_set_heading_level(h, NAME(n)[1] - '0');
			if (!cmark_node_append_child(container, h)) {
				cmark_node_free(h);
				continue;
			}
			st->last_space = 1;
			st->in_heading = 1;
			md_inline_children(st, h, n->children);
			st->in_heading = 0;
			finish_inline_block(h);
		} else if (name_is(n, "p")) {
			cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
			if (!cmark_node_append_child(container, p)) {
				cmark_node_free(p);
				continue;
			}
			st->last_space = 1;
			/* A <p> holding blocks (invalid, but seen) is read as blocks. */
			if (has_child_block(n)) {
				cmark_node_free(p);
				md_blocks(st, container, n->children);
			} else {
				md_inline_children(st, p, n->children);
				finish_inline_block(p);
			}
		} else if (name_is(n, "blockquote") && st->nest >= EXTRACT_MAX_NESTING) {
			md_blocks(st, container, n->children);
		} else if (name_is(n, "blockquote")) {
			cmark_node *q = cmark_node_new(CMARK_NODE_BLOCK_QUOTE);
			if (!cmark_node_append_child(container, q)) {
				cmark_node_free(q);
				continue;
			}
			st->nest++;
			md_blocks(st, q, n->children);
			st->nest--;
			if (!cmark_node_first_child(q))
				cmark_node_free(q);
		} else if (is_list(n)) {
			md_list(st, container, n);
		} else if (name_is(n, "pre")) {
			xmlChar *content = xmlNodeGetContent(n);
			if (content && *content) {
				stance_buf b = STANCE_BUF_INIT;
				cmark_node *cb = cmark_node_new(CMARK_NODE_CODE_BLOCK);
				stance_buf_puts(&b, (const char *)content);
				while (b.size && (b.ptr[b.size - 1] == '\n' || b.ptr[b.size - 1] == ' '))
					b.ptr[--b.size] = '\0';
				stance_buf_putc(&b, '\n');
				cmark_node_set_literal(cb, b.ptr);
				if (!cmark_node_append_child(container, cb))
					cmark_node_free(cb);
				stance_buf_dispose(&b);
			}
			xmlFree(content);
		} else if (name_is(n, "hr")) {
			cmark_node *hr = cmark_node_new(CMARK_NODE_THEMATIC_BREAK);
			if (!cmark_node_append_child(container, hr))
				cmark_node_free(hr);
		} else if (name_is(n, "table")) {
			md_table(st, container, n);
		} else {
			md_blocks(st, container, n->children);
		}
	}
	flush_para(&op);
	st->depth--;
}

static void md_blocks(md_state *st, cmark_node *container, xmlNode *n)
{
	md_nodes(st, container, n, NULL);
}

/* Renders the content element, from a page of `html_len` bytes, as Markdown
 * into `out`; refuses Markdown past the bound of EXTRACT_MAX_GROWTH. */
static int content_markdown(stance_buf *out, xmlNode *content, const char *base, size_t html_len,
	const char *url)
{
	md_state st = { base, 1, 0, 0, 0, 0, 0 };
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
	char *text;
	size_t len, limit;
	int error;
	if (!doc)
		return stance_error_oom();
	md_blocks(&st, doc, content->children);
	text = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
	cmark_node_free(doc);
	if (!text)
		return stance_error_oom();
	len = strlen(text);
	limit = html_len < SIZE_MAX / (2 * EXTRACT_MAX_GROWTH) ?
		EXTRACT_MAX_GROWTH * html_len + st.link_bytes + EXTRACT_GROWTH_SLACK : SIZE_MAX;
	if (len > limit)
		error = stance_error_set(STANCE_EPARSE, "%s%sthe page's %zu bytes make %zu bytes of Markdown, more than "
			"%d times as many; it is not read", url ? url : "", url ? ": " : "", html_len, len,
			EXTRACT_MAX_GROWTH);
	else
		error = stance_buf_put(out, text, len);
	free(text);
	return error;
}

/* ------------------------------------------------------------------ */
/* Rules and the whole extraction                                       */

static void silence(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* A parser context a thread, kept from page to page: making one (its
 * dictionary, its SAX tables) cost as much as parsing a small page. */
static pthread_key_t parser_key;
static pthread_once_t parser_key_once = PTHREAD_ONCE_INIT;

static void parser_free(void *ctxt)
{
	htmlFreeParserCtxt(ctxt);
}

static void parser_key_make(void)
{
	pthread_key_create(&parser_key, parser_free);
}

/* ------------------------------------------------------------------ */
/* What a page may ask of the parser                                    */

/*
 * libxml2 (2.9) compares each attribute of an element with every one
 * before it, so that one element of 40,000 attributes took minutes. Before
 * it sees a page or a feed, the bytes are scanned and refused past these:
 * EXTRACT_MAX_ATTRIBUTES on one element, EXTRACT_MAX_ATTRIBUTE_PAIRS such
 * comparisons in all (n(n-1)/2 for an element of n; 20 million take the
 * parser about 0.3 s), EXTRACT_MAX_ELEMENTS start tags.
 */
#define EXTRACT_MAX_ATTRIBUTES 1000
#define EXTRACT_MAX_ATTRIBUTE_PAIRS 20000000
#define EXTRACT_MAX_ELEMENTS 500000

/* libxml2's HTML parser reads a name in pieces of at most 100 bytes
 * (HTML_PARSER_BUFFER_SIZE), each after the first an attribute of its own:
 * the rest of a long element name is an attribute, which may have a value.
 * (Its XML parser reads a name whole; counting pieces there counts too
 * many, which is safe.) */
#define NAME_PIECE 100

/* The states of libxml2's start-tag parser (htmlParseStartTag and
 * htmlParseAttribute; its XML parser ends a tag no later): */
enum {
	TAG_NAME,         /* the element's name */
	TAG_BETWEEN,      /* before an attribute, blanks skipped */
	TAG_BOGUS,        /* not a name: skipped up to a blank, ">" or "/>" */
	TAG_ATTR,         /* an attribute's name */
	TAG_AFTER_ATTR,   /* blanks after it, before "=" or not */
	TAG_BEFORE_VALUE, /* blanks after "=" */
	TAG_DQ,           /* a value in double quotes */
	TAG_SQ,           /* a value in single quotes */
	TAG_UNQUOTED,     /* a value without quotes: up to a blank or ">" */
	TAG_STATES,
	TAG_END = TAG_STATES
};

static int tag_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Name characters: libxml2's ASCII ones, and for its XML parser every
 * byte of a multibyte character too (its HTML parser takes those for no
 * name, and skips them as a bogus attribute). */
static int tag_name_start(unsigned char c, int xml)
{
	return (c < 0x80 && (isalpha(c) || c == '_' || c == ':' || c == '.')) || (xml && c >= 0x80);
}

static int tag_name_char(unsigned char c, int xml)
{
	return tag_name_start(c, xml) || (c < 0x80 && (isdigit(c) || c == '-'));
}

/* One byte `c` (then `next`) of a start tag in `state`: the state after it,
 * counting attributes in `*count` (`*run`: bytes of the current name). */
static int tag_step(int state, unsigned char c, unsigned char next, int xml, size_t *count, size_t *run)
{
	for (;;) {
		switch (state) {
		case TAG_NAME:
		case TAG_ATTR:
			if (!tag_name_char(c, xml)) {
				state = state == TAG_NAME ? TAG_BETWEEN : TAG_AFTER_ATTR;
				continue;
			}
			if (++*run > NAME_PIECE) {
				(*count)++;
				*run = 1;
				return TAG_ATTR;
			}
			return state;
		case TAG_BETWEEN:
		case TAG_BOGUS:
			if (c == '>' || (c == '/' && next == '>'))
				return TAG_END;
			if (tag_blank(c))
				return TAG_BETWEEN;
			if (state == TAG_BETWEEN && tag_name_start(c, xml)) {
				(*count)++;
				*run = 1;
				return TAG_ATTR;
			}
			return TAG_BOGUS;
		case TAG_AFTER_ATTR:
			if (tag_blank(c))
				return TAG_AFTER_ATTR;
			if (c == '=')
				return TAG_BEFORE_VALUE;
			state = TAG_BETWEEN;
			continue;
		case TAG_BEFORE_VALUE:
			if (tag_blank(c))
				return TAG_BEFORE_VALUE;
			if (c == '"')
				return TAG_DQ;
			if (c == '\'')
				return TAG_SQ;
			state = TAG_UNQUOTED;
			continue;
		case TAG_UNQUOTED:
			if (tag_blank(c) || c == '>') {
				state = TAG_BETWEEN;
				continue;
			}
			return TAG_UNQUOTED;
		case TAG_DQ:
			return c == '"' ? TAG_BETWEEN : TAG_DQ;
		case TAG_SQ:
			return c == '\'' ? TAG_BETWEEN : TAG_SQ;
		default:
			return TAG_END;
		}
	}
}

/* A start tag ended with `count` attributes. */
static void tag_done(stance_tag_counts *t, size_t count)
{
	if (count > t->max_attributes)
		t->max_attributes = count;
	t->attribute_pairs += count * (count - 1) / 2;
}

/*
 * Counts what libxml2 could make of the bytes, without knowing where its
 * tags are: a start tag is followed from every "<" before a name, whether
 * libxml2 would read one there (in a comment or a script it would not), in
 * one pass that keeps, for each state of the tag parser, the tag that has
 * the most attributes so far (tags in the same state read the rest alike).
 * So every element libxml2 makes has at most `max_attributes`, and there
 * are at most `elements`. `xml`: for its XML parser, else its HTML one.
 */
void stance_tag_count(stance_tag_counts *out, const char *data, size_t len, int xml)
{
	unsigned alive = 0; /* a bit for each state some tag is in */
	size_t count[TAG_STATES], run[TAG_STATES], i;
	const unsigned char *s = (const unsigned char *)data;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++) {
		unsigned nalive = 0, bits;
		size_t ncount[TAG_STATES], nrun[TAG_STATES];
		unsigned char c = s[i], next;
		if (!alive) {
			/* Outside every tag: on to the next "<". */
			const unsigned char *lt = memchr(s + i, '<', len - i);
			if (!lt)
				break;
			i = (size_t)(lt - s);
			c = '<';
		} else if (c != '<' && !(alive & (alive - 1))) {
			/* One tag, in a value, a name or blanks: bytes that change
			 * nothing but the length of a name go by. */
			int k = __builtin_ctz(alive);
			if (k == TAG_DQ || k == TAG_SQ) {
				unsigned char q = k == TAG_DQ ? '"' : '\'';
				while (i < len && s[i] != q && s[i] != '<')
					i++;
			} else if (k == TAG_BOGUS || k == TAG_UNQUOTED) {
				while (i < len && s[i] != '<' && s[i] != '>' && !tag_blank(s[i]) &&
				       !(k == TAG_BOGUS && s[i] == '/'))
					i++;
			} else if (k == TAG_NAME || k == TAG_ATTR) {
				while (i < len && run[k] < NAME_PIECE && tag_name_char(s[i], xml)) {
					run[k]++;
					i++;
				}
			} else {
				while (i < len && tag_blank(s[i]))
					i++;
			}
			if (i >= len)
				break;
			c = s[i];
		}
		next = i + 1 < len ? s[i + 1] : 0;
		for (bits = alive; bits; bits &= bits - 1) {
			int k = __builtin_ctz(bits), to;
			size_t cn = count[k], rn = run[k];
			to = tag_step(k, c, next, xml, &cn, &rn);
			if (to == TAG_END) {
				tag_done(out, cn);
				continue;
			}
			if (!(nalive & (1u << to))) {
				ncount[to] = cn;
				nrun[to] = rn;
			} else {
				if (cn > ncount[to])
					ncount[to] = cn;
				if (rn > nrun[to])
					nrun[to] = rn;
			}
			nalive |= 1u << to;
		}
		if (c == '<' && tag_name_start(next, xml)) {
			out->elements++;
			if (!(nalive & (1u << TAG_NAME)))
				ncount[TAG_NAME] = nrun[TAG_NAME] = 0;
			nalive |= 1u << TAG_NAME;
		}
		for (bits = nalive; bits; bits &= bits - 1) {
			int k = __builtin_ctz(bits);
			count[k] = ncount[k];
			run[k] = nrun[k];
		}
		alive = nalive;
	}
	for (; alive; alive &= alive - 1)
		tag_done(out, count[__builtin_ctz(alive)]);
}

/* Refuses bytes past the bounds, the message naming `url` (may be NULL)
 * and the `kind` ("page", "feed": read by the XML parser). */
static int check_tags(const char *data, size_t len, const char *url, const char *kind)
{
	stance_tag_counts t;
	const char *u = url ? url : "", *sep = url ? ": " : "";
	stance_tag_count(&t, data, len, !strcmp(kind, "feed"));
	if (t.max_attributes > EXTRACT_MAX_ATTRIBUTES)
		return stance_error_set(STANCE_EPARSE, "%s%san element of the %s has %zu attributes, more than the "
			"%d stance reads", u, sep, kind, t.max_attributes, EXTRACT_MAX_ATTRIBUTES);
	if (t.attribute_pairs > EXTRACT_MAX_ATTRIBUTE_PAIRS)
		return stance_error_set(STANCE_EPARSE, "%s%sthe %s has too many attributes on its elements "
			"(%zu pairs of attributes of one element to compare, more than the %d stance reads)", u, sep,
			kind, t.attribute_pairs, EXTRACT_MAX_ATTRIBUTE_PAIRS);
	if (t.elements > EXTRACT_MAX_ELEMENTS)
		return stance_error_set(STANCE_EPARSE, "%s%sthe %s has %zu elements, more than the %d stance reads",
			u, sep, kind, t.elements, EXTRACT_MAX_ELEMENTS);
	return 0;
}

static _Thread_local unsigned long parse_count;

unsigned long stance_extract_parse_count(void)
{
	return parse_count;
}

/* The parsed page; the caller frees it with xmlFreeDoc. */
static xmlDoc *parse_html(const char *utf8, size_t len, const char *url)
{
	xmlGenericErrorFunc handler = silence;
	htmlParserCtxtPtr ctxt;
	initGenericErrorDefaultFunc(&handler);
	pthread_once(&parser_key_once, parser_key_make);
	if (!(ctxt = pthread_getspecific(parser_key))) {
		if (!(ctxt = htmlNewParserCtxt()))
			return NULL;
		pthread_setspecific(parser_key, ctxt);
	}
	parse_count++;
	return htmlCtxtReadMemory(ctxt, utf8, (int)len, url, "UTF-8",
		HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
}

static int eval_rule(xmlXPathObject **out, xmlDoc *doc, const char *rule, const char *what, const char *url)
{
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	xmlStructuredErrorFunc none = NULL;
	if (!ctx)
		return stance_error_oom();
	xmlSetStructuredErrorFunc(NULL, none);
	*out = xmlXPathEvalExpression((const xmlChar *)rule, ctx);
	xmlXPathFreeContext(ctx);
	if (!*out)
		return stance_error_set(STANCE_EINVALID, "the %s rule '%s' is not a valid XPath expression%s%s",
			what, rule, url ? " (for " : "", url ? url : "");
	return 0;
}

int stance_xpath_validate(const char *rule)
{
	xmlXPathCompExpr *c;
	xmlGenericErrorFunc handler = silence;
	initGenericErrorDefaultFunc(&handler);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!rule || !*rule || !(c = xmlXPathCompile((const xmlChar *)rule)))
		return stance_error_set(STANCE_EINVALID, "'%s' is not a valid XPath expression", rule ? rule : "");
	xmlXPathFreeCompExpr(c);
	return 0;
}

static int apply_remove(xmlDoc *doc, const stance_extract_options *o)
{
	size_t r;
	int i, error;
	for (r = 0; r < o->remove_count; r++) {
		xmlXPathObject *res;
		xmlNodeSet *set;
		if ((error = eval_rule(&res, doc, o->remove[r], "remove", o->url)) < 0)
			return error;
		set = res->nodesetval;
		if (set) {
			for (i = 0; i < set->nodeNr; i++)
				if (set->nodeTab[i]->type == XML_ELEMENT_NODE || set->nodeTab[i]->type == XML_TEXT_NODE)
					xmlUnlinkNode(set->nodeTab[i]);
				else
					set->nodeTab[i] = NULL;
			for (i = 0; i < set->nodeNr; i++)
				if (set->nodeTab[i]) {
					xmlFreeNode(set->nodeTab[i]);
					set->nodeTab[i] = NULL;
				}
		}
		xmlXPathFreeObject(res);
	}
	return 0;
}

/* The nodes the select rules match, moved into one new div. */
static int apply_select(xmlNode **out, xmlDoc *doc, const stance_extract_options *o)
{
	xmlNode *div = xmlNewDocNode(doc, NULL, (const xmlChar *)"div", NULL);
	size_t r;
	int i, error = 0, found = 0;
	*out = NULL;
	if (!div)
		return stance_error_oom();
	for (r = 0; r < o->select_count; r++) {
		xmlXPathObject *res;
		xmlNodeSet *set;
		if ((error = eval_rule(&res, doc, o->select[r], "select", o->url)) < 0)
			goto done;
		set = res->nodesetval;
		for (i = 0; set && i < set->nodeNr; i++) {
			xmlNode *n = set->nodeTab[i], *a;
			int inside = 0;
			if (n->type != XML_ELEMENT_NODE)
				continue;
			/* Already taken with an ancestor matched before? */
			for (a = n; a; a = a->parent)
				if (a == div)
					inside = 1;
			if (inside)
				continue;
			xmlUnlinkNode(n);
			xmlAddChild(div, n);
			found++;
		}
		xmlXPathFreeObject(res);
	}
	if (!found) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s%sthe select rules matched nothing",
			o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	*out = div;
	div = NULL;
done:
	if (div)
		xmlFreeNode(div);
	return error;
}

/* Sets the published date from free text: the longest ISO prefix that
 * stance_date_parse accepts. */
static void set_published(stance_document *d, const char *text)
{
	static const size_t lens[] = { 0, 25, 19, 16, 10, 7, 4 };
	char buf[64];
	size_t i;
	stance_date date;
	while (*text && is_space((unsigned char)*text))
		text++;
	for (i = 0; i < STANCE_ARRAY_SIZE(lens); i++) {
		stance_buf f = STANCE_BUF_INIT;
		snprintf(buf, sizeof(buf), "%s", text);
		if (lens[i] && lens[i] < sizeof(buf))
			buf[lens[i]] = '\0';
		if (stance_date_parse(&date, buf) == 0 && stance_date_format(&f, &date) == 0 &&
		    stance_document_set(d, "published", f.ptr) == 0) {
			stance_buf_dispose(&f);
			stance_error_clear();
			return;
		}
		stance_buf_dispose(&f);
	}
	stance_error_clear();
}

/* The byline without a leading "By"/"Af" and trailing dashes; caller frees. */
static char *clean_byline(const char *s)
{
	static const char *const prefixes[] = { "by ", "af ", "skrevet af ", "written by ", NULL };
	size_t i;
	char *b = stance_strdup(s);
	if (!b)
		return NULL;
	trim_inplace(b);
	/* Dashes and bullets left at the end go. */
	for (;;) {
		size_t n = strlen(b);
		if (n >= 3 && (!strcmp(b + n - 3, "\xe2\x80\x94") || !strcmp(b + n - 3, "\xe2\x80\x93") ||
		    !strcmp(b + n - 3, "\xe2\x80\xa2")))
			b[n - 3] = '\0';
		else if (n && strchr("-|,;:", b[n - 1]))
			b[n - 1] = '\0';
		else
			break;
		trim_inplace(b);
	}
	for (i = 0; prefixes[i]; i++)
		if (!strncasecmp(b, prefixes[i], strlen(prefixes[i]))) {
			memmove(b, b + strlen(prefixes[i]), strlen(b) - strlen(prefixes[i]) + 1);
			trim_inplace(b);
			break;
		}
	return b;
}

int stance_extract_html(stance_document **out, const char *data, size_t len,
	const stance_extract_options *opts)
{
	stance_extract_options defaults = STANCE_EXTRACT_OPTIONS_INIT;
	const stance_extract_options *o = opts ? opts : &defaults;
	stance_buf utf8 = STANCE_BUF_INIT, md = STANCE_BUF_INIT, best = STANCE_BUF_INIT;
	metadata meta;
	const patterns *pat = NULL;
	xmlDoc *page = NULL;
	xmlNode *content = NULL;
	stance_document *d = NULL;
	char *byline = NULL, *base_url = NULL;
	size_t best_len = 0, lens[4] = { 0 };
	stance_buf tries[4] = { STANCE_BUF_INIT, STANCE_BUF_INIT, STANCE_BUF_INIT, STANCE_BUF_INIT };
	int error, attempt, ntries = 0;
	static const int attempts[] = {
		FLAG_STRIP_UNLIKELYS | FLAG_WEIGHT_CLASSES | FLAG_CLEAN_CONDITIONALLY,
		FLAG_WEIGHT_CLASSES | FLAG_CLEAN_CONDITIONALLY,
		FLAG_CLEAN_CONDITIONALLY,
		0,
	};

	memset(&meta, 0, sizeof(meta));
	*out = NULL;
	if ((error = stance_html_to_utf8(&utf8, data, len, o->content_type, NULL, 0)) < 0)
		goto done;
	if (!utf8.size) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s%sthe page is empty", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	if ((error = patterns_get(&pat)) < 0)
		goto done;
	if (utf8.size > INT_MAX) {
		error = stance_error_set(STANCE_EPARSE, "%s%sthe page is too large to read", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	if ((error = check_tags(utf8.ptr, utf8.size, o->url, "page")) < 0)
		goto done;

	/* The page is parsed once: its metadata read, the remove rules and the
	 * chrome applied, then each pass of the finder works on it and undoes
	 * its changes after. */
	if (!(page = parse_html(utf8.ptr, utf8.size, o->url))) {
		error = stance_error_set(STANCE_EPARSE, "%s%scannot parse the page as HTML", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	{
		xmlNode *base_el = find_first(xmlDocGetRootElement(page), "base");
		const char *href = base_el ? attr(base_el, "href") : NULL;
		read_metadata(&meta, page);
		/* <base href> decides where relative links point. */
		if (href && *href) {
			xmlChar *abs = o->url ? xmlBuildURI((const xmlChar *)href, (const xmlChar *)o->url)
				: xmlStrdup((const xmlChar *)href);
			if (abs) {
				base_url = stance_strdup((const char *)abs);
				xmlFree(abs);
			}
		}
	}
	if ((error = apply_remove(page, o)) < 0)
		goto done;
	strip_chrome(xmlDocGetRootElement(page));

	for (attempt = 0; attempt < (int)STANCE_ARRAY_SIZE(attempts); attempt++) {
		finder f;
		size_t n, cl = 0;
		memset(&f, 0, sizeof(f));
		f.pat = pat;
		f.flags = attempts[attempt];
		f.title = meta.title;
		if (o->select_count) {
			/* One pass, which moves the nodes matched: the page is done. */
			if ((error = apply_select(&content, page, o)) < 0)
				goto done;
		} else
			content = grab_article(&f, page);
		stance_buf_clear(&md);
		/* Links alone (a menu, a list of other pages) are no content. */
		if (content && !f.oom && link_density_ex(content, &cl, NULL) < 0.999 && cl)
			error = content_markdown(&md, content, base_url ? base_url : o->url, utf8.size, o->url);
		undo_moves(&f);
		clear_private(xmlDocGetRootElement(page));
		if (content)
			xmlFreeNode(content);
		content = NULL;
		free(f.slots);
		free(f.moves);
		if (f.byline && !byline)
			byline = f.byline;
		else
			free(f.byline);
		if (!error && f.oom)
			error = stance_error_oom();
		if (error < 0)
			goto done;
		n = utf8_len(stance_buf_cstr(&md), md.size);
		tries[attempt] = md;
		lens[attempt] = n;
		memset(&md, 0, sizeof(md));
		ntries = attempt + 1;
		/* Readability's threshold: 500 characters, else try looser. */
		if (o->select_count || n >= 500)
			break;
	}
	/* The first attempt long enough wins; when none is, the strictest one
	 * that kept at least half of the longest one's text, so a short page does not
	 * pull its chrome back in. */
	{
		size_t longest = 0, pick = 0;
		int k;
		for (k = 0; k < ntries; k++)
			if (lens[k] > longest)
				longest = lens[k];
		for (k = 0; k < ntries; k++)
			if (lens[k] >= 500 || (longest && lens[k] * 2 >= longest)) {
				pick = (size_t)k;
				break;
			}
		if (ntries && lens[pick]) {
			stance_buf_put(&best, stance_buf_cstr(&tries[pick]), tries[pick].size);
			best_len = lens[pick];
		}
	}
	if (!best_len) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s%sextraction found nothing", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}

	if ((error = stance_document_new(&d)) < 0)
		goto done;
	if ((error = stance_document_set_body(d, best.ptr, best.size)) < 0)
		goto done;
	if (!*stance_document_body(d)) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s%sextraction found nothing", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	if (meta.title) {
		stance_buf t = STANCE_BUF_INIT;
		int sp = 1;
		put_collapsed(&t, meta.title, &sp);
		if (t.ptr)
			trim_inplace(t.ptr);
		if (t.ptr && *t.ptr && (error = stance_document_set(d, "title", t.ptr)) < 0) {
			stance_buf_dispose(&t);
			goto done;
		}
		stance_buf_dispose(&t);
	}
	{
		/* Several authors (from JSON-LD) come one a line. */
		const char *by = meta.byline ? meta.byline : byline;
		while (by && *by) {
			size_t n = strcspn(by, "\n");
			char *one = stance_strndup(by, n), *clean = one ? clean_byline(one) : NULL;
			free(one);
			if (clean && *clean && (error = stance_document_add_author(d, clean)) < 0) {
				free(clean);
				goto done;
			}
			free(clean);
			by += n;
			if (*by)
				by++;
		}
	}
	if (meta.published)
		set_published(d, meta.published);
	/* The primary language alone, checked by language_primary; a field
	 * the document will not take stays unset. */
	if (meta.lang && stance_document_set(d, "language", meta.lang) < 0)
		stance_error_clear();
	if (meta.site_name)
		stance_document_set(d, "publication", meta.site_name);
	if (o->url) {
		stance_buf u = STANCE_BUF_INIT;
		if ((error = stance_url_clean(&u, o->url)) < 0 ||
		    (error = stance_document_set(d, "source", u.ptr)) < 0) {
			stance_buf_dispose(&u);
			goto done;
		}
		stance_buf_dispose(&u);
	}
	*out = d;
	d = NULL;
	error = 0;
done:
	if (content)
		xmlFreeNode(content);
	if (page)
		xmlFreeDoc(page);
	stance_document_free(d);
	free(byline);
	free(base_url);
	metadata_free(&meta);
	stance_buf_dispose(&utf8);
	stance_buf_dispose(&md);
	stance_buf_dispose(&best);
	for (attempt = 0; attempt < 4; attempt++)
		stance_buf_dispose(&tries[attempt]);
	return error;
}

/* ------------------------------------------------------------------ */
/* Feeds                                                                */

/* The element's name, borrowed from the tree; "" for other nodes. */
static const char *local(const xmlNode *n)
{
	return n && n->type == XML_ELEMENT_NODE ? NAME(n) : "";
}

/* The first child element of `n` called `name`; borrowed, or NULL. */
static xmlNode *child_named(xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp(local(n), name))
			return n;
	return NULL;
}

static int emit_item(const char *href, xmlNode *title_node, const char *feed_url,
	int (*cb)(const char *, const char *, void *), void *payload)
{
	xmlChar *t = title_node ? xmlNodeGetContent(title_node) : NULL;
	char *url = absolute_url(href, feed_url);
	stance_buf tb = STANCE_BUF_INIT;
	int rc = 0, sp = 1;
	if (t) {
		put_collapsed(&tb, (const char *)t, &sp);
		if (tb.ptr)
			trim_inplace(tb.ptr);
	}
	if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)))
		rc = cb(url, tb.size ? tb.ptr : NULL, payload);
	free(url);
	xmlFree(t);
	stance_buf_dispose(&tb);
	return rc;
}

/*
 * A feed that declares entities of its own (<!ENTITY …> in its DOCTYPE) is
 * refused at the first declaration, before anything is expanded: no feed
 * needs them, and they are how a feed asks for gigabytes (an entity of
 * entities, or one entity referenced 50,000 times: libxml2 2.9 has no
 * xmlCtxtSetMaxAmplification) or for a local file (SYSTEM "file:///…").
 * The parser stops; `_private` of its context says why.
 */
static void feed_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
	const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	*(int *)ctxt->_private = 1;
	xmlStopParser(ctxt);
}

static void feed_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
	const xmlChar *system_id, const xmlChar *notation)
{
	feed_entity_decl(ctx, name, 0, public_id, system_id, NULL);
}

int stance_feed_parse(const char *data, size_t len, const char *feed_url,
	int (*cb)(const char *url, const char *title, void *payload), void *payload)
{
	xmlGenericErrorFunc handler = silence;
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	xmlNode *root, *n;
	int rc = 0, entities = 0;
	initGenericErrorDefaultFunc(&handler);
	if (len > INT_MAX)
		return stance_error_set(STANCE_EPARSE, "%s: the feed is too large to read", feed_url ? feed_url : "feed");
	if ((rc = check_tags(data, len, feed_url ? feed_url : "feed", "feed")) < 0)
		return rc;
	if (!(ctxt = xmlNewParserCtxt()))
		return stance_error_oom();
	/* XML_PARSE_NOENT, XML_PARSE_DTDLOAD and XML_PARSE_HUGE stay off:
	 * entities are not substituted, no DTD is loaded, libxml2's limits on
	 * names and text hold. */
	ctxt->sax->entityDecl = feed_entity_decl;
	ctxt->sax->unparsedEntityDecl = feed_unparsed_entity_decl;
	ctxt->_private = &entities;
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, feed_url, NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER | XML_PARSE_NOCDATA);
	xmlFreeParserCtxt(ctxt);
	if (entities) {
		if (doc)
			xmlFreeDoc(doc);
		return stance_error_set(STANCE_EPARSE, "%s: the feed declares entities of its own (<!ENTITY …>), "
			"which stance does not read", feed_url ? feed_url : "feed");
	}
	if (!doc || !(root = xmlDocGetRootElement(doc))) {
		if (doc)
			xmlFreeDoc(doc);
		return stance_error_set(STANCE_EPARSE, "%s: not a feed (cannot parse it as XML)", feed_url ? feed_url : "feed");
	}
	if (!strcmp(local(root), "rss") || !strcmp(local(root), "RDF")) {
		xmlNode *channel = child_named(root, "channel");
		xmlNode *holder = !strcmp(local(root), "RDF") ? root : channel;
		for (n = holder ? holder->children : NULL; n && !rc; n = n->next) {
			xmlNode *link, *guid;
			xmlChar *href = NULL;
			if (strcmp(local(n), "item"))
				continue;
			if ((link = child_named(n, "link")))
				href = xmlNodeGetContent(link);
			if ((!href || !*href) && (guid = child_named(n, "guid"))) {
				xmlFree(href);
				href = xmlNodeGetContent(guid);
			}
			if (href)
				rc = emit_item((const char *)href, child_named(n, "title"), feed_url, cb, payload);
			xmlFree(href);
		}
	} else if (!strcmp(local(root), "feed")) {
		for (n = root->children; n && !rc; n = n->next) {
			xmlNode *l;
			const char *href = NULL;
			if (strcmp(local(n), "entry"))
				continue;
			for (l = n->children; l; l = l->next) {
				const char *rel;
				if (strcmp(local(l), "link"))
					continue;
				rel = attr(l, "rel");
				if (!rel || !strcmp(rel, "alternate")) {
					href = attr(l, "href");
					break;
				}
			}
			if (href)
				rc = emit_item(href, child_named(n, "title"), feed_url, cb, payload);
		}
	} else if (!strcmp(local(root), "sitemapindex")) {
		xmlFreeDoc(doc);
		return stance_error_set(STANCE_EPARSE, "%s: a sitemap index, not a sitemap; add the sitemaps it lists one by one",
			feed_url ? feed_url : "feed");
	} else if (!strcmp(local(root), "urlset")) {
		for (n = root->children; n && !rc; n = n->next) {
			xmlNode *loc = child_named(n, "loc");
			xmlChar *href;
			if (!loc)
				continue;
			href = xmlNodeGetContent(loc);
			if (href) {
				char *h = stance_strdup((const char *)href);
				if (h) {
					trim_inplace(h);
					rc = emit_item(h, NULL, feed_url, cb, payload);
				}
				free(h);
			}
			xmlFree(href);
		}
	} else {
		rc = stance_error_set(STANCE_EPARSE, "%s: not an RSS 2.0 feed, an Atom feed or a sitemap (root element <%s>)",
			feed_url ? feed_url : "feed", local(root));
	}
	xmlFreeDoc(doc);
	return rc;
}
