/*
 * test_repo.c: the repo module (repo.h) on real repositories: init makes
 * the skeleton as one commit and installs the hooks, on top of an existing
 * history too, and refuses a second time; open finds the repository from a
 * subfolder and names the folder that is none; .stance/config values (in
 * Danish too) are read back, an unset one is STANCE_ENOTFOUND; the write lock keeps a second writer out until it is
 * released; the program path goes to .git/config.
 */
#include "helpers.h"

#include <string.h>
#include <sys/stat.h>

static stance_repo *init_at(const char *dir)
{
	stance_repo *repo = NULL;
	cr_assert_eq(stance_repo_init(&repo, dir), 0, "init %s: %s", dir, stance_error_last());
	cr_assert_not_null(repo);
	return repo;
}

static int count_commits(const char *dir)
{
	char *out = th_sh_out(dir, "git rev-list --count HEAD");
	int n = (int)strtol(out, NULL, 10);
	free(out);
	return n;
}

Test(repo, init_makes_the_skeleton_as_one_commit_with_hooks, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = init_at(dir);
	struct stat st;
	char *hook = th_path(dir, ".git/hooks/pre-commit"), *status;
	cr_expect(th_exists(dir, ".stance/config"));
	cr_expect(th_exists(dir, "README.md"));
	cr_expect(th_exists(dir, ".gitattributes"));
	cr_expect_eq(count_commits(dir), 1);
	cr_assert_eq(stat(hook, &st), 0, "no pre-commit hook");
	cr_expect(st.st_mode & S_IXUSR, "the hook is not executable");
	status = th_sh_out(dir, "git status --porcelain");
	cr_expect_str_eq(status, "", "the work tree is the commit's");
	free(status);
	cr_expect_str_eq(stance_repo_workdir(repo) + strlen(stance_repo_workdir(repo)) - 1, "/");
	stance_repo_free(repo);
	free(hook);
	free(dir);
}

Test(repo, init_twice_is_refused, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = init_at(dir), *again = NULL;
	stance_repo_free(repo);
	cr_expect_eq(stance_repo_init(&again, dir), STANCE_EEXISTS, "%s", stance_error_last());
	cr_expect_null(again);
	cr_expect_eq(count_commits(dir), 1, "nothing was added");
	free(dir);
}

Test(repo, init_in_a_folder_to_be_made, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *sub = th_path(dir, "ny"), *deep = th_path(dir, "findes/ikke");
	stance_repo *repo = init_at(sub), *none = NULL;
	cr_expect(th_exists(sub, ".stance/config"));
	stance_repo_free(repo);
	/* a folder in a missing folder is not made: the message names it */
	cr_expect_lt(stance_repo_init(&none, deep), 0);
	cr_expect(strstr(stance_error_last(), "findes/ikke") != NULL, "%s", stance_error_last());
	cr_expect_null(none);
	free(deep);
	free(sub);
	free(dir);
}

Test(repo, init_inside_a_git_history_adds_a_commit_on_top, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo;
	char *log;
	cr_assert_eq(th_sh(dir, NULL, "git init -q . && echo hej > noter.txt && git add noter.txt && "
		"git -c user.name=T -c user.email=t@example.org commit -qm 'Første commit'"), 0);
	repo = init_at(dir);
	cr_expect_eq(count_commits(dir), 2);
	log = th_sh_out(dir, "git log --format=%s | tail -1");
	cr_expect_str_eq(log, "Første commit\n", "the history is kept");
	cr_expect(th_exists(dir, "noter.txt"));
	free(log);
	stance_repo_free(repo);
	free(dir);
}

Test(repo, open_finds_the_repository_from_a_subfolder, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *want;
	stance_repo *repo = init_at(dir), *opened = NULL;
	stance_repo_free(repo);
	th_write(dir, "kl/dybt/nede/x.txt", "x\n");
	want = th_path(dir, "");
	cr_assert_eq(stance_repo_open(&opened, want), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_repo_workdir(opened), want);
	stance_repo_free(opened);
	opened = NULL;
	{
		char *sub = th_path(dir, "kl/dybt/nede");
		cr_assert_eq(stance_repo_open(&opened, sub), 0, "%s", stance_error_last());
		cr_expect_str_eq(stance_repo_workdir(opened), want, "the top of the working folder, with a '/'");
		free(sub);
	}
	stance_repo_free(opened);
	free(want);
	free(dir);
}

Test(repo, open_names_the_folder_that_is_not_a_repository, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = NULL;
	cr_expect_eq(stance_repo_open(&repo, dir), STANCE_ENOTREPO);
	cr_expect(strstr(stance_error_last(), dir) != NULL, "%s", stance_error_last());
	cr_expect_null(repo);
	/* a git repository without .stance is not a stance repository either */
	cr_assert_eq(th_sh(dir, NULL, "git init -q ."), 0);
	cr_expect_eq(stance_repo_open(&repo, dir), STANCE_ENOTREPO);
	cr_expect(strstr(stance_error_last(), "not a stance") != NULL, "%s", stance_error_last());
	cr_expect_null(repo);
	free(dir);
}

Test(repo, open_of_a_missing_folder_fails_clearly, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *missing = th_path(dir, "findes-ikke");
	stance_repo *repo = NULL;
	cr_expect_lt(stance_repo_open(&repo, missing), 0);
	cr_expect(strstr(stance_error_last(), "findes-ikke") != NULL, "%s", stance_error_last());
	cr_expect_null(repo);
	free(missing);
	free(dir);
}

Test(repo, config_values_round_trip, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *file;
	stance_repo *repo = init_at(dir);
	stance_buf v = STANCE_BUF_INIT;
	cr_expect_eq(stance_repo_config_get(&v, repo, "stance.nosuch"), STANCE_ENOTFOUND);
	cr_expect_eq(v.size, 0);
	cr_assert_eq(stance_repo_config_set(repo, "stance.language", "da"), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_repo_language(repo), "da");
	cr_assert_eq(stance_repo_config_set(repo, "stance.organisation", "Københavns Kommune"), 0);
	cr_assert_eq(stance_repo_config_get(&v, repo, "stance.organisation"), 0, "%s", stance_error_last());
	cr_expect_str_eq(stance_buf_cstr(&v), "Københavns Kommune");
	stance_buf_clear(&v);
	/* the value is in .stance/config, where git reads it too */
	file = th_path(dir, ".stance/config");
	{
		char *got = th_sh_out(dir, "git config -f .stance/config stance.organisation");
		cr_expect_str_eq(got, "Københavns Kommune\n");
		free(got);
	}
	stance_repo_free(repo);
	repo = NULL;
	/* and another handle reads it */
	cr_assert_eq(stance_repo_open(&repo, dir), 0);
	cr_expect_str_eq(stance_repo_language(repo), "da");
	stance_buf_dispose(&v);
	stance_repo_free(repo);
	free(file);
	free(dir);
}

Test(repo, language_is_en_when_unset, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = init_at(dir);
	cr_assert_eq(th_sh(dir, NULL, "git config -f .stance/config --unset-all stance.language || true"), 0);
	stance_repo_free(repo);
	repo = NULL;
	cr_assert_eq(stance_repo_open(&repo, dir), 0);
	cr_expect_str_eq(stance_repo_language(repo), "en");
	stance_repo_free(repo);
	free(dir);
}

Test(repo, the_lock_keeps_a_second_writer_out_until_released, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *a = init_at(dir), *b = NULL;
	stance_buf notes = STANCE_BUF_INIT;
	cr_assert_eq(stance_repo_open(&b, dir), 0);
	cr_assert_eq(stance_repo_lock(a, 0), 0, "%s", stance_error_last());
	cr_expect(th_exists(dir, ".git/stance.lock"));
	cr_expect_eq(stance_repo_lock(b, 0), STANCE_ELOCKED);
	cr_expect(strstr(stance_error_last(), "busy") != NULL, "%s", stance_error_last());
	cr_expect_eq(stance_repo_lock(b, 200), STANCE_ELOCKED, "waiting a little does not help");
	stance_repo_unlock(a);
	cr_expect(!th_exists(dir, ".git/stance.lock"));
	cr_expect_eq(stance_repo_lock(b, 0), 0, "%s", stance_error_last());
	cr_expect_eq(stance_repo_take_notices(&notes, b), 0, "a lock released is no stale lock: %s",
		stance_buf_cstr(&notes));
	stance_repo_free(b);
	cr_expect(!th_exists(dir, ".git/stance.lock"), "freeing the repository releases the lock");
	cr_expect_eq(stance_repo_recover(a), 0, "nothing to recover: %s", stance_error_last());
	stance_buf_dispose(&notes);
	stance_repo_free(a);
	free(dir);
}

Test(repo, a_lock_left_by_a_dead_process_is_taken_over, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	stance_repo *repo = init_at(dir);
	stance_buf notes = STANCE_BUF_INIT;
	/* a pid that does not run (above pid_max), written the way the lock is */
	th_write(dir, ".git/stance.lock", "4194304\n");
	cr_assert_eq(stance_repo_lock(repo, 0), 0, "%s", stance_error_last());
	stance_repo_unlock(repo);
	stance_buf_dispose(&notes);
	stance_repo_free(repo);
	free(dir);
}

Test(repo, the_program_is_recorded_for_the_hook_and_the_diff_driver, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *got;
	stance_repo *repo = init_at(dir);
	cr_assert_eq(stance_repo_set_program(repo, "/opt/stance med mellemrum/bin/stance"), 0, "%s",
		stance_error_last());
	got = th_sh_out(dir, "git config stance.program");
	cr_expect_str_eq(got, "/opt/stance med mellemrum/bin/stance\n");
	free(got);
	got = th_sh_out(dir, "git config diff.stance.command");
	cr_expect(strstr(got, "difftool") != NULL, "%s", got);
	free(got);
	stance_repo_free(repo);
	free(dir);
}
