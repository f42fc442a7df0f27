/*
 * test_diff_positions.c: the position lens: marker files, which sentences
 * are position statements (whole words, phrases, any case, the document's
 * language), their sections, and how two lists of statements correspond.
 */
#include <string.h>

#include "helpers.h"
#include "internal.h"

static stance_positions *defaults(void)
{
	stance_positions *p = NULL;
	cr_assert_eq(stance_positions_new_default(&p), 0);
	return p;
}

Test(positions, markers_match_whole_words_and_phrases)
{
	stance_positions *p = defaults();
	cr_assert_eq(stance_positions_match(p, "da", "Kommunerne SKAL have frihed.", 28), 1);
	cr_assert_eq(stance_positions_match(p, "da", "Der er brug for nye regler.", 27), 1);
	/* "skaller" is not "skal"; "brug" alone is not "der er brug for" */
	cr_assert_eq(stance_positions_match(p, "da", "Skaller og brug af ting.", 24), 0);
	cr_assert_eq(stance_positions_match(p, "en", "We want fewer rules.", 20), 1);
	/* a Danish document does not take English markers */
	cr_assert_eq(stance_positions_match(p, "da", "We must act.", 12), 0);
	/* an unknown language uses every list */
	cr_assert_eq(stance_positions_match(p, "de", "We must act.", 12), 1);
	stance_positions_free(p);
}

Test(positions, statements_carry_their_section)
{
	stance_positions *p = defaults();
	stance_position_list l = { 0 };
	const char *body = "# Titel\n\nIntro uden holdning.\n\n## Økonomi\n\nKL mener, at rammen er for stram. "
		"Det er et faktum.\n\n- Staten bør give mere frihed.\n";
	cr_assert_eq(stance_positions_extract(&l, p, "da", body, strlen(body)), 0);
	cr_assert_eq(l.count, 2);
	cr_assert_str_eq(l.items[0].text, "KL mener, at rammen er for stram.");
	cr_assert_str_eq(l.items[0].section, "Økonomi");
	cr_assert_str_eq(l.items[1].text, "Staten bør give mere frihed.");
	cr_assert(!strncmp(body + l.items[0].start, "KL mener", 8));
	stance_position_list_free(&l);
	stance_positions_free(p);
}

Test(positions, a_marker_file_adds_to_the_defaults)
{
	stance_positions *p = NULL;
	const char *file = "# ours\n[da]\nagter at\n\n[en]\nintend to\n";
	cr_assert_eq(stance_positions_parse(&p, file, strlen(file), ".stance/positions"), 0);
	cr_assert_eq(stance_positions_match(p, "da", "Vi agter at sænke skatten.", 27), 1);
	cr_assert_eq(stance_positions_match(p, "da", "Vi skal sænke skatten.", 23), 1);
	cr_assert_eq(stance_positions_match(p, "en", "We intend to act.", 17), 1);
	stance_positions_free(p);
}

Test(positions, bad_marker_files_are_named_with_their_line)
{
	stance_positions *p = NULL;
	cr_assert_eq(stance_positions_parse(&p, "skal\n", 5, "x/positions"), STANCE_EPARSE);
	cr_assert(strstr(stance_error_last(), "x/positions:1") != NULL, "%s", stance_error_last());
	cr_assert_eq(stance_positions_parse(&p, "[da]\nskal\n[Da Nish]\n", 20, "x/positions"), STANCE_EPARSE);
	cr_assert(strstr(stance_error_last(), "x/positions:3") != NULL, "%s", stance_error_last());
	cr_assert_eq(stance_positions_parse(&p, "[da]\nsk\xff" "al\n", 10, "x/positions"), STANCE_EPARSE);
	cr_assert(strstr(stance_error_last(), "x/positions") != NULL, "%s", stance_error_last());
	cr_assert_null(p);
}

Test(positions, compare_pairs_rewordings_and_lists_the_rest)
{
	stance_positions *p = defaults();
	stance_position_list a = { 0 }, b = { 0 };
	stance_position_change_list ch = { 0 };
	const char *old_body = "Vi skal bygge flere boliger til unge. Kommunen bør lukke skolen. Vi vil have cykelstier.\n";
	const char *new_body = "Vi skal bygge mange flere billige boliger til unge. Vi vil have cykelstier. "
		"Staten må betale for vejene.\n";
	size_t i, reworded = 0, removed = 0, added = 0;
	cr_assert_eq(stance_positions_extract(&a, p, "da", old_body, strlen(old_body)), 0);
	cr_assert_eq(stance_positions_extract(&b, p, "da", new_body, strlen(new_body)), 0);
	cr_assert_eq(stance_positions_compare(&ch, &a, &b), 0);
	for (i = 0; i < ch.count; i++) {
		const stance_position_change *c = &ch.items[i];
		if (c->kind == STANCE_POSITION_REWORDED) {
			reworded++;
			cr_assert(strstr(a.items[c->old_index].text, "boliger") != NULL);
			cr_assert(strstr(b.items[c->new_index].text, "billige boliger") != NULL);
		}
		removed += c->kind == STANCE_POSITION_REMOVED;
		added += c->kind == STANCE_POSITION_ADDED;
	}
	/* the cycle paths are unchanged and not listed */
	cr_assert_eq(reworded, 1);
	cr_assert_eq(removed, 1);
	cr_assert_eq(added, 1);
	stance_position_change_list_free(&ch);
	stance_position_list_free(&a);
	stance_position_list_free(&b);
	stance_positions_free(p);
}
