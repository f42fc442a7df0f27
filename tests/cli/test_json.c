/*
 * test_json.c: every --json output stays JSON whatever the strings hold: a
 * title, author, organization, commit message and source rules with
 * quotes, backslashes, control characters and Danish letters are parsed
 * back with jansson and come out as they went in; the layouts of the pages
 * (one object a line, or one line) are kept.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Quotes, a backslash, a tab, a newline-free control character, the last
 * control character, and Danish letters. */
#define HOSTILE "Nærhed \"citat\" \\ bø\tÆØÅ\x01 æ\x1f å"

static json_t *parse(const char *what, const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	cr_assert_not_null(v, "%s: not JSON (%s at line %d, column %d): %s", what, e.text, e.line, e.column, text);
	return v;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	cr_assert(json_is_string(v), "'%s' is not a string", key);
	return json_string_value(v);
}

static char *new_repo(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	th_write(dir, "in/doc.md", "## Holdning\n\nKL mener, at kommunerne skal have mere frihed.\n");
	OK0(dir, "add", "in/doc.md", "--id", "kl/doc", "--title", HOSTILE, "--author", HOSTILE,
		"--author", "Bo", "--organization", HOSTILE, "-m", HOSTILE, "--date", "2020-12-04");
	return dir;
}

Test(json, hostile_strings_come_back_from_every_output, .fini = th_cleanup)
{
	char *dir = new_repo();
	json_t *v, *o;
	th_result r;

	OK(&r, dir, "show", "kl/doc", "--json");
	v = parse("show", r.out.ptr);
	cr_expect_str_eq(str(v, "title"), HOSTILE);
	cr_expect_str_eq(str(v, "organization"), HOSTILE);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(v, "authors"), 0)), HOSTILE);
	cr_expect(json_is_null(json_object_get(v, "publication")));
	json_decref(v);
	/* one line, keys in the order of docs/commands/show.md */
	cr_expect(!strncmp(r.out.ptr, "{\"id\": \"kl/doc\", \"title\": \"Nærhed \\\"citat\\\" \\\\ bø\\tÆØÅ\\u0001", 58),
		"%s", r.out.ptr);
	cr_expect_eq(strchr(r.out.ptr, '\n'), r.out.ptr + r.out.size - 1, "%s", r.out.ptr);
	th_result_free(&r);

	OK(&r, dir, "list", "--json");
	v = parse("list", r.out.ptr);
	cr_assert_eq(json_array_size(v), 1);
	o = json_array_get(v, 0);
	cr_expect_str_eq(str(o, "title"), HOSTILE);
	cr_expect_str_eq(str(o, "organization"), HOSTILE);
	cr_expect_eq(json_integer_value(json_object_get(o, "revisions")), 1);
	json_decref(v);
	cr_expect(!strncmp(r.out.ptr, "[\n  {\"id\": \"kl/doc\", \"kind\": null, ", 34), "%s", r.out.ptr);
	th_result_free(&r);

	OK(&r, dir, "log", "--json");
	v = parse("log", r.out.ptr);
	o = json_array_get(v, 0);
	cr_expect_str_eq(str(o, "message"), HOSTILE, "the message without its trailing newline");
	cr_expect(json_is_false(json_object_get(o, "removed")));
	json_decref(v);
	th_result_free(&r);

	OK(&r, dir, "positions", "kl/doc", "--json");
	v = parse("positions", r.out.ptr);
	cr_expect_str_eq(str(json_array_get(v, 0), "section"), "Holdning");
	json_decref(v);
	th_result_free(&r);
	OK(&r, dir, "positions", "kl/doc", "--history", "--json");
	json_decref(parse("positions --history", r.out.ptr));
	th_result_free(&r);

	/* the remotes and a sync's report: one line without spaces */
	OK0(dir, "remote", "add", "hub", "../hub \"æ\\\".git");
	OK(&r, dir, "remote", "--json");
	cr_expect_str_eq(r.out.ptr, "[{\"name\":\"hub\",\"url\":\"../hub \\\"æ\\\\\\\".git\"}]\n");
	v = parse("remote", r.out.ptr);
	cr_expect_str_eq(str(json_array_get(v, 0), "url"), "../hub \"æ\\\".git");
	json_decref(v);
	th_result_free(&r);
	TH_RUN(&r, dir, "pull", "--json", "hub");
	cr_expect_eq(r.status, 1, "%s", r.err.ptr);
	v = parse("pull", r.out.ptr);
	cr_expect(json_is_false(json_object_get(v, "ok")));
	cr_expect(strstr(str(v, "error"), "hub") != NULL, "%s", r.out.ptr);
	json_decref(v);
	th_result_free(&r);
	free(dir);
}

Test(json, hostile_strings_in_the_web_commands, .fini = th_cleanup)
{
	char *dir = new_repo();
	json_t *v, *o;
	th_result r;

	th_write(dir, "in/page.html", "<html><head><title>" HOSTILE "</title></head><body><article><h1>Nærhed</h1>"
		"<p>Vi vil have mere nærhed i velfærden, og det kræver, at beslutningerne træffes tæt på "
		"borgerne, i kommunerne og i institutionerne selv.</p></article></body></html>\n");
	OK(&r, dir, "extract", "--json", "in/page.html", "in/page.html");
	/* one object a line */
	{
		char *nl = strchr(r.out.ptr, '\n');
		cr_assert_not_null(nl);
		*nl = '\0';
		v = parse("extract", r.out.ptr);
		json_decref(v);
		v = parse("extract, second line", nl + 1);
		json_decref(v);
	}
	th_result_free(&r);

	OK0(dir, "source", "add", "kl/side", "http://127.0.0.1:9/side", "--remove", "//p[@class=\"x\\y\"]",
		"--organization", HOSTILE);
	OK(&r, dir, "source", "list", "--json");
	v = parse("source list", r.out.ptr);
	o = json_array_get(v, 0);
	cr_expect_str_eq(str(o, "organization"), HOSTILE);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "remove"), 0)), "//p[@class=\"x\\y\"]");
	cr_expect(json_is_false(json_object_get(o, "feed")));
	json_decref(v);
	th_result_free(&r);

	TH_RUN(&r, dir, "fetch", "--json", "--retries", "0", "kl/side");
	v = parse("fetch", r.out.ptr);
	o = json_array_get(v, 0);
	cr_expect_str_eq(str(o, "outcome"), "failed");
	cr_expect(json_is_null(json_object_get(o, "commit")));
	json_decref(v);
	th_result_free(&r);
	free(dir);
}
