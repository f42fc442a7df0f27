/*
 * extract_feed.c: the items of a feed (RSS 2.0, RSS 1.0, Atom) or a sitemap,
 * with the date each gives itself, read with libxml2's XML parser, no
 * entities of its own allowed.
 */
#include "extract_internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <libxml/parser.h>

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

/*
 * An RFC 822 date, as RSS 2.0's <pubDate> has it ("Fri, 04 Dec 2020
 * 10:00:00 +0100"), in ISO form with its own zone, to `out`; -1 when it is
 * not one. (curl_getdate reads these too, but gives UTC only, and the day a
 * document was published is the day in its own zone; extract does not link
 * libcurl either.) A two-digit year is read as RFC 822 had it; a zone
 * named by letters is one of RFC 822's, an unknown one UTC.
 */
static int rfc822_date(stance_buf *out, const char *s)
{
	static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
		"oct", "nov", "dec" };
	static const struct { const char *name; int minutes; } zones[] = { { "GMT", 0 }, { "UT", 0 }, { "UTC", 0 },
		{ "Z", 0 }, { "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 }, { "MST", -420 },
		{ "MDT", -360 }, { "PST", -480 }, { "PDT", -420 } };
	char mon[4] = "", iso[64];
	int day, year, hh, mm, ss = 0, n = 0, month, tz = 0;
	size_t i;
	stance_date d;
	const char *comma = strchr(s, ',');
	if (comma)
		s = comma + 1;
	if (sscanf(s, " %d %3[A-Za-z] %d %d:%d%n", &day, mon, &year, &hh, &mm, &n) < 5 || !n)
		return -1;
	s += n;
	if (*s == ':' && sscanf(s, ":%d%n", &ss, &n) == 1)
		s += n;
	for (month = 0; month < 12 && strcasecmp(mon, months[month]); month++)
		;
	if (month == 12)
		return -1;
	if (year < 100)
		year += year < 50 ? 2000 : 1900;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4])) {
		tz = ((s[1] - '0') * 10 + (s[2] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
		if (*s == '-')
			tz = -tz;
	} else {
		for (i = 0; i < STANCE_ARRAY_SIZE(zones); i++)
			if (!strncasecmp(s, zones[i].name, strlen(zones[i].name)))
				tz = zones[i].minutes;
	}
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month + 1, day, hh, mm, ss,
		tz < 0 ? '-' : '+', (tz < 0 ? -tz : tz) / 60, (tz < 0 ? -tz : tz) % 60);
	stance_buf_clear(out);
	if (stance_date_parse(&d, iso) < 0 || stance_date_format(out, &d) < 0) {
		stance_error_clear();
		stance_buf_clear(out);
		return -1;
	}
	return 0;
}

/* The date an item gives itself: RSS 2.0's <pubDate>, Atom's <published>
 * (else <updated>), Dublin Core's <dc:date> (RSS 1.0, and RSS 2.0 feeds
 * that use it), a sitemap's <lastmod>; the first that reads as a date, in
 * ISO form, to `out`. */
static void item_date(stance_buf *out, xmlNode *item)
{
	static const char *const names[] = { "pubDate", "published", "date", "updated", "lastmod" };
	size_t i;
	for (i = 0; item && i < STANCE_ARRAY_SIZE(names); i++) {
		xmlNode *n = child_named(item, names[i]);
		xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
		int found = t && (extract_date_text(out, (const char *)t) == 0 || rfc822_date(out, (const char *)t) == 0);
		xmlFree(t);
		if (found)
			return;
	}
	stance_buf_clear(out);
}

static int emit_item(const char *href, xmlNode *title_node, xmlNode *item, const char *feed_url,
	int (*cb)(const stance_feed_item *, void *), void *payload)
{
	xmlChar *t = title_node ? xmlNodeGetContent(title_node) : NULL;
	char *url = extract_absolute_url(href, feed_url);
	stance_buf tb = STANCE_BUF_INIT, date = STANCE_BUF_INIT;
	stance_feed_item it;
	int rc = 0, sp = 1;
	if (t) {
		extract_put_collapsed(&tb, (const char *)t, &sp);
		if (tb.ptr)
			extract_trim_inplace(tb.ptr);
	}
	item_date(&date, item);
	if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8))) {
		it.url = url;
		it.title = tb.size ? tb.ptr : NULL;
		it.published = date.size ? date.ptr : NULL;
		rc = cb(&it, payload);
	}
	free(url);
	xmlFree(t);
	stance_buf_dispose(&tb);
	stance_buf_dispose(&date);
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

/* stance_feed_parse's callback and payload, for stance_feed_parse_items */
typedef struct {
	int (*cb)(const char *url, const char *title, void *payload);
	void *payload;
} url_title_cb;

static int to_url_title(const stance_feed_item *item, void *payload)
{
	url_title_cb *c = payload;
	return c->cb(item->url, item->title, c->payload);
}

int stance_feed_parse(const char *data, size_t len, const char *feed_url,
	int (*cb)(const char *url, const char *title, void *payload), void *payload)
{
	url_title_cb c = { cb, payload };
	return stance_feed_parse_items(data, len, feed_url, to_url_title, &c);
}

int stance_feed_parse_items(const char *data, size_t len, const char *feed_url,
	int (*cb)(const stance_feed_item *item, void *payload), void *payload)
{
	xmlGenericErrorFunc handler = extract_silence;
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	xmlNode *root, *n;
	int rc = 0, entities = 0;
	initGenericErrorDefaultFunc(&handler);
	if (len > INT_MAX)
		return stance_error_set(STANCE_EPARSE, "%s: the feed is too large to read", feed_url ? feed_url : "feed");
	if ((rc = extract_check_tags(data, len, feed_url ? feed_url : "feed", "feed")) < 0)
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
				rc = emit_item((const char *)href, child_named(n, "title"), n, feed_url, cb, payload);
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
				rel = extract_attr(l, "rel");
				if (!rel || !strcmp(rel, "alternate")) {
					href = extract_attr(l, "href");
					break;
				}
			}
			if (href)
				rc = emit_item(href, child_named(n, "title"), n, feed_url, cb, payload);
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
					extract_trim_inplace(h);
					rc = emit_item(h, NULL, n, feed_url, cb, payload);
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
