/*
 * test_sync_options.c: what the library takes through stance_sync_options
 * and nothing else: credentials from the callback (never from the
 * environment, against a real smart-HTTP server on loopback), the version
 * of the options, and a failed clone removed without running a program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

static char *server_dir;
static char server_port[16];

static void fini(void)
{
	if (server_dir) {
		char *script = th_source("tests/fixtures/sync/http-server.sh");
		th_sh("/", NULL, "'%s' stop '%s'", script, server_dir);
		free(script);
		free(server_dir);
		server_dir = NULL;
	}
	th_cleanup();
}

/* Starts the smart-HTTP server in dir/srv with a stance repository at
 * /git/private.git (user alice, password s3cret); returns its URL. */
static char *private_hub(const char *dir)
{
	char *script = th_source("tests/fixtures/sync/http-server.sh");
	stance_buf out = STANCE_BUF_INIT, url = STANCE_BUF_INIT;
	stance_repo *seed = NULL;
	char *seed_dir = th_path(dir, "seed");
	cr_assert_eq(th_sh(dir, &out, "'%s' start srv", script), 0, "the test server did not start: %s",
		stance_buf_cstr(&out));
	snprintf(server_port, sizeof(server_port), "%.*s", (int)strcspn(out.ptr, "\n"), out.ptr);
	server_dir = th_path(dir, "srv");
	cr_assert_eq(stance_repo_init(&seed, seed_dir), 0, "%s", stance_error_last());
	stance_repo_free(seed);
	cr_assert_eq(th_sh(dir, NULL, "git init -q --bare -b main srv/repos/private.git && "
		"git -C srv/repos/private.git config http.receivepack true && "
		"git -C seed push -q ../srv/repos/private.git main"), 0);
	stance_buf_printf(&url, "http://127.0.0.1:%s/git/private.git", server_port);
	stance_buf_dispose(&out);
	free(seed_dir);
	free(script);
	return stance_buf_detach(&url);
}

typedef struct {
	const char *password;
	int asked, verdicts, accepted;
	unsigned int allowed;
	char url[256];
} answers;

static int give_password(stance_credential *out, const stance_credential_request *req, void *payload)
{
	answers *a = payload;
	a->asked++;
	a->allowed = req->allowed;
	snprintf(a->url, sizeof(a->url), "%s", req->url);
	out->kind = STANCE_CREDENTIAL_USERPASS;
	out->username = "alice";
	out->password = a->password;
	out->refused = "the test's password was refused";
	return 0;
}

static void verdict(int accepted, void *payload)
{
	answers *a = payload;
	a->verdicts++;
	a->accepted = accepted;
}

/* Credentials come through the callback only: a right STANCE_TOKEN in the
 * environment is not read (the library used to read it), a wrong password
 * from the callback is refused by name without showing it, the right one
 * works and is told so. */
Test(sync_options, credentials_come_from_the_callback_and_not_the_environment, .fini = fini)
{
	char *dir = th_tmpdir(), *url = private_hub(dir), *x = th_path(dir, "x"), *y = th_path(dir, "y");
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	answers a;
	stance_repo *repo = NULL;
	int error;

	setenv("STANCE_TOKEN", "s3cret", 1);
	setenv("GIT_TERMINAL_PROMPT", "0", 1);
	{
		/* the user in the URL, the token its password: what the library
		 * used to send */
		stance_buf with_user = STANCE_BUF_INIT;
		stance_buf_printf(&with_user, "http://alice@127.0.0.1:%s/git/private.git", server_port);
		error = stance_sync_clone(&repo, &r, with_user.ptr, x, NULL);
		stance_buf_dispose(&with_user);
	}
	cr_assert_eq(error, STANCE_EHTTP, "the token in the environment was used (%d): %s", error, stance_error_last());
	cr_assert(strstr(stance_error_last(), "login to remote 'origin'"), "%s", stance_error_last());
	cr_assert(!th_exists(dir, "x"), "nothing half-written");
	stance_sync_result_clear(&r);
	unsetenv("STANCE_TOKEN");

	memset(&a, 0, sizeof(a));
	a.password = "hunter2";
	opts.credentials = give_password;
	opts.credential_verdict = verdict;
	opts.credentials_payload = &a;
	error = stance_sync_clone(&repo, &r, url, x, &opts);
	cr_assert_eq(error, STANCE_EHTTP, "(%d): %s", error, stance_error_last());
	cr_assert(strstr(stance_error_last(), "failed: the test's password was refused"), "%s", stance_error_last());
	cr_assert(!strstr(stance_error_last(), "hunter2"), "%s", stance_error_last());
	cr_assert_eq(a.asked, 1, "one ask a transfer, not a loop: %d", a.asked);
	cr_assert_eq(a.allowed, STANCE_CREDENTIAL_ALLOW_USERPASS);
	cr_assert_str_eq(a.url, url);
	cr_assert(a.verdicts == 1 && !a.accepted, "the refusal is told");
	stance_sync_result_clear(&r);

	memset(&a, 0, sizeof(a));
	a.password = "s3cret";
	error = stance_sync_clone(&repo, &r, url, y, &opts);
	cr_assert_eq(error, 0, "(%d): %s", error, stance_error_last());
	cr_assert(a.asked >= 1 && a.verdicts == 1 && a.accepted, "asked %d, verdicts %d", a.asked, a.verdicts);
	cr_assert(th_exists(dir, "y/.stance/config"));
	stance_repo_free(repo);
	stance_sync_result_clear(&r);
	free(x); free(y); free(url); free(dir);
}

/* Options of another version are refused by name before anything is done. */
Test(sync_options, options_of_another_version_are_refused, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *hub = th_path(dir, "hub.git"), *x = th_path(dir, "x");
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	stance_repo *repo = NULL;
	int error;

	opts.version = 1;
	error = stance_sync_clone(&repo, &r, hub, x, &opts);
	cr_assert_eq(error, STANCE_EINVALID, "(%d): %s", error, stance_error_last());
	cr_assert(strstr(stance_error_last(), "stance_sync_options: unknown version 1") &&
		strstr(stance_error_last(), "STANCE_SYNC_OPTIONS_INIT"), "%s", stance_error_last());
	cr_assert(!th_exists(dir, "x"));
	stance_sync_result_clear(&r);
	free(hub); free(x); free(dir);
}

/* A clone that fails after git wrote the folder (a git repository that is
 * not a stance repository) removes it in this process: with no program on
 * PATH it still goes (it used to be left to `rm -rf`), and an empty folder
 * the caller gave stays, empty. */
Test(sync_options, a_failed_clone_is_removed_without_running_a_program, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *plain = th_path(dir, "plain.git"), *x = th_path(dir, "x"),
		*e = th_path(dir, "empty"), *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	stance_sync_result r = STANCE_SYNC_RESULT_INIT;
	stance_repo *repo = NULL;
	int error;

	cr_assert_eq(th_sh(dir, NULL, "git init -q -b main work && echo hi > work/README && "
		"git -C work add README && git -C work commit -qm one && "
		"git clone -q --bare work plain.git && mkdir empty"), 0);
	setenv("PATH", "", 1);
	error = stance_sync_clone(&repo, &r, plain, x, NULL);
	cr_assert_eq(error, STANCE_ENOTREPO, "(%d): %s", error, stance_error_last());
	stance_sync_result_clear(&r);
	error = stance_sync_clone(&repo, &r, plain, e, NULL);
	stance_sync_result_clear(&r);
	if (path)
		setenv("PATH", path, 1);
	cr_assert_eq(error, STANCE_ENOTREPO, "(%d): %s", error, stance_error_last());
	cr_assert(!th_exists(dir, "x"), "the failed clone's folder is gone");
	cr_assert(th_exists(dir, "empty"), "the caller's empty folder stays");
	cr_assert_eq(th_sh(dir, NULL, "test -z \"$(ls -A empty)\""), 0, "and is empty");
	free(path); free(plain); free(x); free(e); free(dir);
}
