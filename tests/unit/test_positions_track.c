/*
 * test_positions_track.c: the library's following of positions: what a
 * rewording did (callouts), the wording with its changes marked, the
 * similarity that counts numbers, dates and negations, the threshold under
 * which two statements are not one, the tracker's identity by content, and
 * the contrast of two documents.
 */
#include <string.h>

#include "helpers.h"

Test(positions_track, callouts_name_an_amount_a_date_and_a_negation)
{
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_position_callouts_describe(&out,
		"Kommunerne skal have 50 millioner kroner i 2025.", "Kommunerne skal have 80 millioner kroner i 2030."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "amount changed: 50 → 80 millioner; date changed: 2025 → 2030");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_callouts_describe(&out, "Vi skal bygge skolen.", "Vi skal ikke bygge skolen."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "negated");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_callouts_describe(&out, "We will not wait.", "We will wait."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "no longer negated");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_callouts_describe(&out, "We do want it.", "We don't want it."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "negated");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_callouts_describe(&out, "The council will decide in May.",
		"The council will decide in June."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "date changed: May → June");
	stance_buf_clear(&out);
	/* words only: no callout */
	cr_assert_eq(stance_position_callouts_describe(&out, "Vi skal have frihed.", "Vi skal have mere frihed."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "");
	stance_buf_clear(&out);
	/* a demand that became a recommendation, and back */
	cr_assert_eq(stance_position_callouts_describe(&out, "Staten skal fjerne reglerne.", "Staten bør fjerne reglerne."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "softened: skal → bør");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_callouts_describe(&out, "Homes should not be built.", "Homes must not be built."), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "strengthened: should → must");
	stance_buf_dispose(&out);
}

Test(positions_track, callouts_as_a_list)
{
	stance_position_callout_list cl;
	cr_assert_eq(stance_position_callouts(&cl, "Der skal 12 procent mere til.", "Der skal 15 procent mere til."), 0);
	cr_assert_eq(cl.count, 1);
	cr_assert_eq(cl.items[0].kind, STANCE_CALLOUT_AMOUNT);
	cr_assert_str_eq(cl.items[0].old_value, "12");
	cr_assert_str_eq(cl.items[0].new_value, "15 procent");
	cr_assert_str_eq(stance_position_callout_key(cl.items[0].kind), "amount");
	stance_position_callout_list_free(&cl);
}

Test(positions_track, redline_marks_the_changed_words_in_the_new_wording)
{
	static const char *const marks[4] = { "[-", "-]", "{+", "+}" };
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_position_redline(&out, "KL mener, at kommunerne skal have mere frihed.",
		"KL mener, at kommunerne bør have langt mere frihed.", marks), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "KL mener, at kommunerne [-skal-]{+bør+} have {+langt+} mere frihed.");
	stance_buf_clear(&out);
	cr_assert_eq(stance_position_redline(&out, "Staten bør ikke styre skolerne.", "Staten bør styre skolerne.",
		marks), 0);
	cr_assert_str_eq(stance_buf_cstr(&out), "Staten bør [-ikke-] styre skolerne.");
	stance_buf_dispose(&out);
}

/* issue 12 item 7: a changed amount is not "100% alike"; a negation weighs */
Test(positions_track, similarity_counts_numbers_dates_and_negations)
{
	const char *a = "Kommunerne skal have 50 millioner kroner til ældreplejen.";
	const char *b = "Kommunerne skal have 80 millioner kroner til ældreplejen.";
	double s = stance_text_similarity(a, strlen(a), b, strlen(b));
	cr_assert_lt(s, 0.9, "%f", s);
	cr_assert_gt(s, STANCE_POSITION_REWORD_THRESHOLD, "%f", s);
	a = "Staten bør ikke styre skolerne.";
	b = "Staten bør styre skolerne.";
	s = stance_text_similarity(a, strlen(a), b, strlen(b));
	cr_assert_lt(s, 0.85, "%f", s);
	cr_assert_eq(stance_text_negated(a), 1);
	cr_assert_eq(stance_text_negated(b), 0);
}

/* below the threshold two statements are one removed and one added */
Test(positions_track, unrelated_statements_are_added_and_removed)
{
	stance_position p1 = { 0, 0, "Vi skal bygge en ny skole i byen.", "" };
	stance_position p2 = { 0, 0, "Vi skal sænke skatten for alle i landet.", "" };
	stance_position_list ol = { &p1, 1 }, nl = { &p2, 1 };
	stance_position_change_list ch;
	double s = stance_text_similarity(p1.text, strlen(p1.text), p2.text, strlen(p2.text));
	cr_assert_lt(s, STANCE_POSITION_REWORD_THRESHOLD, "%f", s);
	cr_assert_eq(stance_positions_compare(&ch, &ol, &nl), 0);
	cr_assert_eq(ch.count, 2);
	cr_assert_eq(ch.items[0].kind, STANCE_POSITION_REMOVED);
	cr_assert_eq(ch.items[1].kind, STANCE_POSITION_ADDED);
	stance_position_change_list_free(&ch);
}

/* a position keeps its identity by content: reordered, reworded, one gone */
Test(positions_track, tracker_follows_positions_by_content_not_place)
{
	stance_position r1[] = {
		{ 0, 0, "Vi skal have 50 millioner til skolerne.", "A" },
		{ 0, 0, "Staten bør give kommunerne mere frihed.", "A" },
		{ 0, 0, "Vi ønsker færre regler i hjemmeplejen.", "A" },
	};
	stance_position r2[] = {  /* reordered; one reworded; one gone; one new */
		{ 0, 0, "Staten bør give kommunerne langt mere frihed.", "B" },
		{ 0, 0, "Vi skal bygge flere cykelstier i byerne.", "B" },
		{ 0, 0, "Vi skal have 50 millioner til skolerne.", "B" },
	};
	stance_position_list l1 = { r1, 3 }, l2 = { r2, 3 }, empty = { NULL, 0 };
	stance_position_tracker *t;
	const stance_position_life *l;
	cr_assert_eq(stance_position_tracker_new(&t), 0);
	cr_assert_eq(stance_position_tracker_step(t, &l1, 0), 0);
	cr_assert_eq(stance_position_tracker_step(t, &l2, 1), 0);
	cr_assert_eq(stance_position_tracker_count(t), 4);
	l = stance_position_tracker_life(t, 0);  /* the 50 millions: carried, no event */
	cr_assert_eq(l->count, 1);
	cr_assert(l->current);
	l = stance_position_tracker_life(t, 1);
	cr_assert_eq(l->count, 2);
	cr_assert_eq(l->events[1].kind, STANCE_POSITION_REWORDED);
	cr_assert_str_eq(l->events[1].old_text, "Staten bør give kommunerne mere frihed.");
	cr_assert_str_eq(l->events[1].new_text, "Staten bør give kommunerne langt mere frihed.");
	cr_assert_str_eq(l->events[1].section, "B");
	cr_assert_eq(l->events[1].revision, 1);
	l = stance_position_tracker_life(t, 2);
	cr_assert_eq(l->events[1].kind, STANCE_POSITION_REMOVED);
	cr_assert(!l->current);
	l = stance_position_tracker_life(t, 3);
	cr_assert_eq(l->events[0].kind, STANCE_POSITION_ADDED);
	/* the document removed: everything held ends */
	cr_assert_eq(stance_position_tracker_step(t, &empty, 2), 0);
	cr_assert(!stance_position_tracker_life(t, 0)->current);
	cr_assert_eq(stance_position_tracker_life(t, 0)->events[1].kind, STANCE_POSITION_REMOVED);
	/* stated again later: the same position appears again, no new life */
	cr_assert_eq(stance_position_tracker_step(t, &l1, 3), 0);
	cr_assert_eq(stance_position_tracker_count(t), 4);
	l = stance_position_tracker_life(t, 2);
	cr_assert_eq(l->count, 3, "appeared, removed, appeared: %zu events", l->count);
	cr_assert_eq(l->events[2].kind, STANCE_POSITION_ADDED);
	cr_assert_eq(l->events[2].revision, 3);
	cr_assert(l->current);
	stance_position_tracker_free(t);
}

Test(positions_track, contrast_of_two_documents)
{
	stance_position a[] = {
		{ 0, 0, "Vi ønsker færre regler.", "" },
		{ 0, 0, "Staten bør ikke styre skolerne.", "" },
		{ 0, 0, "Vi skal bygge en ny skole i byen.", "" },
	};
	stance_position b[] = {
		{ 0, 0, "Staten bør styre skolerne.", "" },
		{ 0, 0, "Vi ønsker færre regler.", "" },
		{ 0, 0, "Vi skal sænke skatten for alle i landet.", "" },
	};
	stance_position_list la = { a, 3 }, lb = { b, 3 };
	stance_positions_pairing_list pl;
	cr_assert_eq(stance_positions_contrast(&pl, &la, &lb), 0);
	cr_assert_eq(pl.count, 4);
	cr_assert_eq(pl.items[0].relation, STANCE_POSITIONS_SHARED);
	cr_assert_eq(pl.items[0].a_index, 0);
	cr_assert_eq(pl.items[0].b_index, 1);
	cr_assert_eq(pl.items[1].relation, STANCE_POSITIONS_CONTRADICTED);
	cr_assert_eq(pl.items[1].b_index, 0);
	cr_assert_eq(pl.items[2].relation, STANCE_POSITIONS_ONLY_A);
	cr_assert_eq(pl.items[2].a_index, 2);
	cr_assert_eq(pl.items[3].relation, STANCE_POSITIONS_ONLY_B);
	cr_assert_eq(pl.items[3].b_index, 2);
	stance_positions_pairing_list_free(&pl);
}

/* the changes between two versions read from the changed blocks only are
 * those of the two whole lists */
Test(positions_track, between_two_versions_reads_only_changed_blocks)
{
	const char *a = "# Økonomi\n\nKommunerne skal have 50 millioner kroner.\n\nVi ønsker færre regler.\n\n"
		"# Skolen\n\nStaten bør styre skolerne.\n";
	const char *b = "# Økonomi\n\nVi ønsker færre regler.\n\n# Skolen\n\nStaten bør ikke styre skolerne.\n\n"
		"Kommunerne skal have 80 millioner kroner.\n";
	stance_positions *p;
	stance_position_change_list ch;
	stance_position_list ol, nl;
	size_t i;
	cr_assert_eq(stance_positions_new_default(&p), 0);
	cr_assert_eq(stance_positions_between(&ch, &ol, &nl, p, "da", a, strlen(a), b, strlen(b)), 0);
	/* the unchanged "Vi ønsker færre regler." was not even read */
	for (i = 0; i < ol.count; i++)
		cr_assert(strcmp(ol.items[i].text, "Vi ønsker færre regler."), "an unchanged block was read");
	cr_assert_eq(ch.count, 2);
	for (i = 0; i < ch.count; i++)
		cr_assert_eq(ch.items[i].kind, STANCE_POSITION_REWORDED);
	cr_assert_str_eq(nl.items[ch.items[0].new_index].section, "Skolen");
	stance_position_change_list_free(&ch);
	stance_position_list_free(&ol);
	stance_position_list_free(&nl);
	/* a new document: every statement appears */
	cr_assert_eq(stance_positions_between(&ch, &ol, &nl, p, "da", NULL, 0, b, strlen(b)), 0);
	cr_assert_eq(ch.count, 3);
	for (i = 0; i < ch.count; i++)
		cr_assert_eq(ch.items[i].kind, STANCE_POSITION_ADDED);
	stance_position_change_list_free(&ch);
	stance_position_list_free(&ol);
	stance_position_list_free(&nl);
	stance_positions_free(p);
}

/* Inside a changed paragraph, a sentence that stands on both sides is not
 * read either; a statement held twice on one side and once on the other
 * still counts the one too many, and the changes are those of the whole
 * lists compared. */
Test(positions_track, between_passes_over_a_sentence_found_on_both_sides)
{
	const char *a = "Vi skal have flere lærere. Kommunerne skal have 50 millioner kroner i 2025. "
		"Staten bør styre budgetterne.\n";
	const char *b = "Vi skal have flere lærere. Kommunerne skal have 80 millioner kroner i 2025. "
		"Staten bør styre budgetterne. Staten bør styre budgetterne.\n";
	stance_positions *p;
	stance_position_change_list ch, full;
	stance_position_list ol, nl, fo = { 0 }, fn = { 0 };
	size_t i;
	cr_assert_eq(stance_positions_new_default(&p), 0);
	cr_assert_eq(stance_positions_between(&ch, &ol, &nl, p, "da", a, strlen(a), b, strlen(b)), 0);
	for (i = 0; i < ol.count; i++)
		cr_assert(strcmp(ol.items[i].text, "Vi skal have flere lærere."), "a sentence on both sides was read");
	cr_assert_eq(ol.count, 1, "old: only the reworded statement, not %zu", ol.count);
	cr_assert_eq(nl.count, 2, "new: the reworded statement and the second copy, not %zu", nl.count);
	cr_assert_eq(stance_positions_extract(&fo, p, "da", a, strlen(a)), 0);
	cr_assert_eq(stance_positions_extract(&fn, p, "da", b, strlen(b)), 0);
	cr_assert_eq(stance_positions_compare(&full, &fo, &fn), 0);
	cr_assert_eq(ch.count, full.count);
	cr_assert_eq(ch.count, 2);
	for (i = 0; i < ch.count; i++) {
		cr_assert_eq(ch.items[i].kind, full.items[i].kind);
		cr_assert_str_eq(ch.items[i].new_index >= 0 ? nl.items[ch.items[i].new_index].text : ol.items[ch.items[i].old_index].text,
			full.items[i].new_index >= 0 ? fn.items[full.items[i].new_index].text : fo.items[full.items[i].old_index].text);
	}
	stance_position_change_list_free(&ch);
	stance_position_change_list_free(&full);
	stance_position_list_free(&ol);
	stance_position_list_free(&nl);
	stance_position_list_free(&fo);
	stance_position_list_free(&fn);
	stance_positions_free(p);
}
