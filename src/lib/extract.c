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
 *
 * This file holds the string helpers the module's files share, its URL
 * clean-up, the parser and the bounds checked before it, and the whole
 * extraction (stance_extract_html); each step is a file of its own
 * (extract_internal.h lists them).
 */
#include "extract_internal.h"
#include "url.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

/* ------------------------------------------------------------------ */
/* Small string helpers                                                 */

int extract_name_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcasecmp(NAME(n), name);
}

int extract_name_in(const xmlNode *n, const char *const *list)
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
const char *extract_attr(const xmlNode *n, const char *name)
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

int extract_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends `s` with runs of white space (and no-break spaces) made one
 * space; `*last_space` carries whether the output ends in a space. */
void extract_put_collapsed(stance_buf *b, const char *s, int *last_space)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (extract_is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
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
			extract_put_collapsed(b, (const char *)n->content, last_space);
		else if (n->type == XML_ELEMENT_NODE && n->children)
			text_walk(b, n->children, last_space);
	}
}

/* The node's text, white space collapsed and trimmed, appended to `b`. */
void extract_inner_text(stance_buf *b, const xmlNode *n)
{
	int last_space = 1;
	size_t start = b->size;
	if (n->type == XML_TEXT_NODE)
		extract_put_collapsed(b, (const char *)n->content, &last_space);
	else
		text_walk(b, n->children, &last_space);
	while (b->size > start && b->ptr[b->size - 1] == ' ')
		b->ptr[--b->size] = '\0';
}

/* Characters (not bytes) of UTF-8 text. */
size_t extract_utf8_len(const char *s, size_t n)
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
				if (extract_is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
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

/* Length in characters of the node's normalised text (as extract_inner_text gives
 * it), and its commas; without building the text. */
size_t extract_text_len(const xmlNode *n, size_t *commas)
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
		len--; /* the trailing space extract_inner_text trims */
	if (commas)
		*commas = c;
	return len;
}

size_t extract_word_count(const char *s)
{
	size_t n = 0;
	int in = 0;
	for (; *s; s++) {
		if (extract_is_space((unsigned char)*s))
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

void extract_trim_inplace(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && extract_is_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (s[i] && extract_is_space((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
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

/* The length of the scheme `s` starts with and its ':' (RFC 3986: a
 * letter, then letters, digits, '+', '-' and '.'); 0 for a relative link. */
static size_t scheme_length(const char *s)
{
	size_t i = 0;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i + 1 : 0;
}

/* Whether `s` starts "scheme://": the URLs the URL module reads. A link
 * with another scheme (mailto:, tel:, urn:) is no business of it: curl_url()
 * would make "mailto:/dev/null@host" "mailto://dev/…". */
static int has_authority(const char *s)
{
	size_t n = scheme_length(s);
	return n && !strncmp(s + n, "//", 2);
}

/*
 * The URL module (url.h) reads a "scheme://" URL and puts it in its normal
 * form without credentials; one it cannot parse is kept as written less
 * the user-info (as a message shows it), and any other link as written.
 * Then the path parameters and query parameters of sessions and tracking
 * go.
 */
int stance_url_clean(stance_buf *out, const char *url)
{
	stance_buf norm = STANCE_BUF_INIT;
	const char *p, *q, *hash, *sep;
	size_t n, first = 1;
	int error;
	if (!has_authority(url))
		error = stance_buf_puts(&norm, url);
	else if ((error = stance_url_normalize(&norm, url, STANCE_URL_NO_CREDENTIALS)) == STANCE_EINVALID) {
		stance_error_clear();
		stance_buf_clear(&norm);
		error = stance_url_for_message(&norm, url);
	}
	if (error < 0)
		goto done;
	sep = strstr(stance_buf_cstr(&norm), "://");
	p = sep ? sep + 3 : stance_buf_cstr(&norm);
	if ((error = stance_buf_put(out, stance_buf_cstr(&norm), (size_t)(p - stance_buf_cstr(&norm)))) < 0)
		goto done;
	/* ";jsessionid=…" path parameters go. */
	q = p + strcspn(p, "?#");
	{
		const char *semi = memchr(p, ';', (size_t)(q - p));
		if (semi && (!strncasecmp(semi + 1, "jsessionid=", 11) || !strncasecmp(semi + 1, "sid=", 4)))
			error = stance_buf_put(out, p, (size_t)(semi - p));
		else
			error = stance_buf_put(out, p, (size_t)(q - p));
		if (error < 0)
			goto done;
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
	error = 0;
done:
	stance_buf_dispose(&norm);
	return error;
}

/* An absolute, cleaned link for `href` against `base`, joined by the URL
 * module when it is relative or "scheme://"; caller frees. Another link
 * (mailto:, tel:) or one it cannot read against the base (a malformed URL)
 * is kept as written, cleaned. NULL for links that lead nowhere a reader
 * can follow (javascript:, empty). */
char *extract_absolute_url(const char *href, const char *base)
{
	stance_buf abs = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	char *h;
	if (!href)
		return NULL;
	h = stance_strdup(href);
	if (!h)
		return NULL;
	extract_trim_inplace(h);
	if (!*h || !strncasecmp(h, "javascript:", 11) || !strncasecmp(h, "data:", 5)) {
		free(h);
		return NULL;
	}
	if (base && (!scheme_length(h) || has_authority(h)) && stance_url_join(&abs, base, h, 0) < 0) {
		stance_error_clear();
		stance_buf_clear(&abs);
	}
	stance_url_clean(&b, abs.size ? abs.ptr : h);
	stance_buf_dispose(&abs);
	free(h);
	return stance_buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* Rules and the whole extraction                                       */

void extract_silence(void *ctx, const char *msg, ...)
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
int extract_check_tags(const char *data, size_t len, const char *url, const char *kind)
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
	xmlGenericErrorFunc handler = extract_silence;
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

int extract_date_text(stance_buf *out, const char *text)
{
	static const size_t lens[] = { 0, 25, 19, 16, 10, 7, 4 };
	char buf[64];
	size_t i;
	stance_date date;
	while (*text && extract_is_space((unsigned char)*text))
		text++;
	for (i = 0; i < STANCE_ARRAY_SIZE(lens); i++) {
		snprintf(buf, sizeof(buf), "%s", text);
		if (lens[i] && lens[i] < sizeof(buf))
			buf[lens[i]] = '\0';
		stance_buf_clear(out);
		if (stance_date_parse(&date, buf) == 0 && stance_date_format(out, &date) == 0) {
			stance_error_clear();
			return 0;
		}
	}
	stance_buf_clear(out);
	stance_error_clear();
	return -1;
}

/* Sets the published date from free text: the longest ISO prefix that
 * stance_date_parse accepts. */
static void set_published(stance_document *d, const char *text)
{
	stance_buf f = STANCE_BUF_INIT;
	if (extract_date_text(&f, text) == 0 && stance_document_set(d, "published", f.ptr) < 0)
		stance_error_clear();
	stance_buf_dispose(&f);
}

/* The byline without a leading "By"/"Af" and trailing dashes; caller frees. */
static char *clean_byline(const char *s)
{
	static const char *const prefixes[] = { "by ", "af ", "skrevet af ", "written by ", NULL };
	size_t i;
	char *b = stance_strdup(s);
	if (!b)
		return NULL;
	extract_trim_inplace(b);
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
		extract_trim_inplace(b);
	}
	for (i = 0; prefixes[i]; i++)
		if (!strncasecmp(b, prefixes[i], strlen(prefixes[i]))) {
			memmove(b, b + strlen(prefixes[i]), strlen(b) - strlen(prefixes[i]) + 1);
			extract_trim_inplace(b);
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
	STANCE_CHECK_OPTIONS(opts, STANCE_EXTRACT_OPTIONS_VERSION, "stance_extract_options");

	memset(&meta, 0, sizeof(meta));
	*out = NULL;
	if ((error = stance_html_to_utf8(&utf8, data, len, o->content_type, NULL, 0)) < 0)
		goto done;
	if (!utf8.size) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s%sthe page is empty", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	if ((error = extract_patterns_get(&pat)) < 0)
		goto done;
	if (utf8.size > INT_MAX) {
		error = stance_error_set(STANCE_EPARSE, "%s%sthe page is too large to read", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	if ((error = extract_check_tags(utf8.ptr, utf8.size, o->url, "page")) < 0)
		goto done;

	/* The page is parsed once: its metadata read, the remove rules and the
	 * chrome applied, then each pass of the finder works on it and undoes
	 * its changes after. */
	if (!(page = parse_html(utf8.ptr, utf8.size, o->url))) {
		error = stance_error_set(STANCE_EPARSE, "%s%scannot parse the page as HTML", o->url ? o->url : "", o->url ? ": " : "");
		goto done;
	}
	{
		xmlNode *base_el = extract_find_first(xmlDocGetRootElement(page), "base");
		const char *href = base_el ? extract_attr(base_el, "href") : NULL;
		extract_read_metadata(&meta, page);
		/* <base href> decides where relative links point. */
		if (href && *href && !o->url)
			base_url = stance_strdup(href);
		else if (href && *href) {
			stance_buf b = STANCE_BUF_INIT;
			if (stance_url_join(&b, o->url, href, 0) == 0)
				base_url = stance_buf_detach(&b);
			else
				stance_error_clear();
			stance_buf_dispose(&b);
		}
	}
	if ((error = extract_apply_remove(page, o)) < 0)
		goto done;
	extract_strip_chrome(xmlDocGetRootElement(page));

	for (attempt = 0; attempt < (int)STANCE_ARRAY_SIZE(attempts); attempt++) {
		finder f;
		size_t n, cl = 0;
		memset(&f, 0, sizeof(f));
		f.pat = pat;
		f.flags = attempts[attempt];
		f.title = meta.title;
		if (o->select_count) {
			/* One pass, which moves the nodes matched: the page is done. */
			if ((error = extract_apply_select(&content, page, o)) < 0)
				goto done;
		} else
			content = extract_grab_article(&f, page);
		stance_buf_clear(&md);
		/* Links alone (a menu, a list of other pages) are no content. */
		if (content && !f.oom && extract_link_density_ex(content, &cl, NULL) < 0.999 && cl)
			error = extract_content_markdown(&md, content, base_url ? base_url : o->url, utf8.size, o->url);
		extract_undo_moves(&f);
		extract_clear_private(xmlDocGetRootElement(page));
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
		n = extract_utf8_len(stance_buf_cstr(&md), md.size);
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
		extract_put_collapsed(&t, meta.title, &sp);
		if (t.ptr)
			extract_trim_inplace(t.ptr);
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
	extract_metadata_free(&meta);
	stance_buf_dispose(&utf8);
	stance_buf_dispose(&md);
	stance_buf_dispose(&best);
	for (attempt = 0; attempt < 4; attempt++)
		stance_buf_dispose(&tries[attempt]);
	return error;
}
