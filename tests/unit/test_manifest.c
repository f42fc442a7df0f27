/*
 * test_manifest.c: the lines of an import manifest read by the library:
 * header, comments and empty lines skipped, fields split, and each bad
 * line refused with a message naming the manifest and its line. The
 * command that writes the revisions is tested in tests/cli/test_import.c.
 */
#include <string.h>

#include "helpers.h"

Test(manifest, lines_are_split_and_read)
{
	char text[] = "file\tid\tdate\tauthor\tmessage\n"
		"# a comment\n"
		"\n"
		"a.md\tkl/a\t2019-01-15\r\n"
		"b.txt\tkl/b\t2020-06-30T10:00+01:00\tAnne Holm <anne@example.org>\tSecond\n"
		"c.md\tkl/c\t2021\t\tThird";
	char *p = text, *name, *email;
	size_t lineno = 0;
	stance_manifest_line l;
	stance_date date;

	cr_assert_eq(stance_manifest_next(&l, &p, &lineno, "m.tsv"), 1, "%s", stance_error_last());
	cr_expect_eq(l.line, 4);
	cr_expect_str_eq(l.file, "a.md");
	cr_expect_str_eq(l.id, "kl/a");
	cr_expect_str_eq(l.date, "2019-01-15", "the \\r before the line end is dropped");
	cr_expect_str_eq(l.author, "");
	cr_assert_eq(stance_manifest_check(&l, "m.tsv", &date, &name, &email), 0, "%s", stance_error_last());
	cr_expect_eq(date.day, 15);
	cr_expect_null(name);

	cr_assert_eq(stance_manifest_next(&l, &p, &lineno, "m.tsv"), 1);
	cr_expect_eq(l.line, 5);
	cr_expect_eq(l.fields, 5);
	cr_assert_eq(stance_manifest_check(&l, "m.tsv", &date, &name, &email), 0, "%s", stance_error_last());
	cr_expect_str_eq(name, "Anne Holm");
	cr_expect_str_eq(email, "anne@example.org");
	cr_expect_str_eq(l.message, "Second");
	free(name);
	free(email);

	cr_assert_eq(stance_manifest_next(&l, &p, &lineno, "m.tsv"), 1);
	cr_expect_eq(l.line, 6);
	cr_expect_str_eq(l.author, "");
	cr_expect_str_eq(l.message, "Third");
	cr_expect_eq(stance_manifest_next(&l, &p, &lineno, "m.tsv"), 0);
	cr_expect_eq(stance_manifest_next(&l, &p, &lineno, "m.tsv"), 0, "the end stays the end");
}

static void line_fails(const char *manifest, const char *want)
{
	char *text = strdup(manifest), *p = text, *name = NULL, *email = NULL;
	size_t lineno = 0;
	stance_manifest_line l;
	stance_date date;
	int rc;
	while ((rc = stance_manifest_next(&l, &p, &lineno, "saved/m.tsv")) == 1 &&
	       (rc = stance_manifest_check(&l, "saved/m.tsv", &date, &name, &email)) == 0) {
		free(name);
		free(email);
	}
	cr_expect_lt(rc, 0, "accepted: %s", manifest);
	cr_expect(strstr(stance_error_last(), want) != NULL, "expected '%s' in: %s", want, stance_error_last());
	cr_expect_null(name);
	cr_expect_null(email);
	free(text);
}

Test(manifest, a_bad_line_is_named)
{
	line_fails("a.md\tkl/a\n", "saved/m.tsv:1: expected 3 to 5 tab-separated fields "
		"(file, id, date, author, message), found 2");
	line_fails("a.md\n", "saved/m.tsv:1: expected 3 to 5 tab-separated fields (file, id, date, author, message), found 1");
	line_fails("a.md\tkl/a\t2019\n\na\tb\tc\td\te\tf\n", "saved/m.tsv:3: expected 3 to 5 tab-separated fields "
		"(file, id, date, author, message), found more");
	line_fails("a.md\tKL/Bad Id\t2019-01-01\n", "saved/m.tsv:1: 'KL/Bad Id' is not a valid id: ");
	line_fails("a.md\tkl/a\t2020-13-45\n", "saved/m.tsv:1: '2020-13-45' is not a date");
	line_fails("a.md\tkl/a\t2019-01-01\tAnne Holm\n", "saved/m.tsv:1: the author 'Anne Holm' is not 'Name <email>'");
	line_fails("a.md\tkl/a\t2019-01-01\tAnne <>\n", "the author 'Anne <>' is not");
}
