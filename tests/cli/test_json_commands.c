/*
 * test_json_commands.c: `--json` on every command whose output is data
 * (diff --stat, check, add, import, reextract, source list), and the one
 * date format (RFC 3339 with seconds and zone), full 40-hex commit ids and
 * messages without a trailing newline in all of them. Each output is parsed
 * back with jansson.
 */
#include <jansson.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static json_t *parse(const char *what, const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	cr_assert_not_null(v, "%s: not JSON (%s at line %d): %s", what, e.text, e.line, text);
	return v;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	cr_assert(json_is_string(v), "'%s' is not a string", key);
	return json_string_value(v);
}

/* `s` matches the POSIX extended regular expression `re`. */
static int matches(const char *s, const char *re)
{
	regex_t rx;
	int ok;
	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

#define RFC3339 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"
#define HEX40 "^[0-9a-f]{40}$"

/* A repository with kl/reform in two revisions (the second at +01:00). */
static char *two_revisions(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	th_write(dir, "in/reform.md", "---\ntitle: Reform\n---\nVi skal have en reform.\n");
	OK0(dir, "add", "in/reform.md", "--id", "kl/reform", "--date", "2021-01-10");
	th_write(dir, "in/reform.md", "---\ntitle: Reform\n---\nVi skal have en stor reform nu.\n");
	OK0(dir, "add", "in/reform.md", "--id", "kl/reform", "--date", "2021-03-01T10:00+01:00",
		"-m", "Stor reform\n\n");
	return dir;
}

/* `stance diff --stat --json` printed the text table; it should print one
 * JSON object with a row per document and the totals. */
Test(json_commands, diff_stat_json_prints_an_object_not_the_table, .fini = th_cleanup)
{
	char *dir = two_revisions();
	th_result r;
	json_t *v, *row;
	OK(&r, dir, "diff", "--stat", "--json", "--since", "2021-02-01");
	cr_assert(!strstr(r.out.ptr, " | "), "no table: %s", r.out.ptr);
	v = parse("diff --stat", r.out.ptr);
	row = json_array_get(json_object_get(v, "documents"), 0);
	cr_assert_str_eq(str(row, "id"), "kl/reform");
	cr_assert_str_eq(str(row, "status"), "changed");
	cr_assert_eq(json_integer_value(json_object_get(row, "words_added")), 2, "stor, nu");
	cr_assert(matches(str(row, "commit"), HEX40), "%s", str(row, "commit"));
	cr_assert_str_eq(str(row, "date"), "2021-03-01T10:00:00+01:00");
	cr_assert(matches(str(v, "since"), RFC3339), "%s", str(v, "since"));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "total"), "documents")), 1);
	json_decref(v);
	th_result_free(&r);
	/* --format json is the same; another format does not go with --stat */
	OK(&r, dir, "diff", "--stat", "--format", "json");
	json_decref(parse("diff --stat --format json", r.out.ptr));
	th_result_free(&r);
	TH_RUN(&r, dir, "diff", "--stat", "--format", "html");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "--stat"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

/* `stance check --json` was refused as an unknown option; it should list
 * each problem as an object with file, line and message, and exit 1. */
Test(json_commands, check_json_lists_each_problem_and_exits_1, .fini = th_cleanup)
{
	char *dir = two_revisions();
	th_result r;
	json_t *v, *p;
	OK(&r, dir, "check", "--json");
	v = parse("check", r.out.ptr);
	cr_assert(json_is_true(json_object_get(v, "valid")));
	cr_assert_eq(json_array_size(json_object_get(v, "problems")), 0);
	json_decref(v);
	th_result_free(&r);

	th_write(dir, "kl/reform.md", "---\nid: kl/reform\ntitle: Reform\nkind: essay\n---\n\nVi skal.\n");
	TH_RUN(&r, dir, "check", "--json");
	cr_assert_eq(r.status, 1, "%s", r.err.ptr);
	v = parse("check", r.out.ptr);
	cr_assert(json_is_false(json_object_get(v, "valid")));
	p = json_array_get(json_object_get(v, "problems"), 0);
	cr_assert(p, "%s", r.out.ptr);
	cr_assert(strstr(str(p, "file"), "kl/reform.md"), "%s", r.out.ptr);
	cr_assert(strstr(str(p, "message"), "essay"), "%s", r.out.ptr);
	cr_assert(!strchr(str(p, "message"), '\n'));
	cr_assert_eq(json_integer_value(json_object_get(p, "line")), 4, "%s", r.out.ptr);
	cr_assert(!strncmp(str(p, "message"), "field 'kind'", 12), "the line is not repeated: %s", r.out.ptr);
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* `stance add --json` was refused; it should say for each file which
 * document it became, what happened and the full commit id. */
Test(json_commands, add_json_names_each_file_outcome_and_full_commit, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	json_t *v, *o;
	OK0(dir, "init");
	th_write(dir, "in/a.md", "---\ntitle: A\n---\nVi skal spare.\n");
	th_write(dir, "in/b.md", "---\ntitle: B\n---\nVi skal bygge.\n");
	OK(&r, dir, "add", "--json", "in/a.md", "in/b.md", "--kind", "debate");
	cr_assert(!strstr(r.out.ptr, "Added"), "no text: %s", r.out.ptr);
	v = parse("add", r.out.ptr);
	cr_assert_eq(json_array_size(v), 2);
	o = json_array_get(v, 0);
	cr_assert_str_eq(str(o, "file"), "in/a.md");
	cr_assert_str_eq(str(o, "outcome"), "added");
	cr_assert(matches(str(o, "commit"), HEX40), "%s", r.out.ptr);
	json_decref(v);
	th_result_free(&r);
	OK(&r, dir, "add", "--json", "in/a.md", "--id", "in/a");
	v = parse("add", r.out.ptr);
	o = json_array_get(v, 0);
	cr_assert_str_eq(str(o, "outcome"), "unchanged");
	cr_assert(json_is_null(json_object_get(o, "commit")));
	json_decref(v);
	th_result_free(&r);
	/* a bad file: the error on standard error, nothing on standard output */
	th_write(dir, "in/c.md", "---\ntitle: [unterminated\n");
	TH_RUN(&r, dir, "add", "--json", "in/c.md");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "in/c.md"), "%s", r.err.ptr);
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	free(dir);
}

/* `stance import --json` was refused; a folder import should give one
 * object a file, a manifest import the revisions with their dates. */
Test(json_commands, import_json_reports_files_and_manifest_revisions, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	json_t *v, *o;
	OK0(dir, "init");
	th_write(dir, "in/one.txt", "Et dokument\n\nKL mener, at kommunerne skal have mere frihed til at styre selv.\n");
	OK(&r, dir, "import", "--json", "--collection", "kl", "in");
	v = parse("import", r.out.ptr);
	o = json_array_get(v, 0);
	cr_assert_str_eq(str(o, "id"), "kl/et-dokument");
	cr_assert_str_eq(str(o, "outcome"), "added");
	cr_assert(matches(str(o, "commit"), HEX40), "%s", r.out.ptr);
	json_decref(v);
	th_result_free(&r);

	th_write(dir, "saved/n1.md", "---\ntitle: N\n---\nFørst.\n");
	th_write(dir, "saved/n2.md", "---\ntitle: N\n---\nSå.\n");
	th_write(dir, "saved/manifest.tsv", "file\tid\tdate\tauthor\tmessage\n"
		"n2.md\tkl/n\t2021-03-01T10:00+01:00\n"
		"n1.md\tkl/n\t2020-01-15\n");
	OK(&r, dir, "import", "--json", "--manifest", "saved/manifest.tsv");
	v = parse("import --manifest", r.out.ptr);
	cr_assert_eq(json_integer_value(json_object_get(v, "written")), 2, "%s", r.out.ptr);
	o = json_array_get(json_object_get(v, "revisions"), 0);
	cr_assert_str_eq(str(o, "id"), "kl/n");
	cr_assert_str_eq(str(o, "date"), "2020-01-15T00:00:00Z", "oldest first, RFC 3339");
	cr_assert(json_is_true(json_object_get(o, "written")));
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* `stance reextract --json` was refused; it should give one object a
 * source: its id, outcome, commit and the reason of a failure. */
Test(json_commands, reextract_json_gives_each_source_its_outcome, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	th_result r;
	json_t *v, *o;
	OK0(dir, "init");
	OK0(dir, "source", "add", "kl/x", "http://127.0.0.1:9/x", "--kind", "debate");
	TH_RUN(&r, dir, "reextract", "--json");
	cr_assert_eq(r.status, 3, "a failed source: exit 3 as without --json");
	v = parse("reextract", r.out.ptr);
	o = json_array_get(v, 0);
	cr_assert_str_eq(str(o, "id"), "kl/x");
	cr_assert_str_eq(str(o, "outcome"), "failed");
	cr_assert(strstr(str(o, "reason"), "no snapshot"), "%s", r.out.ptr);
	cr_assert(json_is_null(json_object_get(o, "commit")));
	json_decref(v);
	th_result_free(&r);
	OK(&r, dir, "source", "list", "--json");
	v = parse("source list", r.out.ptr);
	cr_assert_str_eq(str(json_array_get(v, 0), "kind"), "debate");
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

/* `stance log --json` wrote "2021-03-01T10:00+01:00" (no seconds) while
 * show wrote seconds, and kept the message's trailing newline: one format,
 * full ids and trimmed messages everywhere. */
Test(json_commands, every_date_is_rfc3339_with_seconds_and_ids_are_full, .fini = th_cleanup)
{
	char *dir = two_revisions();
	th_result r;
	json_t *v, *o;
	OK(&r, dir, "log", "--json", "kl/reform");
	v = parse("log", r.out.ptr);
	o = json_array_get(v, 0);
	cr_assert_str_eq(str(o, "date"), "2021-03-01T10:00:00+01:00");
	cr_assert_str_eq(str(o, "message"), "Stor reform");
	cr_assert(matches(str(o, "commit"), HEX40));
	cr_assert(matches(str(json_array_get(v, 1), "date"), RFC3339), "%s", r.out.ptr);
	json_decref(v);
	th_result_free(&r);
	OK(&r, dir, "show", "--json", "kl/reform");
	v = parse("show", r.out.ptr);
	o = json_object_get(v, "revision");
	cr_assert_str_eq(str(o, "date"), "2021-03-01T10:00:00+01:00");
	cr_assert(matches(str(o, "commit"), HEX40));
	json_decref(v);
	th_result_free(&r);
	free(dir);
}
