/*
 * test_pickaxe_paragraphs.c: `log -S` takes a revision's sentences before
 * and after from the search index's paragraphs, each cut alone once and
 * remembered (stance_pickaxe_paragraph), instead of from both whole bodies.
 * The two must give the same sentences, in the same order: compared here
 * on generated bodies with lists, headings, quotes, table rows, wrapped
 * and emphasised phrases and repeated paragraphs, for several phrases.
 */
#include "helpers.h"
#include "search_internal.h"

#include <string.h>

/* The runs of lines between blank lines of body, as the search index
 * keeps a body's paragraphs (search_index.c), each given a key by its
 * bytes: the same bytes, the same key. */
typedef struct {
	char *items[64];
	size_t count;
} paragraphs;

static char *distinct[4096];
static size_t ndistinct;

static uint64_t key_of(const char *text)
{
	size_t i;
	for (i = 0; i < ndistinct; i++)
		if (!strcmp(distinct[i], text))
			return i;
	cr_assert_lt(ndistinct, sizeof(distinct) / sizeof(*distinct));
	distinct[ndistinct] = strdup(text);
	return ndistinct++;
}

static void forget_keys(void)
{
	while (ndistinct)
		free(distinct[--ndistinct]);
}

/* The body's paragraphs as the index cuts them. */
static void split(paragraphs *out, const char *body)
{
	size_t len = strlen(body), p = 0, start, stop;
	out->count = 0;
	while (search_paragraph_next(body, len, &p, &start, &stop)) {
		cr_assert_lt(out->count, 64);
		out->items[out->count++] = strndup(body + start, stop - start);
	}
}

static void paragraphs_free(paragraphs *p)
{
	while (p->count)
		free(p->items[--p->count]);
}

/* The matches of each paragraph, through the pickaxe's memory. */
static void parts_of(const stance_pickaxe_hit_list **parts, stance_pickaxe *pk, const paragraphs *p)
{
	size_t i;
	for (i = 0; i < p->count; i++)
		cr_assert_eq(stance_pickaxe_paragraph(&parts[i], pk, key_of(p->items[i]), p->items[i],
			strlen(p->items[i])), 0, "%s", stance_error_last());
}

static void same_list(const stance_pickaxe_hit_list *want, const stance_pickaxe_hit_list *got,
	const char *side, const char *phrase, const char *a, const char *b)
{
	size_t i;
	cr_assert_eq(got->count, want->count, "-S '%s', %s: %zu sentences, not %zu, for\n%s\n---->\n%s", phrase,
		side, got->count, want->count, a, b);
	cr_assert_eq(got->hits, want->hits, "-S '%s', %s", phrase, side);
	for (i = 0; i < want->count; i++) {
		cr_assert_str_eq(got->items[i].text, want->items[i].text, "-S '%s', %s, sentence %zu", phrase, side, i);
		cr_assert_eq(got->items[i].hits, want->items[i].hits);
	}
}

/* The change a to b by paragraphs equals the one by whole bodies. */
static size_t compare(stance_pickaxe *pk, const char *phrase, const char *a, const char *b)
{
	stance_pickaxe_change whole, parts;
	const stance_pickaxe_hit_list *pa[64], *pb[64];
	paragraphs sa, sb;
	size_t shown;
	split(&sa, a);
	split(&sb, b);
	parts_of(pa, pk, &sa);
	parts_of(pb, pk, &sb);
	cr_assert_eq(stance_pickaxe_bodies_change(&whole, pk, a, strlen(a), b, strlen(b)), 0, "%s", stance_error_last());
	cr_assert_eq(stance_pickaxe_paragraphs_change(&parts, pa, sa.count, pb, sb.count), 0, "%s", stance_error_last());
	cr_assert_eq(parts.changed, 1);
	same_list(&whole.before, &parts.before, "before", phrase, a, b);
	same_list(&whole.after, &parts.after, "after", phrase, a, b);
	shown = whole.before.count + whole.after.count;
	stance_pickaxe_change_free(&whole);
	stance_pickaxe_change_free(&parts);
	paragraphs_free(&sa);
	paragraphs_free(&sb);
	return shown;
}

static const char *const lines[] = {
	"Vi vil have grønne kommuner.",
	"Kommunerne skal halvere udledningen inden 2030.",
	"Kommunerne skal **halvere\nudledningen** inden 2030. Det er målet.",
	"- halvere udledningen",
	"- grønne kommuner og nr. 5",
	"1. Kommunerne skal halvere udledningen. Skolerne.",
	"- [ ] Halvere udledningen? Ja! Grønne kommuner.",
	"# Grønne kommuner",
	"## Halvere udledningen",
	"> Vi skal halvere udledningen, siger de.",
	"| grønne kommuner | halvere udledningen |",
	"Skolerne skal have flere lærere.",
	"nr. 5 halvere udledningen nr. 5",
	"Udledningen halvere udledningen halvere.",
	"  indrykket: grønne\n  kommuner",
	"<!-- grønne kommuner -->",
	"frikommuner—reform og frikommuner.",
};
#define NLINES (sizeof(lines) / sizeof(*lines))

static const char *const separators[] = { "\n\n", "\n", "\n \n", "\n\n\n", "\n\t\n" };

/* A deterministic body of a few paragraphs from `seed`. */
static void body_from(stance_buf *out, unsigned *seed)
{
	size_t i, n;
	stance_buf_clear(out);
	*seed = *seed * 1103515245u + 12345u;
	n = 1 + (*seed >> 16) % 7;
	for (i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		if (i)
			stance_buf_puts(out, separators[(*seed >> 8) % (sizeof(separators) / sizeof(*separators))]);
		stance_buf_puts(out, lines[(*seed >> 16) % NLINES]);
	}
	stance_buf_puts(out, "\n");
}

Test(pickaxe_paragraphs, the_sentences_by_paragraph_are_those_of_the_whole_bodies)
{
	static const char *const phrases[] = { "halvere udledningen", "grønne kommuner", "udledningen",
		"nr 5", "kommuner", "frikommuner", "udledningen halvere" };
	size_t i, k, shown = 0;
	for (k = 0; k < sizeof(phrases) / sizeof(*phrases); k++) {
		stance_pickaxe *pk = NULL;
		stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
		unsigned seed = 7 + (unsigned)k;
		cr_assert_eq(stance_pickaxe_new(&pk, STANCE_PICKAXE_WORDS, phrases[k], 0, NULL), 0);
		body_from(&a, &seed);
		for (i = 0; i < 400; i++) {
			body_from(&b, &seed);
			shown += compare(pk, phrases[k], stance_buf_cstr(&a), stance_buf_cstr(&b));
			stance_buf_clear(&a);
			stance_buf_put(&a, b.ptr, b.size);
		}
		/* a text without any paragraph, both ways */
		shown += compare(pk, phrases[k], "", stance_buf_cstr(&a));
		shown += compare(pk, phrases[k], stance_buf_cstr(&a), "");
		stance_pickaxe_free(pk);
		stance_buf_dispose(&a);
		stance_buf_dispose(&b);
		forget_keys();
	}
	cr_assert_gt(shown, 1000, "the bodies change the phrases' sentences often: %zu", shown);
}

Test(pickaxe_paragraphs, a_paragraph_seen_is_answered_from_memory)
{
	stance_pickaxe *pk = NULL;
	const stance_pickaxe_hit_list *h = NULL, *again = NULL;
	const char *text = "Kommunerne skal halvere udledningen. Skolerne skal halvere udledningen.";
	cr_assert_eq(stance_pickaxe_new(&pk, STANCE_PICKAXE_WORDS, "halvere udledningen", 0, NULL), 0);
	cr_assert_null(stance_pickaxe_paragraph_seen(pk, 41));
	cr_assert_eq(stance_pickaxe_paragraph(&h, pk, 41, text, strlen(text)), 0);
	cr_assert_eq(h->count, 2);
	cr_assert_str_eq(h->items[1].text, "Skolerne skal halvere udledningen.");
	/* the key names the bytes: the text is not read again */
	cr_assert_eq(stance_pickaxe_paragraph(&again, pk, 41, "", 0), 0);
	cr_assert_eq(again, h);
	cr_assert_eq(stance_pickaxe_paragraph_seen(pk, 41), h);
	/* a paragraph without a match is remembered too, as an empty list */
	cr_assert_eq(stance_pickaxe_paragraph(&h, pk, 0, "Skolerne.", 9), 0);
	cr_assert_eq(h->count, 0);
	cr_assert_not_null(stance_pickaxe_paragraph_seen(pk, 0));
	stance_pickaxe_free(pk);
}
