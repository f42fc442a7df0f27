/*
 * test_source_set.c: `stance source set ID --select … --remove … --noise …
 * --kind …` changes a source's rules in one commit; before, a user had to
 * `source remove` and `source add` again (two commits, the URL typed anew,
 * the source moved to the end of the list).
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static char *repository_with_two_sources(void)
{
	char *dir = th_tmpdir();
	OK0(dir, "init");
	OK0(dir, "source", "add", "kl/reform", "https://www.kl.dk/reform", "--select", "//main",
		"--remove", "//div[@class='share']", "--noise", "Opdateret [0-9.]+", "--kind", "theme");
	OK0(dir, "source", "add", "kl/skole", "https://www.kl.dk/skole");
	return dir;
}

Test(source_set, set_remove_and_noise_replace_the_rules_in_one_commit, .fini = th_cleanup)
{
	char *dir = repository_with_two_sources(), *before, *after, *subject, *config, *status;
	th_result r;
	before = th_sh_out(dir, "git rev-list --count HEAD");
	OK(&r, dir, "source", "set", "kl/reform", "--remove", "//nav", "--remove", "//footer",
		"--noise", "Set [0-9]+ gange", "--kind", "debate");
	th_result_free(&r);
	after = th_sh_out(dir, "git rev-list --count HEAD");
	cr_assert_eq(strtol(after, NULL, 10), strtol(before, NULL, 10) + 1, "one commit: %s -> %s", before, after);
	subject = th_sh_out(dir, "git log -1 --format=%s");
	cr_assert_str_eq(subject, "Change source kl/reform (remove, noise, kind)\n");
	status = th_sh_out(dir, "git status --porcelain");
	cr_assert_str_eq(status, "", "the change is committed");
	OK(&r, dir, "source", "list", "--json");
	/* the lists given replaced the old ones; select (not given) stayed */
	cr_assert(strstr(r.out.ptr, "\"select\": [\"//main\"]"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"remove\": [\"//nav\", \"//footer\"]"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"noise\": [\"Set [0-9]+ gange\"]"), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"kind\": \"debate\""), "%s", r.out.ptr);
	cr_assert(strstr(r.out.ptr, "\"url\": \"https://www.kl.dk/reform\""), "%s", r.out.ptr);
	/* it kept its place: still listed before kl/skole */
	cr_assert(strstr(r.out.ptr, "kl/reform") < strstr(r.out.ptr, "kl/skole"), "%s", r.out.ptr);
	th_result_free(&r);
	config = th_read(dir, ".stance/config");
	cr_assert(!strstr(config, "share"), "the old remove rule is gone: %s", config);
	cr_assert(!strstr(config, "Opdateret"), "the old noise rule is gone: %s", config);
	/* git reads the file as stance does */
	free(status);
	status = th_sh_out(dir, "git config -f .stance/config --get-all source.kl/reform.remove");
	cr_assert_str_eq(status, "//nav\n//footer\n");
	/* '' alone empties a list */
	OK0(dir, "source", "set", "kl/reform", "--noise", "");
	OK(&r, dir, "source", "list", "--json");
	cr_assert(strstr(r.out.ptr, "\"noise\": []"), "%s", r.out.ptr);
	th_result_free(&r);
	free(status); free(config); free(subject); free(before); free(after); free(dir);
}

Test(source_set, a_bad_rule_or_an_unknown_source_writes_nothing, .fini = th_cleanup)
{
	char *dir = repository_with_two_sources(), *config, *head, *now;
	th_result r;
	config = th_read(dir, ".stance/config");
	head = th_sh_out(dir, "git rev-parse HEAD");
	TH_RUN(&r, dir, "source", "set", "kl/reform", "--select", "//main[", "--noise", "x");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "source 'kl/reform': select rule: "), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "set", "kl/reform", "--noise", "(unclosed");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "the noise rule '(unclosed' is not a valid regular expression"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "set", "kl/reform", "--kind", "essay");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "'essay' is not a kind"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "set", "kl/nowhere", "--kind", "debate");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "there is no source 'kl/nowhere'"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "set", "kl/reform");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "nothing to change"), "%s", r.err.ptr);
	th_result_free(&r);
	TH_RUN(&r, dir, "source", "set", "kl/reform", "--feed");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err.ptr, "'source set' takes no --feed"), "%s", r.err.ptr);
	th_result_free(&r);
	now = th_read(dir, ".stance/config");
	cr_assert_str_eq(now, config, "nothing written");
	free(now);
	now = th_sh_out(dir, "git rev-parse HEAD");
	cr_assert_str_eq(now, head, "no commit");
	free(now); free(head); free(config); free(dir);
}
