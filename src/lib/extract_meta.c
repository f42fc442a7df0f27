/*
 * extract_meta.c: a page's metadata (title, authors, dates, site name,
 * language) from its meta tags, its JSON-LD and its markup.
 */
#include "extract_internal.h"

#include <ctype.h>

/* ------------------------------------------------------------------ */
/* Metadata                                                             */

void extract_metadata_free(metadata *m)
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
				while (extract_is_space((unsigned char)*v))
					v++;
				if (*v == ':') {
					v++;
					while (extract_is_space((unsigned char)*v))
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
			while (q && extract_is_space((unsigned char)*q))
				q++;
			if (q && *q == ':' && !strcmp(stance_buf_cstr(&s), "name") && depth >= 1) {
				stance_buf n = STANCE_BUF_INIT;
				q++;
				while (extract_is_space((unsigned char)*q))
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
		/* The first well-formed tag of <html lang>, <html xml:lang> and
		 * the og:locale or content-language meta tag. */
		const char *tags[3] = { extract_attr(root, "lang"), extract_attr(root, "xml:lang"), m->meta[M_LANG] };
		char primary[4];
		size_t i;
		for (i = 0; i < 3; i++)
			if (tags[i] && language_primary(primary, tags[i])) {
				set_once(&m->lang, primary);
				break;
			}
	}
}
