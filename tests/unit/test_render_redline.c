/*
 * test_render_redline.c: the HTML redline an editor sends: the header of
 * both revisions, the legend, reworded statements marked word by word with
 * the position lens's callouts, paragraph numbers that skip headings, and
 * the print stylesheet.
 */
#include <string.h>

#include "helpers.h"

static char *render(const char *old_text, const char *new_text, const stance_render_options *o)
{
	stance_diff *d = NULL;
	stance_buf out = STANCE_BUF_INIT;
	cr_assert_eq(stance_diff_texts(&d, old_text, strlen(old_text), new_text, strlen(new_text), NULL), 0, "%s",
		stance_error_last());
	cr_assert_eq(stance_render_html(&out, d, o), 0, "%s", stance_error_last());
	stance_diff_free(d);
	return stance_buf_detach(&out);
}

Test(render_redline, reworded_statements_word_by_word_with_callouts)
{
	char *html = render("# Mål\n\nKommunerne skal have 50 procent flere midler.\n\nVi mener, at staten skal bestemme.\n",
		"# Mål\n\nKommunerne skal have 30 procent flere midler.\n\nVi mener, at staten ikke skal bestemme.\n", NULL);
	const char *pos = strstr(html, "<ul class=\"positions\">");
	cr_assert(pos, "%s", html);
	cr_assert(strstr(pos, "Kommunerne skal have <del>50</del><ins>30</ins> procent"), "word by word: %s", pos);
	cr_assert(strstr(pos, "amount changed"), "the figure changed: %s", pos);
	cr_assert(strstr(pos, "at staten <ins>ikke </ins>skal bestemme"), "%s", pos);
	cr_assert(strstr(pos, "negated"), "ikke was added: %s", pos);
	cr_assert(strstr(html, "How to read the marks"), "the legend");
	cr_assert(strstr(html, "@media print{"), "the print stylesheet");
	free(html);
}

Test(render_redline, paragraph_numbers_skip_headings)
{
	char *html = render("# A\n\nFørste afsnit står her.\n\n## B\n\nAndet afsnit flytter sig.\n\nTredje afsnit bliver.\n",
		"# A\n\nAndet afsnit flytter sig.\n\nFørste afsnit står her.\n\n## B\n\nTredje afsnit bliver.\n", NULL);
	/* five blocks, two of them headings: the paragraphs are ¶1..¶3 */
	cr_assert(!strstr(html, "¶4") && !strstr(html, "¶5"), "headings are not counted: %s", html);
	cr_assert(strstr(html, "<span class=\"pno\" aria-hidden=\"true\">¶3</span>Tredje"), "%s", html);
	free(html);
}

Test(render_redline, header_names_both_revisions)
{
	stance_render_options o = STANCE_RENDER_OPTIONS_INIT;
	char *html;
	o.old_label = "kl/x@1a2b3c4";
	o.new_label = "kl/x@5d6e7f8";
	o.old_revision = "2020-11-16, Karen <Winther>";
	o.new_revision = "2021-03-02, Lars Mølgaard";
	html = render("Vi skal.\n", "Vi bør.\n", &o);
	cr_assert(strstr(html, "<tr><th scope=\"row\">Recorded</th><td>2020-11-16, Karen &lt;Winther&gt;</td>"
		"<td>2021-03-02, Lars Mølgaard</td></tr>"), "%s", html);
	cr_assert(strstr(html, "<td>kl/x@1a2b3c4</td><td>kl/x@5d6e7f8</td>"), "%s", html);
	free(html);
}

Test(render_redline, a_quote_over_two_lines_showed_a_stray_marker_now_reads_as_text)
{
	/* the second line's "> " is the quote's marker, not text a reader sees */
	char *html = render("Indledning.\n\n> „Vi skal måle på, om borgeren fik hjælp – ikke på, om skemaet blev\n> udfyldt.“\n",
		"Indledning, ny.\n\n> „Vi skal måle på, om borgeren fik hjælp – ikke på, om skemaet blev\n> udfyldt.“\n", NULL);
	const char *q = strstr(html, "<blockquote");
	cr_assert(q, "%s", html);
	cr_assert(strstr(q, "skemaet blev\nudfyldt.“"), "the marker dropped: %s", q);
	cr_assert(!strstr(q, "&gt; udfyldt"), "no stray marker: %s", q);
	free(html);
}
