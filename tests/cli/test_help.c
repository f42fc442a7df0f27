/*
 * test_help.c: `stance help`, every command's --help from its option
 * table, git's suggestion for a mistyped command, and the bash completion
 * built from the same tables.
 */
#include <string.h>

#include "repository_fixture.h"

/* The next line of `*text` (cut off there), or NULL at the end. */
static char *next_line(char **text)
{
	char *line = *text, *nl;
	if (!line || !*line)
		return NULL;
	if ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		*text = nl + 1;
	} else {
		*text = NULL;
	}
	return line;
}

/* The commands, as `stance --complete` lists them. */
static char *commands(void)
{
	th_result r;
	char *list;
	OK(&r, "/", "--complete");
	list = strdup(r.out.ptr);
	th_result_free(&r);
	return list;
}

Test(help, every_command_has_help_from_its_table, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *list = commands(), *name, *rest = list;
	size_t n = 0;
	while ((name = next_line(&rest))) {
		stance_buf usage = STANCE_BUF_INIT;
		th_result h, words;
		char *word, *wrest;
		if (name[0] == '-')
			continue;
		n++;
		stance_buf_printf(&usage, "usage: stance %s", name);
		/* both ways, anywhere (no repository here) */
		OK(&h, dir, "help", name);
		cr_assert(!strncmp(h.out.ptr, usage.ptr, usage.size), "help %s: %s", name, h.out.ptr);
		cr_assert(strstr(h.out.ptr, "\nOptions:\n") && strstr(h.out.ptr, "-h, --help"), "%s: %s", name, h.out.ptr);
		th_result_free(&h);
		OK(&h, dir, name, "--help");
		cr_assert(!strncmp(h.out.ptr, usage.ptr, usage.size), "%s --help: %s", name, h.out.ptr);
		/* every option the completion offers is in the help, and the other way */
		OK(&words, dir, "--complete", name);
		wrest = words.out.ptr;
		while ((word = next_line(&wrest))) {
			stance_buf spaced = STANCE_BUF_INIT;
			stance_buf_printf(&spaced, " %s", word);
			cr_assert(strstr(h.out.ptr, spaced.ptr), "%s --help lacks %s: %s", name, word, h.out.ptr);
			stance_buf_dispose(&spaced);
		}
		th_result_free(&words);
		th_result_free(&h);
		stance_buf_dispose(&usage);
	}
	cr_assert_eq(n, 25, "25 commands, not %zu", n);
	free(list);
	free(dir);
}

Test(help, the_help_shows_each_option_once_with_its_value, .fini = th_cleanup)
{
	th_result r;
	OK(&r, "/", "log", "--help");
	cr_assert(strstr(r.out.ptr, "usage: stance log [OPTIONS] [DOC]\n"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "  -n, --max-count N "), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "      --since DATE "), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "      --color[=WHEN] "), "%s", r.out.ptr);
	th_result_free(&r);
	OK(&r, "/", "help", "fetch");
	cr_assert(strstr(r.out.ptr, "      --jobs N "), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "      --no-progress "), "%s", r.out.ptr);
	th_result_free(&r);
}

Test(help, a_mistyped_command_gets_a_suggestion, .fini = th_cleanup)
{
	static const char *const cases[][2] = {
		{ "lsit", "stance: 'lsit' is not a stance command. Did you mean 'list'?\n" },
		{ "dif", "stance: 'dif' is not a stance command. Did you mean 'diff' or 'difftool'?\n" },
		{ "shwo", "stance: 'shwo' is not a stance command. Did you mean 'show'?\n" },
		{ "fecth", "stance: 'fecth' is not a stance command. Did you mean 'fetch'?\n" },
		{ "frobnicate", "stance: 'frobnicate' is not a stance command; see 'stance help'\n" },
	};
	size_t i;
	for (i = 0; i < STANCE_ARRAY_SIZE(cases); i++) {
		th_result r, h;
		TH_RUN(&r, "/", cases[i][0]);
		cr_assert_eq(r.status, 2, "%s: exit %d", cases[i][0], r.status);
		cr_assert_str_eq(r.err.ptr, cases[i][1]);
		/* `stance help NAME` answers as `stance NAME` */
		TH_RUN(&h, "/", "help", cases[i][0]);
		cr_assert_eq(h.status, 2, "help %s: exit %d", cases[i][0], h.status);
		cr_assert_str_eq(h.err.ptr, r.err.ptr);
		th_result_free(&r);
		th_result_free(&h);
	}
}

Test(help, help_of_no_such_command_exits_as_the_command_would, .fini = th_cleanup)
{
	th_result r, h;
	TH_RUN(&r, "/", "nosuch");
	TH_RUN(&h, "/", "help", "nosuch");
	cr_assert_eq(r.status, 2);
	cr_assert_eq(h.status, r.status, "stance help nosuch: exit %d", h.status);
	cr_assert_str_eq(h.err.ptr, r.err.ptr);
	th_result_free(&r);
	th_result_free(&h);
}

/* What the installed completion offers for the words of a command line. */
static char *complete(const char *line)
{
	stance_buf out = STANCE_BUF_INIT;
	char *script = th_source("completion/stance.bash"), *bin = strdup(STANCE_BIN), *slash = strrchr(bin, '/');
	*slash = '\0';
	cr_assert_eq(th_sh("/", &out, "PATH='%s':\"$PATH\" bash -c '. \"%s\"; COMP_WORDS=(%s); "
		"COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _stance; echo \"${COMPREPLY[*]}\"'", bin, script, line), 0);
	free(script);
	free(bin);
	return stance_buf_detach(&out);
}

#define COMPLETES(line, want) do { char *got_ = complete(line); \
	cr_assert_str_eq(got_, want "\n", "'%s' completes to '%s'", line, got_); free(got_); } while (0)

Test(help, bash_completion_from_the_option_tables, .fini = th_cleanup)
{
	COMPLETES("stance lo", "log");
	COMPLETES("stance -C /tmp li", "list");
	COMPLETES("stance --no-p", "--no-pager");
	COMPLETES("stance log --si", "--since");
	COMPLETES("stance diff kl/x --for", "--format");
	COMPLETES("stance fetch --no-", "--no-progress");
	COMPLETES("stance help pu", "pull push");
	COMPLETES("stance sync --co", "--continue --color");
}

Test(help, cmake_installs_the_completion, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *bin = strdup(STANCE_BIN), *slash = strrchr(bin, '/');
	*slash = '\0';
	cr_assert_eq(th_sh(dir, NULL, "cmake --install '%s' --prefix '%s/p' >/dev/null", bin, dir), 0);
	cr_assert_eq(th_sh(dir, NULL, "grep -q 'complete -o default -F _stance stance' "
		"p/share/bash-completion/completions/stance"), 0);
	free(bin);
	free(dir);
}
