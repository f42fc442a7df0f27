/*
 * extract_content.c: the main-content finder: chrome stripped, paragraphs
 * and their ancestors scored on text length, commas, link density and class
 * hints (the approach of Arc90's Readability), the best candidate and its
 * related siblings taken.
 */
#include "extract_internal.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>

/* ------------------------------------------------------------------ */
/* The main-content finder                                              */

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

int extract_patterns_get(const patterns **out)
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
	if (f->nslots == f->cap && stance_array_grow(&f->slots, &f->cap, f->nslots + 1, sizeof(*f->slots)) < 0)
		return NULL;
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
	if (f->nmoves == f->capmoves &&
	    stance_array_grow(&f->moves, &f->capmoves, f->nmoves + 1, sizeof(*f->moves)) < 0) {
		f->oom = 1;
		return 0;
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
void extract_undo_moves(finder *f)
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
	const char *c = extract_attr(n, "class"), *id = extract_attr(n, "id");
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
				if (extract_is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
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
			if (weight == 0 && extract_name_is(n, "a")) {
				const char *href = extract_attr(n, "href");
				if (!(href && !strncasecmp(href, "javascript:", 11)))
					w = (href && href[0] == '#' && href[1]) ? 0.3 : 1.0;
			}
			density_walk(n->children, w, last_space, total, links, commas);
		}
	}
}

/* The share of `n`'s text inside links; with its length in characters and
 * its commas through `len` and `commas` (both may be NULL). */
double extract_link_density_ex(const xmlNode *n, size_t *len, size_t *commas)
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
	return extract_link_density_ex(n, NULL, NULL);
}

static const char *const block_tags[] = { "blockquote", "dl", "div", "img", "ol", "p", "pre",
	"table", "ul", "section", "article", "main", "header", "footer", "aside", "figure",
	"h1", "h2", "h3", "h4", "h5", "h6", "hr", "form", "fieldset", "nav", "address", NULL };

int extract_has_child_block(const xmlNode *n)
{
	for (n = n->children; n; n = n->next)
		if (extract_name_in(n, block_tags) || (n->type == XML_ELEMENT_NODE && extract_has_child_block(n)))
			return 1;
	return 0;
}

static int has_ancestor(const xmlNode *n, const char *tag, int max_depth)
{
	int d = 0;
	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (max_depth > 0 && ++d > max_depth)
			return 0;
		if (extract_name_is(n, tag))
			return 1;
	}
	return 0;
}

static int is_hidden(const xmlNode *n)
{
	const char *style = extract_attr(n, "style"), *aria = extract_attr(n, "aria-hidden"), *cls;
	if (extract_attr(n, "hidden"))
		return 1;
	if (style) {
		stance_buf s = STANCE_BUF_INIT;
		const char *p;
		int hidden;
		for (p = style; *p; p++)
			if (!extract_is_space((unsigned char)*p))
				stance_buf_putc(&s, (char)tolower((unsigned char)*p));
		hidden = s.ptr && (strstr(s.ptr, "display:none") || strstr(s.ptr, "visibility:hidden"));
		stance_buf_dispose(&s);
		if (hidden)
			return 1;
	}
	if (aria && !strcmp(aria, "true")) {
		cls = extract_attr(n, "class");
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
				if (!extract_is_space(*p) && !(p[0] == 0xc2 && p[1] == 0xa0) && !(p[0] == 0xa0 && p > (const unsigned char *)n->content && p[-1] == 0xc2))
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
			if (p || !extract_name_is(c, "p"))
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
		if (c->type == XML_ELEMENT_NODE && !extract_name_is(c, "br") && !extract_name_is(c, "hr"))
			return 0;
	return 1;
}

/* extract_text_similarity compares the first this many bytes of each text: it looks
 * for each word of one in the other, and titles are shorter. */
#define SIMILARITY_MAX 1024

/* Similarity of two texts by shared words, as Readability's
 * textSimilarity: 1 - (words of b not in a) / (words of b). */
double extract_text_similarity(const char *a, const char *b)
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
	const char *rel = extract_attr(n, "rel"), *itemprop = extract_attr(n, "itemprop");
	size_t len;
	if (f->byline)
		return 0;
	if (!((rel && !strcmp(rel, "author")) || (itemprop && strstr(itemprop, "author")) ||
	      rx(&f->pat->byline, match)))
		return 0;
	len = extract_text_len(n, NULL);
	if (len == 0 || len >= 100)
		return 0;
	{
		/* A name marked up inside the byline is the name alone. */
		stance_buf b = STANCE_BUF_INIT;
		xmlNode **l = NULL, *name = NULL;
		size_t nl = 0, cap = 0, k;
		extract_find_all(n->children, NULL, &l, &nl, &cap);
		for (k = 0; k < nl && !name; k++) {
			const char *ip = extract_attr(l[k], "itemprop"), *r = extract_attr(l[k], "rel");
			if ((ip && strstr(ip, "name")) || (r && !strcmp(r, "author")))
				name = l[k];
		}
		free(l);
		extract_inner_text(&b, name && extract_text_len(name, NULL) ? name : n);
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
void extract_strip_chrome(xmlNode *n)
{
	while (n) {
		xmlNode *next = n->next;
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			remove_node(n);
		else if (n->type == XML_ELEMENT_NODE) {
			if (extract_name_in(n, chrome_tags) && !extract_name_is(n, "head"))
				remove_node(n);
			else
				extract_strip_chrome(n->children);
		}
		n = next;
	}
}

void extract_list_push(node_list *l, xmlNode *n)
{
	if (l->n == l->cap && stance_array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return;
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
	if (extract_name_is(n, "div"))
		s->score += 5;
	else if (extract_name_in(n, plus3))
		s->score += 3;
	else if (extract_name_in(n, minus3))
		s->score -= 3;
	else if (extract_name_in(n, minus5))
		s->score -= 5;
	s->score += class_weight(f, n);
}

static int is_data_table(const xmlNode *t)
{
	const char *role = extract_attr(t, "role");
	xmlNode **rows = NULL;
	size_t nrows = 0, cap = 0, i, cols = 0;
	if (role && !strcmp(role, "presentation"))
		return 0;
	if (extract_attr(t, "summary") || extract_find_first(t->children, "caption") || extract_find_first(t->children, "th") ||
	    extract_find_first(t->children, "thead") || extract_find_first(t->children, "tfoot") || extract_find_first(t->children, "colgroup"))
		return 1;
	if (extract_find_first(t->children, "table"))
		return 0;
	extract_find_all(t->children, "tr", &rows, &nrows, &cap);
	for (i = 0; i < nrows; i++) {
		size_t c = 0;
		xmlNode *cell;
		for (cell = rows[i]->children; cell; cell = cell->next)
			if (extract_name_is(cell, "td"))
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
	extract_find_all(n->children, tag, &l, &c, &cap);
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
			if (!strcasecmp(nm, "ol")) c->list_len += extract_text_len(n, NULL);
			else if (!strcasecmp(nm, "object")) c->embeds++;
			break;
		case 'u': if (!strcasecmp(nm, "ul")) c->list_len += extract_text_len(n, NULL); break;
		case 'e': if (!strcasecmp(nm, "embed")) c->embeds++; break;
		case 'h':
			if (nm[1] >= '1' && nm[1] <= '6' && !nm[2]) {
				c->heading_len += extract_text_len(n, NULL);
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
	extract_find_all(root->children, tag, &l, &n, &cap);
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
				if (extract_name_is(a, "table") && data_table(f, a)) {
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
		ld = extract_link_density_ex(node, &len, &commas);
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
					if (count_tag(c, "img") != 1 || extract_text_len(c, NULL) > 0)
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
	extract_find_all(root->children, tag, &l, &n, &cap);
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
	extract_find_all(article->children, NULL, &l, &n, &cap);
	for (i = n; i-- > 0;) {
		if ((extract_name_is(l[i], "h1") || extract_name_is(l[i], "h2")) && class_weight(f, l[i]) < 0) {
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
	extract_find_all(article->children, "p", &l, &n, &cap);
	for (i = n; i-- > 0;)
		if (!count_tag(l[i], "img") && !extract_text_len(l[i], NULL))
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
				if (extract_is_space(*p) || (p[0] == 0xc2 && p[1] == 0xa0)) {
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
			if (weight == 0 && extract_name_is(n, "a")) {
				const char *href = extract_attr(n, "href");
				if (!(href && !strncasecmp(href, "javascript:", 11)))
					w = (href && href[0] == '#' && href[1]) ? 0.3 : 1.0;
			}
			if (s) {
				/* A node's text starts after collapsed space, as extract_inner_text's. */
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
xmlNode *extract_grab_article(finder *f, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *body, *node, *top = NULL, *article;
	node_list to_score = { 0 }, candidates = { 0 };
	stance_buf match = STANCE_BUF_INIT;
	size_t i;
	if (!root)
		return NULL;
	body = extract_find_first(root, "body");
	if (!body)
		body = root;

	node = body;
	while (node) {
		const char *cls = extract_attr(node, "class"), *id = extract_attr(node, "id"), *role = extract_attr(node, "role");
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
		else if (role && (!strcmp(role, "dialog") || extract_attr(node, "aria-modal")))
			drop = 1;
		else if (node != body && is_byline(f, node, stance_buf_cstr(&match)))
			drop = 1;
		else if (!f->removed_title && f->title && (extract_name_is(node, "h1") || extract_name_is(node, "h2"))) {
			stance_buf h = STANCE_BUF_INIT;
			extract_inner_text(&h, node);
			if (h.size && extract_text_similarity(f->title, h.ptr) > 0.75) {
				drop = 1;
				f->removed_title = 1;
			}
			stance_buf_dispose(&h);
		}
		if (!drop && extract_name_is(node, "time") && node->parent && !extract_name_in(node->parent, time_hosts))
			drop = 1; /* a date line on its own, not a date in a sentence */
		if (!drop && (f->flags & FLAG_STRIP_UNLIKELYS) && node != body) {
			if (rx(&f->pat->unlikely, stance_buf_cstr(&match)) && !rx(&f->pat->maybe, stance_buf_cstr(&match)) &&
			    !has_ancestor(node, "table", 0) && !has_ancestor(node, "code", 0) &&
			    !extract_name_is(node, "a") && !extract_name_is(node, "body"))
				drop = 1;
			else if (role) {
				size_t k;
				for (k = 0; unlikely_roles[k]; k++)
					if (!strcmp(role, unlikely_roles[k]))
						drop = 1;
			}
		}
		if (!drop && node != body && (extract_name_is(node, "div") || extract_name_is(node, "section") ||
		    extract_name_is(node, "header") || (NAME(node)[0] == 'h' && NAME(node)[1] >= '1' && NAME(node)[1] <= '6' && !NAME(node)[2])) &&
		    element_without_content(node))
			drop = 1;
		if (drop) {
			node = remove_and_next(f, node);
			continue;
		}
		{
			static const char *const scored[] = { "section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre", NULL };
			if (extract_name_in(node, scored))
				extract_list_push(&to_score, node);
			else if (extract_name_is(node, "div")) {
				xmlNode *only = single_p_child(node);
				if (only && link_density(node) < 0.25) {
					/* A div around one paragraph is that paragraph: its
					 * score goes to the real container (Readability). */
					move_to(f, node->parent, node, only);
					take_out(f, node);
					extract_list_push(&to_score, only);
					node = next_element(only, 0);
					continue;
				}
				if (!extract_has_child_block(node))
					extract_list_push(&to_score, node);
			}
		}
		node = next_element(node, 0);
	}

	for (i = 0; i < to_score.n; i++) {
		xmlNode *e = to_score.v[i], *a;
		size_t commas, len = extract_text_len(e, &commas);
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
				extract_list_push(&candidates, a);
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
		if (top && !extract_name_is(top, "body")) {
			/* Several good candidates under one ancestor: take it. */
			node_list alts = { 0 };
			size_t k;
			for (k = 1; k < 5; k++)
				if (tops[k] && topscore[k] / topscore[0] >= 0.75)
					extract_list_push(&alts, tops[k]);
			if (alts.n >= 3) {
				xmlNode *p = top->parent;
				while (p && p->type == XML_ELEMENT_NODE && !extract_name_is(p, "body")) {
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
				while (p && p->type == XML_ELEMENT_NODE && !extract_name_is(p, "body")) {
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
				while (p && p->type == XML_ELEMENT_NODE && !extract_name_is(p, "body")) {
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
	if (!top || extract_name_is(top, "body")) {
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
		const char *topclass = extract_attr(top, "class");
		xmlNode *parent = top->parent, *s = parent->children;
		while (s) {
			xmlNode *next = s->next;
			int append = 0;
			if (s == top)
				append = 1;
			else if (s->type == XML_ELEMENT_NODE) {
				score_slot *sl = slot_of(f, s);
				double bonus = 0;
				const char *sc = extract_attr(s, "class");
				if (topclass && *topclass && sc && !strcmp(sc, topclass))
					bonus = topscore * 0.2;
				if (sl && sl->init && sl->score + bonus >= threshold)
					append = 1;
				else if (extract_name_is(s, "p") || (extract_name_is(s, "div") && !extract_has_child_block(s))) {
					size_t len = extract_text_len(s, NULL);
					double ld = link_density(s);
					if (len > 80 && ld < 0.25)
						append = 1;
					else if (len < 80 && len > 0 && ld == 0) {
						stance_buf t = STANCE_BUF_INIT;
						extract_inner_text(&t, s);
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
void extract_clear_private(xmlNode *n)
{
	for (; n; n = n->next) {
		n->_private = NULL;
		if (n->type == XML_ELEMENT_NODE && n->children)
			extract_clear_private(n->children);
	}
}
