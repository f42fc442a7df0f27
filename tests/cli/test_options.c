/*
 * test_options.c: the one option parser of the stance tool, as a user
 * meets it: a bad option, a missing value, a bad number or date is one
 * message naming the command and the option, exit 2; the same option means
 * the same in every command; --since and --until take git's dates.
 */
#include <string.h>

#include "repository_fixture.h"

/* stance ARGS... in `dir` exits 2 with `message` as the whole of stderr. */
static void one_message(const char *dir, const char *message, const char *const args[])
{
	th_result r;
	th_run(&r, dir, NULL, args);
	cr_assert_eq(r.status, 2, "%s: exit %d, stderr: %s", args[0], r.status, stance_buf_cstr(&r.err));
	cr_assert_str_eq(stance_buf_cstr(&r.err), message, "wanted exactly one line: %s", message);
	cr_assert_str_eq(stance_buf_cstr(&r.out), "", "nothing on stdout");
	th_result_free(&r);
}
#define ONE(dir, message, ...) one_message((dir), (message), (const char *const[]){ __VA_ARGS__, NULL })

Test(options, a_bad_option_is_one_message_naming_command_and_option, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	ONE(dir, "stance log: unknown option '--bogus'\n", "log", "--bogus");
	ONE(dir, "stance log: unknown option '-x'\n", "log", "-x");
	ONE(dir, "stance list: unknown option '--bogus'\n", "list", "kl", "--bogus=1");
	ONE(dir, "stance show: option '--raw' takes no value\n", "show", "kl/debat", "--raw=yes");
	ONE(dir, "stance: unknown option '--bogus'\n", "--bogus", "log");
	/* a web command, read by stance-web from the same kind of table */
	ONE(dir, "stance fetch: unknown option '--bogus'\n", "fetch", "--bogus");
	ONE(dir, "stance add: unknown option '--bogus'\n", "add", "--bogus", "in/v1.md");
	free(dir);
}

Test(options, a_missing_value_names_what_it_needs, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	ONE(dir, "stance log: option '-n' needs a number\n", "log", "-n");
	ONE(dir, "stance log: option '--max-count' needs a number\n", "log", "--max-count");
	ONE(dir, "stance log: option '--since' needs a date\n", "log", "--since");
	ONE(dir, "stance list: option '--kind' needs a value\n", "list", "--kind");
	ONE(dir, "stance diff: option '--context' needs a number\n", "diff", "kl/debat", "--context");
	ONE(dir, "stance fetch: option '--jobs' needs a number\n", "fetch", "--jobs");
	ONE(dir, "stance: option '-C' needs a value\n", "-C");
	free(dir);
}

Test(options, a_bad_number_says_the_range, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	ONE(dir, "stance log: option '-n' takes a number from 1 to 1073741824, not 'x'\n", "log", "-n", "x");
	ONE(dir, "stance log: option '-n' takes a number from 1 to 1073741824, not '0'\n", "log", "-n0");
	ONE(dir, "stance diff: option '--context' takes a number from 0 to 1000000, not '-1'\n",
		"diff", "kl/debat", "--context=-1");
	ONE(dir, "stance fetch: option '--retries' takes a number from 0 to 20, not '99'\n", "fetch", "--retries", "99");
	free(dir);
}

Test(options, a_bad_date_is_quoted, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	TH_RUN(&r, dir, "log", "--since", "the day before");
	cr_assert_eq(r.status, 2);
	cr_assert(!strncmp(r.err.ptr, "stance log: option '--since': 'the day before' is not a date", 60), "%s", r.err.ptr);
	cr_assert_eq(strchr(r.err.ptr, '\n'), r.err.ptr + r.err.size - 1, "one line: %s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "list", "--until=2021-13");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "stance list: option '--until': '2021-13' is not a date"), "%s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(options, bad_options_are_answered_outside_a_repository_too, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	ONE(dir, "stance log: unknown option '--bogus'\n", "log", "--bogus");
	ONE(dir, "stance check: unknown option '--bogus'\n", "check", "--bogus");
	free(dir);
}

Test(options, since_and_until_take_git_dates, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	/* the revisions are of 2020-12-04 and 2021-03-01 */
	OK(&r, dir, "log", "--since", "100 years ago");
	cr_assert(strstr(r.out.ptr, "Add kl/debat") && strstr(r.out.ptr, "Update kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--since", "yesterday");
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	OK(&r, dir, "log", "--until", "2.weeks.ago", "-n", "1");
	cr_assert(strstr(r.out.ptr, "Update kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--since", "2021-03");
	cr_assert(strstr(r.out.ptr, "Update kl/debat") && !strstr(r.out.ptr, "Add kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--since", "1 year ago");
	cr_assert_str_eq(r.out.ptr, "", "published 2020: %s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "list", "--until", "today");
	cr_assert(strstr(r.out.ptr, "kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "diff", "--stat", "--since", "2021-02", "--until", "now");
	cr_assert(strstr(r.out.ptr, "1 document changed"), "%s", r.out.ptr);
	th_result_free(&r);
	free(dir);
}

Test(options, one_meaning_everywhere, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	static const char *const json[][3] = {
		{ "list", NULL }, { "log", NULL }, { "show", "kl/debat" }, { "positions", "kl/debat" },
		{ "remote", NULL },
	};
	static const char *const no_j[] = { "clone", "remote", "pull", "push", "sync" };
	size_t i;
	th_result r;
	for (i = 0; i < STANCE_ARRAY_SIZE(json); i++) {
		if (json[i][1])
			OK(&r, dir, json[i][0], json[i][1], "--json");
		else
			OK(&r, dir, json[i][0], "--json");
		cr_assert(r.out.ptr[0] == '[' || r.out.ptr[0] == '{', "%s --json: %s", json[i][0], r.out.ptr);
		th_result_free(&r);
	}
	/* -j was --json in five commands only: it is no option now */
	for (i = 0; i < STANCE_ARRAY_SIZE(no_j); i++) {
		stance_buf want = STANCE_BUF_INIT;
		stance_buf_printf(&want, "stance %s: unknown option '-j'\n", no_j[i]);
		ONE(dir, want.ptr, no_j[i], "-j");
		stance_buf_dispose(&want);
	}
	/* -n is --max-count; import's --dry-run has no -n */
	ONE(dir, "stance import: unknown option '-n'\n", "import", "-n", "in");
	/* --color[=WHEN] is every command's: it colours despite NO_COLOR */
	OK(&r, dir, "log", "--color=always");
	cr_assert(strstr(r.out.ptr, "\033[33m"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--color");
	cr_assert(strstr(r.out.ptr, "\033[33m"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "--color=always", "log", "--color=never");
	cr_assert_null(strstr(r.out.ptr, "\033["), "%s", r.out.ptr);
	th_result_free(&r);
	ONE(dir, "stance log: option '--color' takes auto, always or never, not 'pink'\n", "log", "--color=pink");
	/* --no-progress is taken where there is progress to draw */
	TH_RUN(&r, dir, "push", "--no-progress");
	cr_assert_eq(r.status, 1, "not a usage error, no remote: %s", r.err.ptr);
	th_result_free(&r);
	free(dir);
}

Test(options, operands_options_and_double_dash, .fini = th_cleanup)
{
	char *dir = repo_with_history();
	th_result r;
	/* options after operands, values glued or apart, "--" ending the options */
	OK(&r, dir, "log", "kl/debat", "-n1", "--json");
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, dir, "log", "--max-count=1", "--", "kl/debat");
	cr_assert(!strstr(r.out.ptr, "Add kl/debat"), "%s", r.out.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "show", "--", "--raw");
	cr_assert_eq(r.status, 1, "after --, '--raw' is a document's name: %s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "no document '--raw'"), "%s", r.err.ptr);
	th_result_free(&r);
	/* a value that looks like an option is the value */
	OK(&r, dir, "list", "--kind", "debate", "--organization", "-x");
	cr_assert_str_eq(r.out.ptr, "");
	th_result_free(&r);
	free(dir);
}
