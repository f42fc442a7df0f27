/*
 * test_tables.c: the text tables of `list`, `log` and `diff --stat` as a
 * user reads them: with Danish letters the columns drifted (printf pads
 * by bytes: "ø" counted twice), a long id or author pushed
 * the rest of its line out, and `list` printed a moment where its column is
 * a date. Columns line up by display width, long cells end in "…".
 * (`fetch` and `reextract` are told in test_feed_dates.c, with a server.)
 */
#include <string.h>

#include "repository_fixture.h"

#define LONG_ID "kl/et-meget-langt-dokument-id-om-kommunernes-fremtid-og-frihed"

/* The display column at which `needle` begins in line `n` of `text`
 * (0-based); -1 when the line or the needle is not there. */
static int column_of(const char *text, int n, const char *needle)
{
	const char *line = text, *end, *at;
	char buf[1024];
	while (n-- > 0 && line && (line = strchr(line, '\n')))
		line++;
	if (!line || !*line)
		return -1;
	end = strchr(line, '\n');
	if (!end)
		end = line + strlen(line);
	if (!(at = strstr(line, needle)) || at >= end || (size_t)(at - line) >= sizeof(buf))
		return -1;
	memcpy(buf, line, (size_t)(at - line));
	buf[at - line] = '\0';
	return stance_text_width(buf);
}

static char *repository_of_danish_documents(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	th_write(dir, "in/a.md", "---\ntitle: Ærø og Læsø\nkind: debate\npublished: 2021-05-06T12:09:00+02:00\n---\nØer.\n");
	th_write(dir, "in/b.md", "---\ntitle: Plain\nkind: editorial\npublished: 2020-12-04\n---\nText.\n");
	OK0(dir, "add", "in/a.md", "--id", "kl/oer", "--commit-author", "Åse Ødegård <a@example.org>");
	OK0(dir, "add", "in/b.md", "--id", LONG_ID, "--commit-author",
		"Søren Æbelø-Kristiansen Ørsted-Ågård <s@example.org>");
	return dir;
}

Test(tables, list_lines_up_by_display_width_with_long_ids_cut_and_dates_as_dates, .fini = th_cleanup)
{
	char *dir = repository_of_danish_documents();
	th_result r;
	OK(&r, dir, "list");
	/* the id was 62 columns: cut to 40, ending in "…", not the whole id */
	cr_assert(!strstr(r.out.ptr, LONG_ID), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "kl/et-meget-langt-dokument-id-om-kommun…"), "%s", r.out.ptr);
	/* the kind column begins at one display column on both lines */
	cr_assert_eq(column_of(r.out.ptr, 0, "editorial"), 42, "%s", r.out.ptr);
	cr_assert_eq(column_of(r.out.ptr, 1, "debate"), 42, "%s", r.out.ptr);
	/* a published moment shows as its day */
	cr_assert(strstr(r.out.ptr, "2021-05-06  "), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "12:09"), "the date column holds a date: %s", r.out.ptr);
	cr_assert_eq(column_of(r.out.ptr, 0, "Plain"), column_of(r.out.ptr, 1, "Ærø og Læsø"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(tables, log_cuts_a_long_author_and_keeps_its_columns, .fini = th_cleanup)
{
	char *dir = repository_of_danish_documents();
	th_result r;
	OK(&r, dir, "log");
	/* the author (37 columns) is cut to 24 with "…" */
	cr_assert(strstr(r.out.ptr, "Søren Æbelø-Kristiansen…"), "%s", r.out.ptr);
	cr_assert(!strstr(r.out.ptr, "Ørsted"), "%s", r.out.ptr);
	/* the subjects begin at one column though "Åse Ødegård" has more bytes
	 * than columns */
	cr_assert_eq(column_of(r.out.ptr, 0, "Add kl/et-meget"), column_of(r.out.ptr, 1, "Add kl/oer"), "%s", r.out.ptr);
	cr_assert_gt(column_of(r.out.ptr, 0, "Add "), 0, "%s", r.out.ptr);
	cr_assert_eq(column_of(r.out.ptr, 0, "+1 -0"), column_of(r.out.ptr, 1, "+1 -0"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(tables, diff_stat_cuts_long_ids_and_keeps_the_bars_in_line, .fini = th_cleanup)
{
	char *dir = repository_of_danish_documents();
	th_result r;
	OK(&r, dir, "diff", "--stat");
	cr_assert(strstr(r.out.ptr, " kl/et-meget-langt-dokument-id-om-kommun… |"), "%s", r.out.ptr);
	cr_assert_eq(column_of(r.out.ptr, 0, "|"), 42, "%s", r.out.ptr);
	cr_assert_eq(column_of(r.out.ptr, 1, "|"), 42, "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, " 2 documents changed"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}
