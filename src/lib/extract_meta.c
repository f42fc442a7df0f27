/*
 * extract_meta.c: a page's metadata (title, authors, dates, site name,
 * language) from its meta tags, its JSON-LD and its markup.
 */
#include "extract_internal.h"

#include <ctype.h>

#include <jansson.h>

/* ------------------------------------------------------------------ */
/* Metadata                                                             */

void extract_metadata_free(metadata *m)
{
	size_t i;
	free(m->title); free(m->byline); free(m->published); free(m->site_name); free(m->lang);
	free(m->ld_title); free(m->ld_byline); free(m->ld_published); free(m->ld_name); free(m->ld_headline);
	free(m->ld_lang);
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
	extract_trim_inplace(v);
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

/*
 * JSON-LD, read with jansson and scoped to the article's own object. The
 * objects a block holds at its top (the block itself, the items of a list
 * at the top, the items of their "@graph") are the candidates; the first
 * of the best rank across the page's blocks (an article's @type above
 * WebPage's) is the article, and only its own keys are read: the title,
 * the authors (an author given as an "@id" is looked up among the items
 * beside it), the date and the language, never a sibling's. A block that
 * is not JSON is ignored as a whole and the meta tags are read instead:
 * jansson refuses invalid UTF-8, lone surrogates ("\ud83c" without its
 * low half), "\u0000" and nesting past JSON_PARSER_MAX_DEPTH (2,048), so
 * none of those reaches a document.
 */

/* The article's object so far: a reference on the block it is in. */
typedef struct {
	json_t *root;
	const json_t *article, *items;  /* borrowed from root; items: its list or NULL */
	int rank;
} ld_pick;

static const char *const ld_article_types[] = { "Article", "NewsArticle", "BlogPosting", "Report",
	"OpinionNewsArticle", "AnalysisNewsArticle", "ReportageNewsArticle", "ScholarlyArticle",
	"SocialMediaPosting", "TechArticle", "LiveBlogPosting", NULL };

/* 2 for an article's type, 1 for WebPage, 0 for any other. */
static int ld_type_rank(const char *type)
{
	size_t i;
	for (i = 0; ld_article_types[i]; i++)
		if (!strcmp(type, ld_article_types[i]))
			return 2;
	return !strcmp(type, "WebPage");
}

/* The best rank of the object's @type, a string or a list of them. */
static int ld_rank(const json_t *obj)
{
	const json_t *type = json_object_get(obj, "@type"), *t;
	size_t i;
	int rank = 0, r;
	if (json_is_string(type))
		return ld_type_rank(json_string_value(type));
	json_array_foreach(type, i, t)
		if (json_is_string(t) && (r = ld_type_rank(json_string_value(t))) > rank)
			rank = r;
	return rank;
}

static int ld_schema_name(const json_t *v)
{
	return json_is_string(v) && strstr(json_string_value(v), "schema.org");
}

/* Whether an @context is schema.org's: a string naming it, an object whose
 * @vocab does, or a list holding either. */
static int ld_schema(const json_t *ctx)
{
	const json_t *c;
	size_t i;
	if (ld_schema_name(ctx) || ld_schema_name(json_object_get(ctx, "@vocab")))
		return 1;
	json_array_foreach(ctx, i, c)
		if (ld_schema_name(c) || ld_schema_name(json_object_get(c, "@vocab")))
			return 1;
	return 0;
}

/* `obj`, a candidate of the block `root` (an item of `items`, or NULL),
 * whose holder's @context is `ctx`, becomes the article when it ranks
 * above the one so far. */
static void ld_consider(ld_pick *p, json_t *root, const json_t *obj, const json_t *items, const json_t *ctx)
{
	int rank;
	if (!json_is_object(obj) || (rank = ld_rank(obj)) <= p->rank)
		return;
	if (!ld_schema(json_object_get(obj, "@context")) && !ld_schema(ctx))
		return;
	if (p->root != root) {
		json_incref(root);
		json_decref(p->root);
		p->root = root;
	}
	p->article = obj;
	p->items = items;
	p->rank = rank;
}

/* The candidates of the "@graph" of `holder`, an object of the block. */
static void ld_consider_graph(ld_pick *p, json_t *root, const json_t *holder)
{
	const json_t *graph = json_object_get(holder, "@graph"), *item;
	size_t i;
	json_array_foreach(graph, i, item)
		ld_consider(p, root, item, graph, json_object_get(holder, "@context"));
}

/* Takes `wrap` off the start (`end` 0) or the end of the text; 1 when it was there. */
static int ld_strip(const char **text, size_t *len, const char *wrap, int end)
{
	size_t n = strlen(wrap);
	while (*len && extract_is_space((unsigned char)(*text)[0])) {
		(*text)++;
		(*len)--;
	}
	while (*len && extract_is_space((unsigned char)(*text)[*len - 1]))
		(*len)--;
	if (*len < n || memcmp(end ? *text + *len - n : *text, wrap, n))
		return 0;
	if (!end)
		*text += n;
	*len -= n;
	return 1;
}

/* One <script type="application/ld+json">: its candidates weighed. Many
 * pages wrap the JSON in "<![CDATA[ … ]]>" or "<!-- … -->" (after "//",
 * for old browsers); the wrapping is taken off first. */
static void read_json_ld(ld_pick *p, const char *text, size_t len)
{
	static const char *const wraps[][2] = { { "<![CDATA[", "]]>" }, { "<!--", "-->" } };
	json_error_t err;
	json_t *root;
	const json_t *item;
	size_t i;
	ld_strip(&text, &len, "//", 0);
	for (i = 0; i < STANCE_ARRAY_SIZE(wraps); i++)
		if (ld_strip(&text, &len, wraps[i][0], 0)) {
			ld_strip(&text, &len, wraps[i][1], 1);
			ld_strip(&text, &len, "//", 1);
			break;
		}
	if (!(root = json_loadb(text, len, 0, &err)))
		return;
	if (json_is_object(root)) {
		ld_consider(p, root, root, NULL, NULL);
		ld_consider_graph(p, root, root);
	}
	json_array_foreach(root, i, item) {
		ld_consider(p, root, item, root, NULL);
		ld_consider_graph(p, root, item);
	}
	json_decref(root);
}

/* `s` with its white space and control characters made single spaces and
 * trimmed; caller frees. NULL for nothing left. */
static char *ld_text(const char *s)
{
	stance_buf b = STANCE_BUF_INIT;
	char *copy, *q;
	int sp = 1;
	if (!s || !(copy = stance_strdup(s)))
		return NULL;
	for (q = copy; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = ' ';
	extract_put_collapsed(&b, copy, &sp);
	free(copy);
	if (b.ptr)
		extract_trim_inplace(b.ptr);
	if (!b.ptr || !*b.ptr) {
		stance_buf_dispose(&b);
		return NULL;
	}
	return stance_buf_detach(&b);
}

/* The string value of `key` of `obj`, borrowed; NULL when not a string. */
static const char *ld_string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* One author's name: a string, an object's "name", or the "name" of the
 * item of `items` whose "@id" the object gives. Borrowed, or NULL. */
static const char *ld_author_name(const json_t *a, const json_t *items)
{
	const json_t *item;
	const char *id, *name;
	size_t i;
	if (json_is_string(a))
		return json_string_value(a);
	if ((name = ld_string(a, "name")) || !(id = ld_string(a, "@id")))
		return name;
	json_array_foreach(items, i, item) {
		const char *other = ld_string(item, "@id");
		if (item != a && other && !strcmp(other, id))
			return ld_string(item, "name");
	}
	return NULL;
}

static void ld_add_author(stance_buf *out, const json_t *a, const json_t *items)
{
	char *name = ld_text(ld_author_name(a, items));
	if (name) {
		if (out->size)
			stance_buf_putc(out, '\n');
		stance_buf_puts(out, name);
	}
	free(name);
}

/* The article's own fields; its name and headline as read_metadata
 * weighs them, its authors one a line. */
static void ld_read_article(metadata *m, const json_t *a, const json_t *items)
{
	const json_t *author = json_object_get(a, "author"), *one, *lang;
	char *name = ld_text(ld_string(a, "name")), *headline = ld_text(ld_string(a, "headline"));
	stance_buf b = STANCE_BUF_INIT;
	size_t i;
	if (name && headline && strcmp(name, headline)) {
		m->ld_name = name;
		m->ld_headline = headline;
	} else if (name) {
		m->ld_title = name;
		free(headline);
	} else
		m->ld_title = headline;
	if (json_is_array(author))
		json_array_foreach(author, i, one)
			ld_add_author(&b, one, items);
	else if (author)
		ld_add_author(&b, author, items);
	if (b.size)
		set_once(&m->ld_byline, b.ptr);
	stance_buf_dispose(&b);
	m->ld_published = ld_text(ld_string(a, "datePublished"));
	/* inLanguage: a tag, or a Language object with its tag as alternateName */
	lang = json_object_get(a, "inLanguage");
	m->ld_lang = ld_text(json_is_object(lang) ? ld_string(lang, "alternateName") : json_string_value(lang));
}

static void collect_meta(metadata *m, ld_pick *ld, xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (extract_name_is(n, "meta")) {
			const char *content = extract_attr(n, "content");
			const char *keys[3] = { extract_attr(n, "property"), extract_attr(n, "name"), extract_attr(n, "http-equiv") };
			size_t k;
			if (!content)
				continue;
			for (k = 0; k < 3; k++) {
				/* "property" may hold several space-separated names. */
				const char *p = keys[k];
				while (p && *p) {
					size_t wl;
					char word[64];
					while (extract_is_space((unsigned char)*p))
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
		} else if (extract_name_is(n, "script")) {
			const char *type = extract_attr(n, "type");
			if (type && !strcasecmp(type, "application/ld+json")) {
				xmlChar *json = xmlNodeGetContent(n);
				if (json)
					read_json_ld(ld, (const char *)json, strlen((const char *)json));
				xmlFree(json);
			}
			continue;
		}
		if (n->children)
			collect_meta(m, ld, n->children);
	}
}

/* The first element called `name` among `n`, its siblings and their
 * descendants, in document order; borrowed from the tree, or NULL. */
xmlNode *extract_find_first(xmlNode *n, const char *name)
{
	for (; n; n = n->next) {
		xmlNode *f;
		if (extract_name_is(n, name))
			return n;
		if (n->type == XML_ELEMENT_NODE && (f = extract_find_first(n->children, name)))
			return f;
	}
	return NULL;
}

void extract_find_all(xmlNode *n, const char *name, xmlNode ***list, size_t *count, size_t *cap)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!name || extract_name_is(n, name)) {
			if (*count == *cap && stance_array_grow(list, cap, *count + 1, sizeof(**list)) < 0)
				return;
			(*list)[(*count)++] = n;
		}
		extract_find_all(n->children, name, list, count, cap);
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
	extract_find_all(root, "h1", &hs, &nh, &cap);
	extract_find_all(root, "h2", &hs, &nh, &cap);
	for (k = 0; k < nh && !match; k++) {
		stance_buf h = STANCE_BUF_INIT;
		extract_inner_text(&h, hs[k]);
		match = h.size && !strcasecmp(h.ptr, text);
		stance_buf_dispose(&h);
	}
	free(hs);
	return match;
}

/* <title> less the site's name, as Readability does. Caller frees. */
static char *article_title(xmlNode *root)
{
	xmlNode *t = extract_find_first(root, "title");
	stance_buf orig = STANCE_BUF_INIT, cur = STANCE_BUF_INIT;
	size_t i, seplen, first = (size_t)-1, last = (size_t)-1, firstlen = 0;
	int hierarchical = 0, confirmed = 0;
	stance_buf conf = STANCE_BUF_INIT;
	if (!t)
		return NULL;
	extract_inner_text(&orig, t);
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
		if (extract_word_count(stance_buf_cstr(&cur)) < 3) {
			stance_buf_clear(&cur);
			stance_buf_puts(&cur, orig.ptr + first + firstlen);
		}
	} else if (orig.size && strstr(orig.ptr, ": ")) {
		xmlNode **hs = NULL;
		size_t nh = 0, cap = 0, k;
		int match = 0;
		extract_find_all(root, "h1", &hs, &nh, &cap);
		extract_find_all(root, "h2", &hs, &nh, &cap);
		for (k = 0; k < nh && !match; k++) {
			stance_buf h = STANCE_BUF_INIT;
			extract_inner_text(&h, hs[k]);
			match = !strcmp(stance_buf_cstr(&h), orig.ptr);
			stance_buf_dispose(&h);
		}
		free(hs);
		if (match)
			stance_buf_puts(&cur, orig.ptr);
		else {
			const char *lc = strrchr(orig.ptr, ':');
			stance_buf_puts(&cur, lc + 1);
			if (extract_word_count(cur.ptr) < 3) {
				stance_buf_clear(&cur);
				stance_buf_puts(&cur, strchr(orig.ptr, ':') + 1);
			} else {
				stance_buf pre = STANCE_BUF_INIT;
				stance_buf_put(&pre, orig.ptr, (size_t)(strchr(orig.ptr, ':') - orig.ptr));
				if (extract_word_count(pre.ptr) > 5) {
					stance_buf_clear(&cur);
					stance_buf_puts(&cur, orig.ptr);
				}
				stance_buf_dispose(&pre);
			}
		}
	} else if (orig.size > 150 || orig.size < 15) {
		xmlNode **hs = NULL;
		size_t nh = 0, cap = 0;
		extract_find_all(root, "h1", &hs, &nh, &cap);
		if (nh == 1)
			extract_inner_text(&cur, hs[0]);
		else
			stance_buf_puts(&cur, stance_buf_cstr(&orig));
		free(hs);
	} else
		stance_buf_puts(&cur, stance_buf_cstr(&orig));
	if (cur.ptr)
		extract_trim_inplace(cur.ptr);
	{
		size_t wc = extract_word_count(stance_buf_cstr(&cur));
		/* A cut title that the page's own heading repeats is right, however
		 * short ("Grønne områder | Kommunen" with <h1>Grønne områder</h1>). */
		if (confirmed)
			wc = 5;
		if (wc <= 4) {
			/* Too short after cutting: keep the whole title, unless only
			 * one hierarchical segment went. */
			size_t owc = extract_word_count(stance_buf_cstr(&orig));
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
	while (extract_is_space((unsigned char)*tag))
		tag++;
	n = strlen(tag);
	while (n && extract_is_space((unsigned char)tag[n - 1]))
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

void extract_read_metadata(metadata *m, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	ld_pick ld = { NULL, NULL, NULL, 0 };
	if (!root)
		return;
	collect_meta(m, &ld, root);
	if (ld.article)
		ld_read_article(m, ld.article, ld.items);
	json_decref(ld.root);
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
		int name_ok = doc_title && extract_text_similarity(m->ld_name, doc_title) > 0.75;
		int head_ok = doc_title && extract_text_similarity(m->ld_headline, doc_title) > 0.75;
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
		xmlNode *t = extract_find_first(root, "time");
		if (t)
			set_once(&m->published, extract_attr(t, "datetime"));
	}
	set_once(&m->site_name, m->meta[M_SITE]);
	{
		/* The first well-formed tag of the article's JSON-LD, <html lang>,
		 * <html xml:lang> and the og:locale or content-language meta tag. */
		const char *tags[4] = { m->ld_lang, extract_attr(root, "lang"), extract_attr(root, "xml:lang"),
			m->meta[M_LANG] };
		char primary[4];
		size_t i;
		for (i = 0; i < 4; i++)
			if (tags[i] && language_primary(primary, tags[i])) {
				set_once(&m->lang, primary);
				break;
			}
	}
}
