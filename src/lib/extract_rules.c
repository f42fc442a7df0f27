/*
 * extract_rules.c: a source's XPath rules: the remove rules that take nodes
 * out of a page, the select rules that say where its content is.
 */
#include "extract_internal.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

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
	xmlGenericErrorFunc handler = extract_silence;
	initGenericErrorDefaultFunc(&handler);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!rule || !*rule || !(c = xmlXPathCompile((const xmlChar *)rule)))
		return stance_error_set(STANCE_EINVALID, "'%s' is not a valid XPath expression", rule ? rule : "");
	xmlXPathFreeCompExpr(c);
	return 0;
}

int extract_apply_remove(xmlDoc *doc, const stance_extract_options *o)
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
int extract_apply_select(xmlNode **out, xmlDoc *doc, const stance_extract_options *o)
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
