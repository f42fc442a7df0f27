/*
 * test_sync_merge.c: the three-way document merge that sync uses: bodies
 * paragraph by paragraph, front matter field by field, and the passages it
 * names when both sides edited the same place.
 */
#include <string.h>

#include "helpers.h"
#include "merge.h"

#define BASE_BODY "One.\n\nTwo.\n\nThree.\n\nFour.\n"

static void body_merge(const char *base, const char *ours, const char *theirs,
	int want_error, const char *want_ours, const char *want_theirs, size_t want_conflicts)
{
	stance_buf o = STANCE_BUF_INIT, t = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	int error = stance_merge_body(&o, &t, &rep, base, ours, theirs);
	cr_assert_eq(error, want_error, "merge returned %d: %s", error, stance_error_last());
	cr_assert_str_eq(stance_buf_cstr(&o), want_ours);
	cr_assert_str_eq(stance_buf_cstr(&t), want_theirs);
	cr_assert_eq(rep.count, want_conflicts, "%zu passages", rep.count);
	stance_merge_report_clear(&rep);
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
}

Test(sync_merge, edits_in_different_paragraphs_combine)
{
	const char *want = "One, ours.\n\nTwo.\n\nThree.\n\nFour, theirs.\n";
	body_merge(BASE_BODY, "One, ours.\n\nTwo.\n\nThree.\n\nFour.\n",
		"One.\n\nTwo.\n\nThree.\n\nFour, theirs.\n", 0, want, want, 0);
}

Test(sync_merge, edits_in_neighbouring_paragraphs_combine)
{
	const char *want = "One.\n\nTwo, ours.\n\nThree, theirs.\n\nFour.\n";
	body_merge(BASE_BODY, "One.\n\nTwo, ours.\n\nThree.\n\nFour.\n",
		"One.\n\nTwo.\n\nThree, theirs.\n\nFour.\n", 0, want, want, 0);
}

Test(sync_merge, insertion_and_deletion_elsewhere_combine)
{
	const char *want = "One.\n\nNew after one.\n\nTwo.\n\nThree.\n";
	body_merge(BASE_BODY, "One.\n\nNew after one.\n\nTwo.\n\nThree.\n\nFour.\n",
		"One.\n\nTwo.\n\nThree.\n", 0, want, want, 0);
}

Test(sync_merge, the_same_edit_on_both_sides_is_no_conflict)
{
	const char *same = "One.\n\nTwo, fixed.\n\nThree.\n\nFour.\n";
	body_merge(BASE_BODY, same, same, 0, same, same, 0);
}

Test(sync_merge, overlapping_edits_conflict_and_keep_both_versions)
{
	body_merge(BASE_BODY, "One.\n\nTwo, ours.\n\nThree.\n\nFour.\n",
		"One.\n\nTwo, theirs.\n\nThree.\n\nFour.\n", STANCE_ECONFLICT,
		"One.\n\nTwo, ours.\n\nThree.\n\nFour.\n",
		"One.\n\nTwo, theirs.\n\nThree.\n\nFour.\n", 1);
}

Test(sync_merge, the_base_pick_holds_the_ancestor_only_where_the_sides_conflict)
{
	stance_buf o = STANCE_BUF_INIT, t = STANCE_BUF_INIT, b = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	cr_assert_eq(stance_merge_body3(&o, &t, &b, &rep, BASE_BODY,
		"One, ours.\n\nTwo.\n\nThree A.\n\nFour.\n", "One.\n\nTwo.\n\nThree B.\n\nFour, theirs.\n"),
		STANCE_ECONFLICT);
	cr_assert_str_eq(stance_buf_cstr(&o), "One, ours.\n\nTwo.\n\nThree A.\n\nFour, theirs.\n");
	cr_assert_str_eq(stance_buf_cstr(&t), "One, ours.\n\nTwo.\n\nThree B.\n\nFour, theirs.\n");
	cr_assert_str_eq(stance_buf_cstr(&b), "One, ours.\n\nTwo.\n\nThree.\n\nFour, theirs.\n");
	stance_merge_report_clear(&rep);
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
	stance_buf_dispose(&b);
}

Test(sync_merge, a_conflict_names_the_paragraph_and_quotes_both_versions)
{
	stance_buf o = STANCE_BUF_INIT, t = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	cr_assert_eq(stance_merge_body(&o, &t, &rep, BASE_BODY,
		"One.\n\nTwo.\n\nThree A.\n\nFour.\n", "One.\n\nTwo.\n\nThree B.\n\nFour.\n"), STANCE_ECONFLICT);
	cr_assert_eq(rep.count, 1);
	cr_assert_str_eq(rep.passages[0], "paragraph 3: ours \"Three A.\", theirs \"Three B.\"");
	stance_merge_report_clear(&rep);
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
}

Test(sync_merge, two_insertions_at_one_place_conflict)
{
	body_merge("One.\n\nTwo.\n", "One.\n\nOurs.\n\nTwo.\n", "One.\n\nTheirs.\n\nTwo.\n", STANCE_ECONFLICT,
		"One.\n\nOurs.\n\nTwo.\n", "One.\n\nTheirs.\n\nTwo.\n", 1);
}

Test(sync_merge, one_conflict_does_not_stop_the_other_edits)
{
	body_merge(BASE_BODY, "One, ours.\n\nTwo.\n\nThree, ours.\n\nFour.\n",
		"One.\n\nTwo, theirs.\n\nThree, theirs.\n\nFour.\n", STANCE_ECONFLICT,
		"One, ours.\n\nTwo, theirs.\n\nThree, ours.\n\nFour.\n",
		"One, ours.\n\nTwo, theirs.\n\nThree, theirs.\n\nFour.\n", 1);
}

/* Paragraph k of a long document: distinct, but every seventh is the
 * same "(Repealed.)", which the sequence diff cannot anchor on. */
static void long_paragraph(stance_buf *out, size_t k, const char *edit)
{
	if (out->size)
		stance_buf_puts(out, "\n\n");
	if (edit)
		stance_buf_printf(out, "Paragraph %zu, %s.", k, edit);
	else if (k % 7 == 3)
		stance_buf_puts(out, "(Repealed.)");
	else
		stance_buf_printf(out, "Paragraph %zu says what section %zu of the act requires.", k, k);
}

/* The long document with: ours editing paragraph 10 and 4990, deleting 2000
 * and inserting a paragraph after 3000; theirs editing 1500 and 4000 and
 * inserting a paragraph after 100 (each when its flag is set). */
static char *long_body(int with_ours, int with_theirs)
{
	stance_buf out = STANCE_BUF_INIT;
	size_t k;
	for (k = 0; k < 5000; k++) {
		if (with_ours && k == 2000)
			continue;
		long_paragraph(&out, k, with_ours && (k == 10 || k == 4990) ? "edited on our side" :
			with_theirs && (k == 1500 || k == 4000) ? "edited on their side" : NULL);
		if (with_ours && k == 3000)
			stance_buf_puts(&out, "\n\nA paragraph we added.");
		if (with_theirs && k == 100)
			stance_buf_puts(&out, "\n\nA paragraph they added.");
	}
	stance_buf_putc(&out, '\n');
	return stance_buf_detach(&out);
}

Test(sync_merge, long_documents_edited_at_both_ends_merge_block_by_block)
{
	/* 5,000 paragraphs with edits near both ends on one side: the common
	 * prefix and suffix leave nearly all of it to align, which the quadratic
	 * table refused (past 4 million cells it took the whole body as one
	 * edit, so any edit of the other side conflicted) */
	char *base = long_body(0, 0), *ours = long_body(1, 0), *theirs = long_body(0, 1);
	char *want = long_body(1, 1);
	body_merge(base, ours, theirs, 0, want, want, 0);
	free(base);
	free(ours);
	free(theirs);
	free(want);
}

Test(sync_merge, a_code_block_with_a_blank_line_is_one_passage)
{
	/* the blocks are read as the diff reads them: a blank line inside a
	 * fenced code block does not split it, so two edits of one code block
	 * are two edits of one passage (split at the blank line, they combined
	 * into a listing neither side wrote) */
	const char *base = "Intro.\n\n```\nfirst();\n\nsecond();\n```\n\nOutro.\n";
	const char *ours = "Intro.\n\n```\nfirst(1);\n\nsecond();\n```\n\nOutro.\n";
	const char *theirs = "Intro.\n\n```\nfirst();\n\nsecond(2);\n```\n\nOutro.\n";
	body_merge(base, ours, theirs, STANCE_ECONFLICT, ours, theirs, 1);
	/* a list run without blank lines is one passage, as it was */
	body_merge("- a\n- b\n\nEnd.\n", "- a, ours\n- b\n\nEnd.\n", "- a\n- b\n\nEnd, theirs.\n", 0,
		"- a, ours\n- b\n\nEnd, theirs.\n", "- a, ours\n- b\n\nEnd, theirs.\n", 0);
}

Test(sync_merge, bodies_that_were_added_on_both_sides_conflict_unless_equal)
{
	body_merge("", "Ours.\n", "Ours.\n", 0, "Ours.\n", "Ours.\n", 0);
	body_merge("", "Ours.\n", "Theirs.\n", STANCE_ECONFLICT, "Ours.\n", "Theirs.\n", 1);
}

static const char *DOC_BASE =
	"---\nid: kl/x\ntitle: Old title\nkind: debate\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
	"Vi skal have mere frihed.\n\nDer er brug for en reform.\n";

static char *doc_merge(const char *ours, const char *theirs, int want, stance_merge_report *rep)
{
	stance_buf o = STANCE_BUF_INIT, t = STANCE_BUF_INIT;
	int error = stance_merge_document(&o, &t, rep, DOC_BASE, strlen(DOC_BASE), ours, strlen(ours),
		theirs, strlen(theirs), "kl/x");
	cr_assert_eq(error, want, "merge returned %d: %s", error, stance_error_last());
	if (!want)
		cr_assert_str_eq(stance_buf_cstr(&o), stance_buf_cstr(&t), "a clean merge has one result");
	stance_buf_dispose(&t);
	return stance_buf_detach(&o);
}

Test(sync_merge, a_title_fix_and_a_body_fix_both_arrive)
{
	stance_merge_report rep = { 0 };
	const char *ours = "---\nid: kl/x\ntitle: New title\nkind: debate\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
		"Vi skal have mere frihed.\n\nDer er brug for en reform.\n";
	const char *theirs = "---\nid: kl/x\ntitle: Old title\nkind: debate\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
		"Vi skal have mere frihed.\n\nDer er brug for en ny reform.\n";
	char *m = doc_merge(ours, theirs, 0, &rep);
	cr_assert(strstr(m, "title: New title"), "%s", m);
	cr_assert(strstr(m, "brug for en ny reform"), "%s", m);
	free(m);
	stance_merge_report_clear(&rep);
}

Test(sync_merge, different_fields_merge_field_by_field)
{
	stance_merge_report rep = { 0 };
	const char *ours = "---\nid: kl/x\ntitle: Old title\nkind: editorial\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
		"Vi skal have mere frihed.\n\nDer er brug for en reform.\n";
	const char *theirs = "---\nid: kl/x\ntitle: Old title\nkind: debate\nauthors: [Anna Holm, Bo Berg]\nlanguage: da\n"
		"published: 2020-12-04\n---\n\nVi skal have mere frihed.\n\nDer er brug for en reform.\n";
	char *m = doc_merge(ours, theirs, 0, &rep);
	cr_assert(strstr(m, "kind: editorial"), "%s", m);
	cr_assert(strstr(m, "Bo Berg"), "%s", m);
	cr_assert(strstr(m, "published: 2020-12-04"), "%s", m);
	free(m);
	stance_merge_report_clear(&rep);
}

Test(sync_merge, the_same_field_changed_twice_is_a_named_conflict)
{
	stance_merge_report rep = { 0 };
	const char *ours = "---\nid: kl/x\ntitle: Ours\nkind: debate\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
		"Vi skal have mere frihed.\n\nDer er brug for en reform.\n";
	const char *theirs = "---\nid: kl/x\ntitle: Theirs\nkind: debate\nauthors: [Anna Holm]\nlanguage: da\n---\n\n"
		"Vi skal have mere frihed.\n\nDer er brug for en reform.\n";
	char *m = doc_merge(ours, theirs, STANCE_ECONFLICT, &rep);
	cr_assert(strstr(m, "title: Ours"), "our pick keeps our title: %s", m);
	cr_assert_eq(rep.count, 1);
	cr_assert_str_eq(rep.passages[0], "front matter field 'title': ours \"Ours\", theirs \"Theirs\"");
	free(m);
	stance_merge_report_clear(&rep);
}

Test(sync_merge, a_broken_side_fails_with_the_document_named)
{
	stance_buf o = STANCE_BUF_INIT, t = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	const char *bad = "---\ntitle: [unterminated\n";
	int error = stance_merge_document(&o, &t, &rep, DOC_BASE, strlen(DOC_BASE), bad, strlen(bad),
		DOC_BASE, strlen(DOC_BASE), "kl/x");
	cr_assert(error < 0 && error != STANCE_ECONFLICT);
	cr_assert(strstr(stance_error_last(), "kl/x"), "%s", stance_error_last());
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
	stance_merge_report_clear(&rep);
}
