/*
 * test_log_pickaxe.c: `stance log -S TEXT` and `-G REGEX` across
 * documents: the revisions where a phrase appeared or vanished, blind to
 * line breaks and Markdown markup, with the sentence before and after.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define FM(title) "---\ntitle: \"" title "\"\nkind: debate\nlanguage: da\n---\n\n"

static void add(const char *dir, const char *id, const char *date, const char *msg, const char *text)
{
	th_write(dir, "in/doc.md", text);
	OK0(dir, "add", "in/doc.md", "--id", id, "--date", date, "-m", msg);
}

/* kl/klima: the halving target appears, is re-wrapped and emphasised, then
 * dropped; kl/skole mentions it once. */
static char *archive(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	add(dir, "kl/klima", "2020-01-01", "klima 1", FM("Klima") "Vi vil have grønne kommuner.\n");
	add(dir, "kl/klima", "2020-02-01", "klima 2", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal halvere udledningen inden 2030.\n");
	add(dir, "kl/klima", "2020-03-01", "klima 3 rewrap", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal **halvere\nudledningen** inden 2030.\n");
	add(dir, "kl/skole", "2020-04-01", "skole 1", FM("Skole")
		"Skolerne skal have flere lærere.\n\nOgså skolerne skal halvere udledningen.\n");
	add(dir, "kl/klima", "2020-05-01", "klima 4 drop", FM("Klima")
		"Vi vil have grønne kommuner. Kommunerne skal nedbringe udledningen.\n");
	return dir;
}

Test(log_pickaxe, S_finds_where_a_phrase_came_and_went_across_documents, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "log", "-S", "halvere udledningen");
	cr_assert(strstr(r.out.ptr, "klima 2"), "appeared: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "skole 1"), "another document: %s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "klima 4 drop"), "dropped: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 3 rewrap"), "a re-wrap and emphasis change no count: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 1"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "    - Kommunerne skal **halvere udledningen** inden 2030.\n"
		"    + Kommunerne skal nedbringe udledningen.\n") || strstr(r.out.ptr,
		"    - Kommunerne skal **halvere udledningen** inden 2030.\n"),
		"the sentence before and after: %s", r.out.ptr);
	th_result_free(&r);
	/* only the documents named, -n counting the revisions shown */
	OK(&r, dir, "log", "-S", "Halvere udledningen", "kl/skole");
	cr_assert(strstr(r.out.ptr, "skole 1") && !strstr(r.out.ptr, "klima"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-S", "halvere udledningen", "-n", "1", "--json");
	cr_assert(strstr(r.out.ptr, "\"message\": \"klima 4 drop\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"before\": [\"Kommunerne skal **halvere udledningen** inden 2030.\"]"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "skole"), "-n 1: %s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(log_pickaxe, G_matches_sentences_and_positions_narrows, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	OK(&r, dir, "log", "-G", "gr.nne kommuner");
	cr_assert(strstr(r.out.ptr, "klima 1"), "'.' is a character (ø): %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "klima 2"), "the matching sentence did not change: %s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "skole"), "%s", r.out.ptr);
	th_result_free(&r);
	/* "Vi vil have grønne kommuner." carries the marker "vil"; with
	 * --positions a plain sentence is not looked at */
	OK(&r, dir, "log", "-S", "lærere", "--positions");
	cr_assert(strstr(r.out.ptr, "skole 1"), "%s", r.out.ptr);
	th_result_free(&r);
	add(dir, "kl/vejr", "2020-06-01", "vejr 1", FM("Vejr") "Vejret var godt for kommuner i går.\n");
	OK(&r, dir, "log", "-G", "kommuner", "--positions");
	cr_assert(!strstr(r.out.ptr, "vejr 1"), "no marker, no position: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "-G", "kommuner");
	cr_assert(strstr(r.out.ptr, "vejr 1"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(log_pickaxe, bad_patterns_are_named, .fini = th_cleanup)
{
	char *dir = archive();
	th_result r;
	TH_RUN(&r, dir, "log", "-G", "(kommuner");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'(kommuner' is not a regular expression"), "%s", r.err.ptr);
	cr_assert_eq(r.out.size, 0, "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "-S", "x", "-G", "y");
	cr_assert_eq(r.status, 2, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "-S", "--");
	cr_assert_neq(r.status, 0, "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "log", "kl/klima", "kl/skole");
	cr_assert_eq(r.status, 2, "several documents need -S or -G: %s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}
