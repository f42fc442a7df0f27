/*
 * extract_feed.c: the items of a feed (RSS 2.0, RSS 1.0, Atom) or a sitemap,
 * read with libxml2's XML parser, no entities of its own allowed.
 */
#include "extract_internal.h"

#include <limits.h>
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

static int emit_item(const char *href, xmlNode *title_node, const char *feed_url,
	int (*cb)(const char *, const char *, void *), void *payload)
{
	xmlChar *t = title_node ? xmlNodeGetContent(title_node) : NULL;
	char *url = extract_absolute_url(href, feed_url);
	stance_buf tb = STANCE_BUF_INIT;
	int rc = 0, sp = 1;
	if (t) {
		extract_put_collapsed(&tb, (const char *)t, &sp);
		if (tb.ptr)
			extract_trim_inplace(tb.ptr);
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
				rel = extract_attr(l, "rel");
				if (!rel || !strcmp(rel, "alternate")) {
					href = extract_attr(l, "href");
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
					extract_trim_inplace(h);
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
