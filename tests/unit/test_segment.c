/*
 * test_segment.c: the segmentation of prose the diff and the positions read
 * (segment.h, internal to the library: it has no public header): tokens tile
 * the text exactly, Danish words stay whole, graphemes (emoji, combining
 * marks) are never split, CJK is one token a character; sentences end at a
 * full stop before a capital, not after "bl.a." or "4."; blocks of a
 * canonical body tile it, each of its kind; reflowed text hashes alike.
 * Empty text, a very long text and text that is not valid UTF-8.
 */
#include "helpers.h"
#include "segment.h"

#include <string.h>

/* The tokens of `text` as "kind:text|..." (kinds: s w p c). */
static char *tokens(const char *text, int graphemes)
{
	seg_tokens t = { 0 };
	stance_buf b = STANCE_BUF_INIT;
	size_t i, len = strlen(text), pos = 0;
	cr_assert_eq(seg_tokenize_ex(&t, text, len, graphemes), 0, "%s", stance_error_last());
	for (i = 0; i < t.count; i++) {
		static const char kinds[] = "swpc";
		cr_assert_eq(t.items[i].start, pos, "token %zu of '%s' does not start where the last ended", i, text);
		cr_assert_gt(t.items[i].end, t.items[i].start, "token %zu of '%s' is empty", i, text);
		pos = t.items[i].end;
		stance_buf_printf(&b, "%s%c:%.*s", i ? "|" : "", kinds[t.items[i].kind],
			(int)(t.items[i].end - t.items[i].start), text + t.items[i].start);
	}
	cr_assert_eq(pos, len, "the tokens of '%s' stop at byte %zu of %zu", text, pos, len);
	free(t.items);
	return stance_buf_detach(&b);
}

static void expect_tokens(const char *text, const char *want)
{
	char *got = tokens(text, 0);
	cr_expect_str_eq(got, want, "'%s'", text);
	free(got);
}

/* The sentences of `text`, joined by " / " (each without the whitespace
 * after it, which belongs to it). Checks that they tile the tokens. */
static char *sentences(const char *text)
{
	seg_tokens t = { 0 };
	size_t *ends = NULL, count = 0, alloc = 0, i, from = 0;
	stance_buf b = STANCE_BUF_INIT;
	size_t len = strlen(text);
	cr_assert_eq(seg_tokenize(&t, text, len), 0);
	cr_assert_eq(seg_sentences(&ends, &count, &alloc, text, &t, 0, t.count), 0);
	cr_assert(count == 0 ? t.count == 0 : ends[count - 1] == t.count, "the last sentence ends at the last token");
	for (i = 0; i < count; i++) {
		size_t to = ends[i], s, e;
		cr_assert_lt(from, to, "sentence %zu of '%s' is empty", i, text);
		while (to > from + 1 && t.items[to - 1].kind == SEG_SPACE)
			to--;
		s = t.items[from].start;
		e = t.items[to - 1].end;
		stance_buf_printf(&b, "%s%.*s", i ? " / " : "", (int)(e - s), text + s);
		from = ends[i];
	}
	free(ends);
	free(t.items);
	return stance_buf_detach(&b);
}

Test(segment, tokens_tile_the_text_and_keep_words_whole)
{
	expect_tokens("", "");
	expect_tokens("  \n\t", "s:  \n\t");
	expect_tokens("Kommunen skal", "w:Kommunen|s: |w:skal");
	expect_tokens("blåbærgrød og fløde.", "w:blåbærgrød|s: |w:og|s: |w:fløde|p:.");
	expect_tokens("ÆØÅ-æøå", "w:ÆØÅ|p:-|w:æøå");
	expect_tokens("«Nej», sagde hun", "p:«|w:Nej|p:»|p:,|s: |w:sagde|s: |w:hun");
	expect_tokens("\xe2\x80\x9cJa\xe2\x80\x9d", "p:\xe2\x80\x9c|w:Ja|p:\xe2\x80\x9d");
	expect_tokens("år 2025", "w:år|s: |w:2025");
	expect_tokens("cafe\xcc\x81!", "w:cafe\xcc\x81|p:!");
	expect_tokens("中文字", "c:中|c:文|c:字");
	/* an emoji of several code points (a family, joined) is one token */
	expect_tokens("ja \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 nej",
		"w:ja|s: |p:\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7|s: |w:nej");
	/* a flag: two regional indicators, one grapheme */
	expect_tokens("\xf0\x9f\x87\xa9\xf0\x9f\x87\xb0", "p:\xf0\x9f\x87\xa9\xf0\x9f\x87\xb0");
}

Test(segment, graphemes_mode_makes_each_letter_a_token)
{
	char *got = tokens("bør ja", 1);
	cr_expect_str_eq(got, "w:b|w:ø|w:r|s: |w:j|w:a");
	free(got);
	got = tokens("e\xcc\x81", 1);
	cr_expect_str_eq(got, "w:e\xcc\x81", "a letter and its accent stay one grapheme");
	free(got);
}

Test(segment, invalid_utf8_still_tiles)
{
	/* documents are checked before, but the tokenizer must not read past
	 * or lose bytes of text that is not UTF-8 */
	char *got = tokens("ab\xff\xfe cd \xc3", 0);
	cr_expect(strstr(got, "cd") != NULL, "%s", got);
	free(got);
}

Test(segment, sentences_end_at_a_full_stop_before_a_capital)
{
	char *got = sentences("Kommunen skal betale. Regionen bør hjælpe! Hvem gør det? Ingen.");
	cr_expect_str_eq(got, "Kommunen skal betale. / Regionen bør hjælpe! / Hvem gør det? / Ingen.");
	free(got);
	got = sentences("Det gælder bl.a. skoler. Mødet er den 4. december i år.");
	cr_expect_str_eq(got, "Det gælder bl.a. skoler. / Mødet er den 4. december i år.",
		"abbreviations and ordinals end no sentence");
	free(got);
	got = sentences("Han sagde: \xe2\x80\x9cNej.\xe2\x80\x9d S\xc3\xa5 gik han.");
	cr_expect_str_eq(got, "Han sagde: \xe2\x80\x9cNej.\xe2\x80\x9d / S\xc3\xa5 gik han.",
		"the closing quote stays with its sentence");
	free(got);
	got = sentences("version 2.5 er ude. og så videre");
	cr_expect_str_eq(got, "version 2.5 er ude. og så videre", "a lowercase start is no new sentence");
	free(got);
	got = sentences("Ærø er en ø. Åen løber. Øen ligger.");
	cr_expect_str_eq(got, "Ærø er en ø. / Åen løber. / Øen ligger.", "Æ, Ø and Å are capitals too");
	free(got);
	got = sentences("");
	cr_expect_str_eq(got, "");
	free(got);
}

Test(segment, blocks_tile_a_body_each_of_its_kind)
{
	const char *body = "# Titel\n\nFørste afsnit\nfortsætter her.\n\n- punkt et\n- punkt to\n\n"
		"| a | b |\n| --- | --- |\n| 1 | 2 |\n\n> Et citat.\n\n```\nkode\n```\n\n## Under\n\nSidste.\n";
	static const stance_block_kind want[] = {
		STANCE_BLOCK_HEADING, STANCE_BLOCK_PARAGRAPH, STANCE_BLOCK_LIST_ITEM, STANCE_BLOCK_LIST_ITEM,
		STANCE_BLOCK_TABLE_ROW, STANCE_BLOCK_QUOTE, STANCE_BLOCK_CODE, STANCE_BLOCK_HEADING,
		STANCE_BLOCK_PARAGRAPH,
	};
	stance_diff_block *b = NULL;
	size_t n = 0, i, k, pos = 0, len = strlen(body);
	cr_assert_eq(seg_blocks(&b, &n, body, len), 0, "%s", stance_error_last());
	for (i = 0; i < n; i++) {
		cr_assert_eq(b[i].start, pos, "block %zu starts at %zu, not %zu", i, b[i].start, pos);
		pos = b[i].end;
	}
	cr_assert_eq(pos, len, "the blocks stop at %zu of %zu", pos, len);
	/* the table's rows may be one block each: compare the kinds in order, runs merged */
	for (i = 0, k = 0; i < n; i++) {
		if (i > 0 && b[i].kind == b[i - 1].kind && b[i].kind == STANCE_BLOCK_TABLE_ROW)
			continue;
		cr_assert_lt(k, sizeof(want) / sizeof(want[0]), "more blocks than expected: %zu", n);
		cr_expect_eq(b[i].kind, want[k], "block %zu ('%.*s') is of kind %d, not %d", i,
			(int)(b[i].end - b[i].start), body + b[i].start, b[i].kind, want[k]);
		k++;
	}
	cr_expect_eq(k, sizeof(want) / sizeof(want[0]));
	cr_expect_eq(b[0].level, 1);
	free(b);
	b = NULL;
	cr_assert_eq(seg_blocks(&b, &n, "", 0), 0);
	cr_expect_eq(n, 0, "an empty body has no blocks");
	free(b);
}

Test(segment, word_count_and_normalized_hash)
{
	const char *a = "Kommunen skal\nbetale for  skolerne.";
	const char *b = "  Kommunen skal betale\nfor skolerne.\n";
	cr_expect_eq(seg_count_words(a, strlen(a)), 5);
	cr_expect_eq(seg_count_words("", 0), 0);
	cr_expect_eq(seg_count_words("中文", strlen("中文")), 2, "CJK counts a word a character");
	cr_expect_eq(seg_hash_normalized(a, strlen(a)), seg_hash_normalized(b, strlen(b)),
		"reflowed text hashes alike");
	cr_expect_neq(seg_hash_normalized(a, strlen(a)), seg_hash_normalized("Kommunen skal betale.", 21));
	cr_expect_neq(seg_hash_normalized("bør", strlen("bør")), seg_hash_normalized("bor", 3));
}

Test(segment, a_very_long_paragraph)
{
	stance_buf t = STANCE_BUF_INIT;
	seg_tokens toks = { 0 };
	size_t *ends = NULL, count = 0, alloc = 0, i;
	for (i = 0; i < 100000; i++)
		stance_buf_puts(&t, "Kommunen skal betale. ");
	cr_assert_eq(seg_tokenize(&toks, t.ptr, t.size), 0);
	cr_expect_eq(toks.count, 100000 * 7);
	cr_expect_eq(toks.items[toks.count - 1].end, t.size);
	cr_assert_eq(seg_sentences(&ends, &count, &alloc, t.ptr, &toks, 0, toks.count), 0);
	cr_expect_eq(count, 100000, "one end a sentence");
	cr_expect_eq(seg_count_words(t.ptr, t.size), 300000);
	free(ends);
	free(toks.items);
	stance_buf_dispose(&t);
}

/* The sentences of `text` cut by seg_body_sentences, joined by " / ". */
static char *body_sentences(const char *text, size_t len)
{
	seg_sentence_list sl;
	stance_buf b = STANCE_BUF_INIT;
	size_t i;
	cr_assert_eq(seg_body_sentences(&sl, text, len), 0, "%s", stance_error_last());
	for (i = 0; i < sl.count; i++)
		stance_buf_printf(&b, "%s%.*s", i ? " / " : "", (int)(sl.items[i].end - sl.items[i].start),
			text + sl.items[i].start);
	free(sl.items);
	return stance_buf_detach(&b);
}

Test(segment, a_block_has_the_same_sentences_alone_and_inside_its_body)
{
	/* a body that starts with a line break, a list in its first block */
	const char *body = "\n- Første punkt. Anden sætning.\n- Andet punkt.\n\nEt afsnit.\n";
	const char *list = "- Første punkt. Anden sætning.\n- Andet punkt.\n";
	const char *para = "Et afsnit.\n";
	char *whole = body_sentences(body, strlen(body));
	char *alone_list = body_sentences(list, strlen(list));
	char *alone_para = body_sentences(para, strlen(para));
	stance_buf joined = STANCE_BUF_INIT;
	stance_buf_printf(&joined, "%s / %s", alone_list, alone_para);
	cr_expect_str_eq(whole, "Første punkt. / Anden sætning. / Andet punkt. / Et afsnit.",
		"the list's first marker stays out of its sentence");
	cr_expect_str_eq(whole, joined.ptr, "the blocks cut alone give other sentences than the body");
	free(whole);
	free(alone_list);
	free(alone_para);
	stance_buf_dispose(&joined);
	/* blank lines with spaces, and a heading, before the first block */
	whole = body_sentences("  \n\n## Titel\n\nTekst.\n", 21);
	cr_expect_str_eq(whole, "Titel / Tekst.");
	free(whole);
}
