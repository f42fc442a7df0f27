/*
 * test_diff.c: the diff engine. Properties: the ops tile both bodies and the
 * JSON ops rebuild either side exactly (random edits, the bgb revisions);
 * reflowed text is no change; a moved paragraph is one move; tokens follow
 * Unicode (æøå whole, CJK per character, emoji never split, curly quotes
 * apart); the cost bound falls back and says so.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "segment.h"

/* ---- checks over the script ---- */

/* Every old byte is covered once by equal/delete/move, every new byte once
 * by equal/insert/move; the same inside each move. */
static void check_tiling(const stance_diff *d)
{
	size_t ol, nl, i, k, n = stance_diff_op_count(d);
	unsigned char *co, *cn;
	stance_diff_old_text(d, &ol);
	stance_diff_new_text(d, &nl);
	co = calloc(ol + 1, 1);
	cn = calloc(nl + 1, 1);
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		cr_assert(o->old_start <= o->old_end && o->old_end <= ol);
		cr_assert(o->new_start <= o->new_end && o->new_end <= nl);
		if (o->op != STANCE_DIFF_INSERT)
			for (k = o->old_start; k < o->old_end; k++)
				co[k]++;
		else
			cr_assert_eq(o->old_start, o->old_end);
		if (o->op != STANCE_DIFF_DELETE)
			for (k = o->new_start; k < o->new_end; k++)
				cn[k]++;
		else
			cr_assert_eq(o->new_start, o->new_end);
		if (o->op == STANCE_DIFF_MOVE)
			i += o->children;
	}
	for (k = 0; k < ol; k++)
		cr_assert_eq(co[k], 1, "old byte %zu covered %d times", k, co[k]);
	for (k = 0; k < nl; k++)
		cr_assert_eq(cn[k], 1, "new byte %zu covered %d times", k, cn[k]);
	free(co);
	free(cn);
}

/* ---- a small reader for the JSON renderer's ops ---- */

typedef struct {
	char op[8];
	size_t os, oe, ns, ne;
	char *text, *old_text; /* NULL when absent */
} jop;

/* Decodes the JSON string starting at s (at the opening quote). */
static char *json_string(const char *s, const char **end)
{
	stance_buf b = STANCE_BUF_INIT;
	cr_assert_eq(*s, '"');
	s++;
	while (*s && *s != '"') {
		if (*s == '\\') {
			s++;
			switch (*s) {
			case 'n': stance_buf_putc(&b, '\n'); break;
			case 't': stance_buf_putc(&b, '\t'); break;
			case 'r': stance_buf_putc(&b, '\r'); break;
			case 'u': {
				unsigned v = 0;
				sscanf(s + 1, "%4x", &v);
				stance_buf_putc(&b, (char)v); /* only control bytes are escaped */
				s += 4;
				break;
			}
			default: stance_buf_putc(&b, *s); break;
			}
			s++;
		} else {
			stance_buf_putc(&b, *s++);
		}
	}
	if (end)
		*end = s + 1;
	return stance_buf_detach(&b);
}

static char *field_string(const char *line, const char *key)
{
	char pat[32];
	const char *p;
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	if (!(p = strstr(line, pat)))
		return NULL;
	return json_string(p + strlen(pat) - 1, NULL);
}

/* Top-level ops of a JSON rendering (one op a line, two spaces in). */
static jop *parse_ops(const char *json, size_t *count)
{
	jop *ops = NULL;
	size_t n = 0;
	const char *line = strstr(json, "\"ops\": [");
	cr_assert_not_null(line);
	while ((line = strchr(line, '\n')) != NULL) {
		line++;
		if (strncmp(line, "  {\"op\": ", 9))
			break;
		ops = realloc(ops, (n + 1) * sizeof(*ops));
		memset(&ops[n], 0, sizeof(*ops));
		cr_assert_eq(sscanf(line, "  {\"op\": \"%7[a-z]\"", ops[n].op), 1);
		cr_assert_eq(sscanf(strstr(line, "\"old_range\""), "\"old_range\": [%zu, %zu]", &ops[n].os, &ops[n].oe), 2);
		cr_assert_eq(sscanf(strstr(line, "\"new_range\""), "\"new_range\": [%zu, %zu]", &ops[n].ns, &ops[n].ne), 2);
		{
			/* only this op's own fields: cut at a move's children */
			const char *kids = strstr(line, ", \"ops\": [");
			const char *eol = strchr(line, '\n');
			char *own = strndup(line, (size_t)((kids && (!eol || kids < eol) ? kids : eol ? eol : line + strlen(line)) - line));
			ops[n].text = field_string(own, "text");
			ops[n].old_text = field_string(own, "old_text");
			free(own);
		}
		n++;
		/* skip a move's children lines */
		while (strchr(line, '\n') && !strncmp(strchr(line, '\n') + 1, "    {", 5))
			line = strchr(line, '\n') + 1;
	}
	*count = n;
	return ops;
}

static const jop *sort_ops_base;
static int by_old(const void *a, const void *b)
{
	const jop *x = &sort_ops_base[*(const size_t *)a], *y = &sort_ops_base[*(const size_t *)b];
	return x->os < y->os ? -1 : x->os > y->os;
}
static int by_new(const void *a, const void *b)
{
	const jop *x = &sort_ops_base[*(const size_t *)a], *y = &sort_ops_base[*(const size_t *)b];
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* Rebuilds each side from the other side and the JSON ops; both must come
 * out byte for byte. */
static void check_json_rebuild(const stance_diff *d)
{
	stance_buf json = STANCE_BUF_INIT, old_again = STANCE_BUF_INIT, new_again = STANCE_BUF_INIT;
	size_t n, i, m, ol, nl, *idx;
	const char *ot = stance_diff_old_text(d, &ol), *nt = stance_diff_new_text(d, &nl);
	jop *ops;

	cr_assert_eq(stance_render_json(&json, d, NULL), 0);
	ops = parse_ops(json.ptr, &n);
	idx = malloc((n + 1) * sizeof(size_t));
	sort_ops_base = ops;
	/* old side, from the new text and the ops */
	for (i = m = 0; i < n; i++)
		if (strcmp(ops[i].op, "insert"))
			idx[m++] = i;
	qsort(idx, m, sizeof(size_t), by_old);
	for (i = 0; i < m; i++) {
		const jop *o = &ops[idx[i]];
		cr_assert_eq(o->os, old_again.size, "old ranges leave a gap at %zu", old_again.size);
		if (!strcmp(o->op, "equal") && !o->old_text)
			stance_buf_put(&old_again, nt + o->ns, o->ne - o->ns);
		else if (!strcmp(o->op, "delete"))
			stance_buf_puts(&old_again, o->text);
		else
			stance_buf_puts(&old_again, o->old_text);
	}
	cr_assert_eq(old_again.size, ol);
	cr_assert(ol == 0 || !memcmp(old_again.ptr, ot, ol), "the old side does not rebuild");
	/* new side, from the old text and the ops */
	for (i = m = 0; i < n; i++)
		if (strcmp(ops[i].op, "delete"))
			idx[m++] = i;
	qsort(idx, m, sizeof(size_t), by_new);
	for (i = 0; i < m; i++) {
		const jop *o = &ops[idx[i]];
		cr_assert_eq(o->ns, new_again.size, "new ranges leave a gap at %zu", new_again.size);
		if (!strcmp(o->op, "equal") && !o->text)
			stance_buf_put(&new_again, ot + o->os, o->oe - o->os);
		else
			stance_buf_puts(&new_again, o->text);
	}
	cr_assert_eq(new_again.size, nl);
	cr_assert(nl == 0 || !memcmp(new_again.ptr, nt, nl), "the new side does not rebuild");
	for (i = 0; i < n; i++) {
		free(ops[i].text);
		free(ops[i].old_text);
	}
	free(ops);
	free(idx);
	stance_buf_dispose(&json);
	stance_buf_dispose(&old_again);
	stance_buf_dispose(&new_again);
}

static stance_diff *diff_texts(const char *a, const char *b)
{
	stance_diff *d = NULL;
	cr_assert_eq(stance_diff_texts(&d, a, strlen(a), b, strlen(b), NULL), 0, "%s", stance_error_last());
	check_tiling(d);
	return d;
}

static size_t count_ops(const stance_diff *d, stance_diff_op_kind kind, int top_only)
{
	size_t i, c = 0, n = stance_diff_op_count(d);
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op == kind)
			c++;
		if (top_only && o->op == STANCE_DIFF_MOVE)
			i += o->children;
	}
	return c;
}

/* The text of the first op of `kind` (on its own side), for assertions. */
static char *first_text(const stance_diff *d, stance_diff_op_kind kind)
{
	size_t i, n = stance_diff_op_count(d);
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op != kind)
			continue;
		if (kind == STANCE_DIFF_DELETE)
			return strndup(stance_diff_old_text(d, NULL) + o->old_start, o->old_end - o->old_start);
		return strndup(stance_diff_new_text(d, NULL) + o->new_start, o->new_end - o->new_start);
	}
	return NULL;
}

/* ---- the stories ---- */

Test(diff, identical_texts_have_no_changes)
{
	stance_diff *d = diff_texts("# T\n\nOne paragraph.\n", "# T\n\nOne paragraph.\n");
	cr_assert_eq(stance_diff_has_changes(d), 0);
	stance_diff_free(d);
}

Test(diff, reflowed_paragraph_is_no_change)
{
	stance_diff *d = diff_texts(
		"Kommunerne skal have frihed til at\nindrette velfærden efter lokale forhold.\n\nNext.\n",
		"Kommunerne skal have frihed til at indrette\nvelfærden efter\nlokale forhold.\n\nNext.\n");
	cr_assert_eq(stance_diff_has_changes(d), 0);
	cr_assert_eq(count_ops(d, STANCE_DIFF_INSERT, 0) + count_ops(d, STANCE_DIFF_DELETE, 0), 0);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, moved_paragraph_is_one_move)
{
	const char *a = "# Title\n\nFirst paragraph says the municipalities need more freedom.\n\n"
		"Second paragraph is about budgets and how they should be set.\n\n"
		"Third paragraph closes with thanks to everyone who took part.\n";
	const char *b = "# Title\n\nSecond paragraph is about budgets and how they should be set.\n\n"
		"Third paragraph closes with thanks to everyone who took part.\n\n"
		"First paragraph says the municipalities need more freedom.\n";
	stance_diff *d = diff_texts(a, b);
	cr_assert_eq(count_ops(d, STANCE_DIFF_MOVE, 1), 1);
	cr_assert_eq(count_ops(d, STANCE_DIFF_INSERT, 1), 0);
	cr_assert_eq(count_ops(d, STANCE_DIFF_DELETE, 1), 0);
	cr_assert_eq(stance_diff_get_stats(d)->blocks_moved, 1);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, moved_and_edited_paragraph_is_a_move_with_edits_inside)
{
	const char *a = "Intro line that stays where it is, unchanged.\n\n"
		"This paragraph will move to the end and get one word changed inside it.\n\n"
		"Middle text that also stays where it is.\n";
	const char *b = "Intro line that stays where it is, unchanged.\n\n"
		"Middle text that also stays where it is.\n\n"
		"This paragraph will move to the end and get one term changed inside it.\n";
	stance_diff *d = diff_texts(a, b);
	size_t i, n = stance_diff_op_count(d);
	int seen = 0;
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op == STANCE_DIFF_MOVE) {
			size_t c, ins = 0;
			seen++;
			for (c = 1; c <= o->children; c++)
				ins += stance_diff_op_at(d, i + c)->op == STANCE_DIFF_INSERT;
			cr_assert_eq(ins, 1, "the move holds its one edit");
			i += o->children;
		}
	}
	cr_assert_eq(seen, 1);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, word_change_marks_whole_words)
{
	stance_diff *d = diff_texts("KL mener, at kommunerne skal have mere frihed.\n",
		"KL mener, at kommunerne bør have mere frihed.\n");
	char *del = first_text(d, STANCE_DIFF_DELETE), *ins = first_text(d, STANCE_DIFF_INSERT);
	cr_assert_str_eq(del, "skal");
	cr_assert_str_eq(ins, "bør");
	free(del);
	free(ins);
	stance_diff_free(d);
}

Test(diff, danish_letters_stay_in_their_word)
{
	stance_diff *d = diff_texts("Vi spiser smør og brød hver dag her.\n", "Vi spiser smor og brød hver dag her.\n");
	char *del = first_text(d, STANCE_DIFF_DELETE);
	cr_assert_str_eq(del, "smør");
	free(del);
	stance_diff_free(d);
}

Test(diff, curly_quotes_are_their_own_tokens)
{
	stance_diff *d = diff_texts("Han sagde \xE2\x80\x9Dnej\xE2\x80\x9D til det hele i dag.\n",
		"Han sagde \xE2\x80\x9Dja\xE2\x80\x9D til det hele i dag.\n");
	char *del = first_text(d, STANCE_DIFF_DELETE);
	cr_assert_str_eq(del, "nej");
	free(del);
	stance_diff_free(d);
}

Test(diff, cjk_is_compared_per_character)
{
	stance_diff *d = diff_texts("我爱你们所有的人。\n", "我恨你们所有的人。\n");
	char *del = first_text(d, STANCE_DIFF_DELETE), *ins = first_text(d, STANCE_DIFF_INSERT);
	cr_assert_str_eq(del, "爱");
	cr_assert_str_eq(ins, "恨");
	free(del);
	free(ins);
	stance_diff_free(d);
}

Test(diff, words_count_as_the_diff_counts_them)
{
	/* one counter: a whole inserted text's words are what the diff says
	 * were added, apostrophe words and CJK characters included */
	const char *text = "KL's plan: 2.5 mio. kr. til æblerne \xe2\x80\x94 我爱你们。\n";
	stance_diff *d = diff_texts("", text);
	cr_assert_eq(stance_words_count(text), 12, "%zu", stance_words_count(text));
	cr_assert_eq(stance_diff_get_stats(d)->words_added, stance_words_count(text));
	cr_assert_eq(stance_words_count(NULL), 0);
	stance_diff_free(d);
}

Test(diff, block_markers_are_read_once)
{
	/* seg_block_marker: what seg_blocks classifies by and the renderers drop */
	stance_block_kind kind;
	int level;
	cr_assert_eq(seg_block_marker("## Title\n", 9, &kind, &level), 3);
	cr_assert_eq(kind, STANCE_BLOCK_HEADING);
	cr_assert_eq(level, 2);
	cr_assert_eq(seg_block_marker("####### seven\n", 14, NULL, NULL), 0);
	cr_assert_eq(seg_block_marker("#hashtag\n", 9, NULL, NULL), 0);
	cr_assert_eq(seg_block_marker("  - [ ] task\n", 13, &kind, &level), 8);
	cr_assert_eq(kind, STANCE_BLOCK_LIST_ITEM);
	cr_assert_eq(level, 0);
	cr_assert_eq(seg_block_marker("12) item\n", 9, &kind, NULL), 4);
	cr_assert_eq(kind, STANCE_BLOCK_LIST_ITEM);
	cr_assert_eq(seg_block_marker("2.5 mio.\n", 9, NULL, NULL), 0);
	cr_assert_eq(seg_block_marker("---\n", 4, NULL, NULL), 0);
	cr_assert_eq(seg_block_marker("> quoted\n", 9, &kind, NULL), 2);
	cr_assert_eq(kind, STANCE_BLOCK_QUOTE);
	cr_assert_eq(seg_block_marker("| a | b |\n", 10, &kind, NULL), 2);
	cr_assert_eq(kind, STANCE_BLOCK_TABLE_ROW);
	cr_assert_eq(seg_block_marker("Plain.\n", 7, NULL, NULL), 0);
}

Test(diff, emoji_graphemes_are_never_split)
{
	/* family man-woman-girl vs man-woman-boy: one grapheme each */
	const char *a = "Familien \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 er her i dag og i morgen.\n";
	const char *b = "Familien \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA6 er her i dag og i morgen.\n";
	stance_diff *d = diff_texts(a, b);
	char *del = first_text(d, STANCE_DIFF_DELETE);
	cr_assert_str_eq(del, "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7");
	free(del);
	stance_diff_free(d);
}

Test(diff, rewritten_sentence_is_replaced_whole)
{
	stance_diff *d = diff_texts("Intro stays. The council will cut the budget for schools next year. End stays.\n",
		"Intro stays. Parents protested loudly outside the town hall on Monday. End stays.\n");
	cr_assert_eq(count_ops(d, STANCE_DIFF_DELETE, 0), 1);
	cr_assert_eq(stance_diff_op_at(d, 1)->unit, STANCE_DIFF_SENTENCE);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, by_paragraph_shows_whole_blocks)
{
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *d = NULL;
	const char *a = "Alpha beta gamma delta.\n\nSame.\n", *b = "Alpha beta gamma epsilon.\n\nSame.\n";
	size_t i;
	o.by = STANCE_DIFF_BLOCK;
	cr_assert_eq(stance_diff_texts(&d, a, strlen(a), b, strlen(b), &o), 0);
	check_tiling(d);
	for (i = 0; i < stance_diff_op_count(d); i++)
		cr_assert_eq(stance_diff_op_at(d, i)->unit, STANCE_DIFF_BLOCK);
	stance_diff_free(d);
}

Test(diff, cost_bound_falls_back_and_says_so)
{
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *d = NULL;
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	int i;
	for (i = 0; i < 400; i++) {
		stance_buf_printf(&a, "Paragraph %d has words w%d and x%d.\n\n", i, i * 7 % 13, i % 5);
		stance_buf_printf(&b, "Paragraph %d has words w%d and y%d.\n\n", i * 3 % 400, i * 5 % 11, i % 3);
	}
	o.max_cost = 1000;
	cr_assert_eq(stance_diff_texts(&d, a.ptr, a.size, b.ptr, b.size, &o), 0);
	check_tiling(d);
	check_json_rebuild(d);
	cr_assert_not_null(stance_diff_fallback(d));
	cr_assert(strstr(stance_diff_fallback(d), "cost bound") != NULL);
	stance_diff_free(d);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
}

Test(diff, front_matter_changes_are_fields)
{
	stance_document *a = NULL, *b = NULL;
	stance_diff *d = NULL;
	stance_diff_field f;
	const char *ta = "---\ntitle: Old title\nkind: debate\n---\nBody.\n";
	const char *tb = "---\ntitle: New title\nkind: debate\n---\nBody.\n";
	cr_assert_eq(stance_document_parse(&a, ta, strlen(ta), "a.md"), 0);
	cr_assert_eq(stance_document_parse(&b, tb, strlen(tb), "b.md"), 0);
	cr_assert_eq(stance_diff_documents(&d, a, b, NULL), 0);
	cr_assert_eq(stance_diff_field_count(d), 1);
	stance_diff_field_at(&f, d, 0);
	cr_assert_str_eq(f.name, "title");
	cr_assert_str_eq(f.old_value, "Old title");
	cr_assert_str_eq(f.new_value, "New title");
	cr_assert_eq(stance_diff_has_changes(d), 1);
	stance_diff_free(d);
	stance_document_free(a);
	stance_document_free(b);
}

/* Bodies read where they are (borrow_bodies) give the very same diff as
 * copied ones, and the diff's texts are the caller's bytes. */
Test(diff, borrowed_bodies_diff_as_copies)
{
	stance_document *a = NULL, *b = NULL;
	stance_diff *dc = NULL, *db = NULL;
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	const char *ob = "# Title\n\nVi skal bygge flere boliger. Det er godt.\n\nUændret afsnit her.\n";
	const char *nb = "# Title\n\nVi bør bygge mange flere boliger. Det er godt.\n\nUændret afsnit her.\n\nNyt.\n";
	size_t i, len;
	cr_assert_eq(stance_document_new(&a), 0);
	cr_assert_eq(stance_document_new(&b), 0);
	o.old_body = ob;
	o.old_body_len = strlen(ob);
	o.new_body = nb;
	o.new_body_len = strlen(nb);
	cr_assert_eq(stance_diff_documents(&dc, a, b, &o), 0, "%s", stance_error_last());
	o.borrow_bodies = 1;
	cr_assert_eq(stance_diff_documents(&db, a, b, &o), 0, "%s", stance_error_last());
	cr_assert(stance_diff_old_text(db, &len) == ob);
	cr_assert_eq(len, strlen(ob));
	cr_assert(stance_diff_new_text(db, &len) == nb);
	cr_assert(stance_diff_old_text(dc, &len) != ob);
	cr_assert_gt(stance_diff_op_count(dc), 1);
	cr_assert_eq(stance_diff_op_count(db), stance_diff_op_count(dc));
	for (i = 0; i < stance_diff_op_count(dc); i++) {
		const stance_diff_op *x = stance_diff_op_at(db, i), *y = stance_diff_op_at(dc, i);
		cr_assert(x->op == y->op && x->unit == y->unit && x->old_start == y->old_start &&
			x->old_end == y->old_end && x->new_start == y->new_start && x->new_end == y->new_end &&
			x->old_block == y->old_block && x->new_block == y->new_block && x->children == y->children,
			"op %zu differs", i);
	}
	cr_assert_eq(stance_diff_get_stats(db)->words_added, stance_diff_get_stats(dc)->words_added);
	cr_assert_eq(stance_diff_get_stats(db)->words_removed, stance_diff_get_stats(dc)->words_removed);
	stance_diff_free(db);
	stance_diff_free(dc);
	stance_document_free(a);
	stance_document_free(b);
}

Test(diff, unit_names_parse)
{
	stance_diff_unit u;
	cr_assert_eq(stance_diff_unit_parse(&u, "sentence"), 0);
	cr_assert_eq(u, STANCE_DIFF_SENTENCE);
	cr_assert_eq(stance_diff_unit_parse(&u, "paragraph"), 0);
	cr_assert_eq(u, STANCE_DIFF_BLOCK);
	cr_assert_eq(stance_diff_unit_parse(&u, "letter"), STANCE_EINVALID);
	cr_assert(strstr(stance_error_last(), "letter") != NULL);
}

/* ---- random edits ---- */

static unsigned long rng_state;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng_state >> 33) % n);
}

static const char *const words[] = {
	"kommune", "skal", "bør", "velfærd", "nærhed", "æble", "øre", "ål", "frihed", "regler",
	"\xE2\x80\x9C" "citat" "\xE2\x80\x9D", "\xE2\x80\x94", "KL's", "2020", "og", "at", "det", "vi",
	"\xF0\x9F\x98\x80", "\xE4\xB8\xAD\xE6\x96\x87", "café", "naïve", "policy", "must", "the", "a", NULL
};

static void random_paragraph(stance_buf *b, unsigned nwords)
{
	unsigned i, col = 0;
	static const char *const starts[] = { "", "", "", "# ", "- ", "1. ", "> " };
	stance_buf_puts(b, starts[rnd(7)]);
	for (i = 0; i < nwords; i++) {
		const char *w = words[rnd(STANCE_ARRAY_SIZE(words) - 1)];
		if (i) {
			if (col > 20 + rnd(40)) {
				stance_buf_putc(b, '\n');
				col = 0;
			} else {
				stance_buf_putc(b, ' ');
			}
		}
		stance_buf_puts(b, w);
		col += (unsigned)strlen(w) + 1;
		if (rnd(9) == 0)
			stance_buf_putc(b, '.');
	}
	stance_buf_puts(b, ".\n\n");
}

Test(diff, random_edits_rebuild_both_sides)
{
	int round;
	rng_state = 20201204;
	for (round = 0; round < 60; round++) {
		stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
		unsigned np = 1 + rnd(12), p;
		unsigned long saved;
		stance_diff *d;
		for (p = 0; p < np; p++) {
			unsigned len = 3 + rnd(30);
			/* the same paragraph on both sides, then an edit on one */
			saved = rng_state;
			random_paragraph(&a, len);
			switch (rnd(6)) {
			case 0: /* unchanged, re-wrapped the same */
				rng_state = saved;
				random_paragraph(&b, len);
				break;
			case 1: /* dropped */
				break;
			case 2: /* another paragraph */
				random_paragraph(&b, 3 + rnd(30));
				break;
			default: { /* the same words with a few changes: regenerate with the same seed, then edit */
				stance_buf tmp = STANCE_BUF_INIT;
				size_t cut;
				rng_state = saved;
				random_paragraph(&tmp, len);
				cut = tmp.size > 4 ? rnd((unsigned)tmp.size - 3) : 0;
				while (cut > 0 && ((unsigned char)tmp.ptr[cut] & 0xC0) == 0x80)
					cut--;
				stance_buf_put(&b, tmp.ptr, cut);
				stance_buf_puts(&b, rnd(2) ? " ny tekst " : "");
				stance_buf_puts(&b, tmp.ptr + cut);
				stance_buf_dispose(&tmp);
				break;
			}
			}
		}
		if (rnd(3) == 0)
			random_paragraph(&b, 5);
		d = NULL;
		cr_assert_eq(stance_diff_texts(&d, a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size, NULL), 0);
		check_tiling(d);
		check_json_rebuild(d);
		{
			/* every renderer takes every script */
			stance_render_format f;
			for (f = STANCE_RENDER_TERM; f <= STANCE_RENDER_JSON; f++) {
				stance_buf out = STANCE_BUF_INIT;
				cr_assert_eq(stance_render(&out, f, d, NULL), 0, "format %d", (int)f);
				stance_buf_dispose(&out);
			}
		}
		stance_diff_free(d);
		stance_buf_dispose(&a);
		stance_buf_dispose(&b);
	}
}

/* ---- the bgb revisions: 1.3 MB of law, five pairs ---- */

static stance_document *load(const char *rel)
{
	char *path = th_shared(rel);
	stance_buf raw = STANCE_BUF_INIT;
	stance_document *doc = NULL;
	cr_assert_eq(stance_file_read(&raw, path), 0, "%s", stance_error_last());
	cr_assert_eq(stance_document_parse(&doc, raw.ptr, raw.size, path), 0, "%s", stance_error_last());
	stance_buf_dispose(&raw);
	free(path);
	return doc;
}

Test(diff, bgb_consecutive_revisions_rebuild_both_sides, .timeout = 600)
{
	static const char *const files[] = {
		"fixtures/revisions/bgb/01-2012-08-02.md", "fixtures/revisions/bgb/02-2012-08-06.md",
		"fixtures/revisions/bgb/03-2012-10-16.md", "fixtures/revisions/bgb/04-2012-12-02.md",
		"fixtures/revisions/bgb/05-2013-01-11.md", "fixtures/revisions/bgb/06-2022-01-28.md", NULL
	};
	stance_document *prev = load(files[0]);
	size_t i;
	for (i = 1; files[i]; i++) {
		stance_document *cur = load(files[i]);
		stance_diff *d = NULL;
		cr_assert_eq(stance_diff_documents(&d, prev, cur, NULL), 0, "%s", stance_error_last());
		check_tiling(d);
		check_json_rebuild(d);
		cr_assert_eq(stance_diff_has_changes(d), 1, "%s changed", files[i]);
		/* a small amendment stays small */
		if (i == 1)
			cr_assert_lt(stance_diff_get_stats(d)->words_added + stance_diff_get_stats(d)->words_removed, 2000);
		stance_diff_free(d);
		stance_document_free(prev);
		prev = cur;
	}
	stance_document_free(prev);
}

/* ---- positions between the seeds ---- */

Test(diff, seeds_pair_reworded_positions)
{
	stance_document *a = load("corpus/seeds/000_c9d68bdf9739242c.txt");
	stance_document *b = load("corpus/seeds/003_609a7df20136812a.txt");
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *d = NULL;
	const stance_diff_stats *st;
	o.language = "da";
	cr_assert_eq(stance_diff_documents(&d, a, b, &o), 0);
	st = stance_diff_get_stats(d);
	cr_assert_geq(st->positions_reworded, 5, "reworded: %zu", st->positions_reworded);
	{
		/* the debate piece's "Det kræver en stærk og nærværende faglig
		 * ledelse." is the theme page's bullet, restated without a marker */
		const stance_position_change_list *ch = stance_diff_position_changes(d);
		const stance_position_list *ol = stance_diff_positions(d, 0), *nl = stance_diff_positions(d, 1);
		size_t i;
		int seen = 0;
		for (i = 0; i < ch->count; i++) {
			const stance_position_change *c = &ch->items[i];
			if (c->kind == STANCE_POSITION_REWORDED &&
			    strstr(ol->items[c->old_index].text, "Det kræver en stærk og nærværende faglig ledelse")) {
				cr_assert(strstr(nl->items[c->new_index].text, "En stærk og nærværende ledelse") != NULL,
					"paired with: %s", nl->items[c->new_index].text);
				seen = 1;
			}
		}
		cr_assert(seen, "the leadership position was not paired");
	}
	check_tiling(d);
	stance_diff_free(d);
	stance_document_free(a);
	stance_document_free(b);
}

Test(diff, moved_sentence_is_one_move)
{
	stance_diff *d = diff_texts(
		"First sentence stays here. Second sentence will move to the end of this paragraph. Third one stays too.\n",
		"First sentence stays here. Third one stays too. Second sentence will move to the end of this paragraph.\n");
	size_t i, moves = 0;
	for (i = 0; i < stance_diff_op_count(d); i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op == STANCE_DIFF_MOVE) {
			moves++;
			cr_assert_eq(o->unit, STANCE_DIFF_SENTENCE);
			i += o->children;
		}
	}
	cr_assert_eq(moves, 1);
	cr_assert_eq(count_ops(d, STANCE_DIFF_INSERT, 1) + count_ops(d, STANCE_DIFF_DELETE, 1), 0);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, by_char_compares_inside_words)
{
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *d = NULL;
	const char *a = "The colour of the sky is blue today.\n", *b = "The color of the sky is blue today.\n";
	char *del;
	o.by = STANCE_DIFF_CHAR;
	cr_assert_eq(stance_diff_texts(&d, a, strlen(a), b, strlen(b), &o), 0);
	check_tiling(d);
	del = first_text(d, STANCE_DIFF_DELETE);
	cr_assert_str_eq(del, "u");
	cr_assert_eq(count_ops(d, STANCE_DIFF_INSERT, 0), 0);
	free(del);
	check_json_rebuild(d);
	stance_diff_free(d);
}

Test(diff, moved_and_edited_sentence_is_a_move_with_its_edit)
{
	stance_diff *d = diff_texts(
		"First sentence stays here. Second sentence will move to the end of this paragraph. Third one stays too.\n",
		"First sentence stays here. Third one stays too. Second sentence will move to the very end of this paragraph.\n");
	size_t i, moves = 0, inside = 0;
	for (i = 0; i < stance_diff_op_count(d); i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		if (o->op == STANCE_DIFF_MOVE) {
			size_t c;
			moves++;
			for (c = 1; c <= o->children; c++)
				inside += stance_diff_op_at(d, i + c)->op == STANCE_DIFF_INSERT;
			i += o->children;
		}
	}
	cr_assert_eq(moves, 1);
	cr_assert_eq(inside, 1, "the inserted word is inside the move");
	check_json_rebuild(d);
	stance_diff_free(d);
}

/* skip_positions leaves the statements unread and the word diff as it was */
Test(diff, skip_positions_reads_no_statements_and_keeps_the_ops)
{
	const char *a = "Vi skal bygge flere boliger.\n\nEn anden sag.\n";
	const char *b = "Vi skal bygge mange flere boliger.\n\nEn anden sag.\n\nKommunen bør handle nu.\n";
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_diff *full = NULL, *lean = NULL;
	size_t i;
	cr_assert_eq(stance_diff_texts(&full, a, strlen(a), b, strlen(b), &o), 0);
	o.skip_positions = 1;
	cr_assert_eq(stance_diff_texts(&lean, a, strlen(a), b, strlen(b), &o), 0);
	cr_assert_gt(stance_diff_get_stats(full)->positions_added, 0);
	cr_assert_eq(stance_diff_get_stats(lean)->positions_added, 0);
	cr_assert_eq(stance_diff_position_changes(lean)->count, 0);
	cr_assert_eq(stance_diff_positions(lean, 1)->count, 0);
	cr_assert_eq(stance_diff_op_count(full), stance_diff_op_count(lean));
	for (i = 0; i < stance_diff_op_count(full); i++)
		cr_assert_eq(memcmp(stance_diff_op_at(full, i), stance_diff_op_at(lean, i), sizeof(stance_diff_op)), 0);
	cr_assert_eq(stance_diff_get_stats(full)->words_added, stance_diff_get_stats(lean)->words_added);
	stance_diff_free(full);
	stance_diff_free(lean);
}

/* ---- bytes that are not text ---- */

Test(diff, texts_holding_a_nul_are_refused)
{
	/* the bytes after the NUL live in the caller's buffer only; a copy
	 * that stopped at the NUL and kept the length would read past it */
	static const char old_text[] = "Der er brug\0 for mere frihed i kommunerne.\n";
	static const char new_text[] = "Der er brug for mere frihed.\n";
	static const char bad_utf8[] = "Der er \xc3\x28 frihed.\n";
	stance_diff *d = NULL;
	stance_diff_options o = STANCE_DIFF_OPTIONS_INIT;
	stance_document *doc = NULL;

	cr_assert_lt(stance_diff_texts(&d, old_text, sizeof(old_text) - 1, new_text, sizeof(new_text) - 1, NULL), 0);
	cr_assert_null(d);
	cr_assert(strstr(stance_error_last(), "old text: line 1, byte 12: contains a NUL byte"), "%s",
		stance_error_last());
	cr_assert_lt(stance_diff_texts(&d, new_text, sizeof(new_text) - 1, old_text, sizeof(old_text) - 1, NULL), 0);
	cr_assert(strstr(stance_error_last(), "new text") && strstr(stance_error_last(), "NUL"), "%s",
		stance_error_last());
	cr_assert_lt(stance_diff_texts(&d, bad_utf8, sizeof(bad_utf8) - 1, new_text, sizeof(new_text) - 1, NULL), 0);
	cr_assert(strstr(stance_error_last(), "invalid UTF-8"), "%s", stance_error_last());
	cr_assert_null(d);

	/* bodies handed to the document diff are checked the same way */
	o.old_body = old_text;
	o.old_body_len = sizeof(old_text) - 1;
	o.new_body = new_text;
	o.new_body_len = sizeof(new_text) - 1;
	cr_assert_eq(stance_document_new(&doc), 0);
	cr_assert_lt(stance_diff_documents(&d, NULL, doc, &o), 0);
	cr_assert(strstr(stance_error_last(), "NUL"), "%s", stance_error_last());
	cr_assert_null(d);
	stance_document_free(doc);
}

/* ---- golden edit scripts ---- */

/* A range of a body, quoted, its newlines as \n. */
static void put_range(stance_buf *out, const char *text, size_t start, size_t end)
{
	size_t k;
	stance_buf_putc(out, '"');
	for (k = start; k < end; k++) {
		if (text[k] == '\n')
			stance_buf_puts(out, "\\n");
		else if (text[k] == '"' || text[k] == '\\')
			stance_buf_printf(out, "\\%c", text[k]);
		else
			stance_buf_putc(out, text[k]);
	}
	stance_buf_putc(out, '"');
}

/* The script as text: the changed fields, the counts, then one line an op
 * (the ops inside a move indented below it). */
static void dump_script(stance_buf *out, const stance_diff *d)
{
	const stance_diff_stats *s = stance_diff_get_stats(d);
	size_t i, n = stance_diff_op_count(d), inside = 0, ol, nl;
	const char *ot = stance_diff_old_text(d, &ol), *nt = stance_diff_new_text(d, &nl);
	for (i = 0; i < stance_diff_field_count(d); i++) {
		stance_diff_field f;
		cr_assert_eq(stance_diff_field_at(&f, d, i), 0);
		stance_buf_printf(out, "field %s: %s -> %s\n", f.name, f.old_value ? f.old_value : "(unset)",
			f.new_value ? f.new_value : "(unset)");
	}
	stance_buf_printf(out, "words +%zu -%zu moved %zu; blocks moved %zu; fields %zu; "
		"positions +%zu -%zu reworded %zu%s%s\n", s->words_added, s->words_removed, s->words_moved,
		s->blocks_moved, s->fields_changed, s->positions_added, s->positions_removed,
		s->positions_reworded, stance_diff_fallback(d) ? "; fallback: " : "",
		stance_diff_fallback(d) ? stance_diff_fallback(d) : "");
	for (i = 0; i < n; i++) {
		const stance_diff_op *o = stance_diff_op_at(d, i);
		stance_buf_printf(out, "%s%s %s old %zu-%zu new %zu-%zu ", inside ? "  " : "",
			stance_diff_op_name(o->op), stance_diff_unit_name(o->unit), o->old_start, o->old_end,
			o->new_start, o->new_end);
		if (o->op == STANCE_DIFF_INSERT)
			put_range(out, nt, o->new_start, o->new_end);
		else
			put_range(out, ot, o->old_start, o->old_end);
		if (o->op == STANCE_DIFF_MOVE || (o->op == STANCE_DIFF_EQUAL && o->old_end - o->old_start !=
			o->new_end - o->new_start)) {
			stance_buf_puts(out, " -> ");
			put_range(out, nt, o->new_start, o->new_end);
		}
		stance_buf_putc(out, '\n');
		if (inside)
			inside--;
		if (o->op == STANCE_DIFF_MOVE)
			inside = o->children;
	}
}

/* Each folder of tests/fixtures/diff (old.md, new.md) diffs to the script in
 * its expected.script: a new case is a new folder; STANCE_UPDATE_GOLDEN=1
 * writes the script (and, in test_render.c, the renderings). */
Test(diff_golden, fixture_cases_give_their_scripts)
{
	char *dir = th_source("tests/fixtures/diff");
	size_t count, i;
	char **cases = th_list(dir, "", 1, &count);
	cr_assert_geq(count, 2, "only %zu cases in %s", count, dir);
	for (i = 0; i < count; i++) {
		stance_buf raw = STANCE_BUF_INIT, out = STANCE_BUF_INIT, path = STANCE_BUF_INIT;
		stance_document *a = NULL, *b = NULL;
		stance_diff *d = NULL;
		stance_buf_printf(&path, "%s/%s/old.md", dir, cases[i]);
		cr_assert_eq(stance_file_read(&raw, path.ptr), 0, "%s", stance_error_last());
		cr_assert_eq(stance_document_parse(&a, raw.ptr, raw.size, path.ptr), 0, "%s", stance_error_last());
		stance_buf_clear(&raw);
		stance_buf_clear(&path);
		stance_buf_printf(&path, "%s/%s/new.md", dir, cases[i]);
		cr_assert_eq(stance_file_read(&raw, path.ptr), 0, "%s", stance_error_last());
		cr_assert_eq(stance_document_parse(&b, raw.ptr, raw.size, path.ptr), 0, "%s", stance_error_last());
		cr_assert_eq(stance_diff_documents(&d, a, b, NULL), 0, "%s", stance_error_last());
		check_tiling(d);
		dump_script(&out, d);
		stance_buf_clear(&path);
		stance_buf_printf(&path, "%s/%s/expected.script", dir, cases[i]);
		th_golden(path.ptr, out.ptr, out.size, cases[i]);
		stance_diff_free(d);
		stance_document_free(a);
		stance_document_free(b);
		stance_buf_dispose(&raw);
		stance_buf_dispose(&out);
		stance_buf_dispose(&path);
	}
	th_list_free(cases);
	free(dir);
}
