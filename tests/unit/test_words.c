/*
 * test_words.c: the words module (words.h): words are runs of letters and
 * digits, Unicode-aware (Danish æ, ø, å inside a word, combining marks
 * kept); the delta of two texts is the difference of their word multisets,
 * so a moved word counts as neither; terminal widths count wide characters
 * twice and combining marks not at all. Empty and NULL texts, and texts of
 * a million words.
 */
#include "helpers.h"

#include <string.h>

static void delta(const char *a, const char *b, size_t want_added, size_t want_removed)
{
	size_t added = 99, removed = 99;
	cr_assert_eq(stance_words_delta(&added, &removed, a, b), 0, "%s", stance_error_last());
	cr_expect_eq(added, want_added, "'%s' -> '%s': %zu added, not %zu", a ? a : "(null)", b ? b : "(null)",
		added, want_added);
	cr_expect_eq(removed, want_removed, "'%s' -> '%s': %zu removed, not %zu", a ? a : "(null)",
		b ? b : "(null)", removed, want_removed);
}

Test(words, counts_runs_of_letters_and_digits)
{
	cr_expect_eq(stance_words_count(NULL), 0);
	cr_expect_eq(stance_words_count(""), 0);
	cr_expect_eq(stance_words_count("   \n\t  "), 0);
	cr_expect_eq(stance_words_count("— , . ! ?"), 0, "punctuation is no word");
	cr_expect_eq(stance_words_count("one"), 1);
	cr_expect_eq(stance_words_count("  one  two\nthree\t"), 3);
	cr_expect_eq(stance_words_count("Kommunerne skal have frihed i 2025."), 6);
	cr_expect_eq(stance_words_count("blåbærgrød, æbleskiver og rødgrød med fløde"), 6,
		"æ, ø and å stay inside their word");
	cr_expect_eq(stance_words_count("ÆØÅ æøå"), 2);
	cr_expect_eq(stance_words_count("nærheds-reform"), 2, "a hyphen parts two words");
	cr_expect_eq(stance_words_count("cafe\xcc\x81 ok"), 2, "a combining accent stays in its word");
	cr_expect_eq(stance_words_count("**fed** _kursiv_ [link](https://x)"), 5, "Markdown marks are no words");
}

Test(words, delta_is_the_difference_of_the_word_multisets)
{
	delta(NULL, NULL, 0, 0);
	delta("", "", 0, 0);
	delta(NULL, "tre nye ord", 3, 0);
	delta("tre gamle ord", NULL, 0, 3);
	delta("samme tekst", "samme tekst", 0, 0);
	delta("samme   tekst\n", "samme\ntekst", 0, 0);
	delta("kommunen skal betale", "regionen skal betale", 1, 1);
	delta("a b c d", "d c b a", 0, 0);  /* moved words count as neither */
	delta("Første afsnit.\n\nAndet afsnit.", "Andet afsnit.\n\nFørste afsnit.", 0, 0);
	delta("ja ja ja", "ja", 0, 2);      /* a multiset, not a set */
	delta("ja", "ja ja ja", 2, 0);
	delta("Kommune", "kommune", 1, 1); /* words are compared as written */
	delta("bør", "bor", 1, 1);          /* ø is not o */
}

Test(words, a_million_words)
{
	size_t n = 1000000, i, added, removed;
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	for (i = 0; i < n; i++)
		stance_buf_printf(&a, "ord%zu ", i % 1000);
	stance_buf_puts(&b, a.ptr);
	stance_buf_puts(&b, "ekstra");
	cr_expect_eq(stance_words_count(a.ptr), n);
	cr_assert_eq(stance_words_delta(&added, &removed, a.ptr, b.ptr), 0);
	cr_expect_eq(added, 1);
	cr_expect_eq(removed, 0);
	cr_assert_eq(stance_words_delta(&added, &removed, b.ptr, ""), 0);
	cr_expect_eq(removed, n + 1);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
}

Test(words, terminal_width)
{
	cr_expect_eq(stance_text_width(NULL), 0);
	cr_expect_eq(stance_text_width(""), 0);
	cr_expect_eq(stance_text_width("abc"), 3);
	cr_expect_eq(stance_text_width("æøå"), 3, "one column a Danish letter, not two bytes");
	cr_expect_eq(stance_text_width("中文"), 4, "wide characters take two columns");
	cr_expect_eq(stance_text_width("cafe\xcc\x81"), 4, "a combining mark takes none");
	cr_expect_eq(stance_text_width("\xf0\x9f\x8c\xb1"), 2, "an emoji takes two");
}
