/*
 * test_sync_ssh.c: clone, push and pull over ssh against a real OpenSSH
 * server on loopback (started by each test on 127.0.0.1 and a free port):
 * key files, the server's host key checked against known_hosts (plain and
 * hashed), an unknown host and a key the server refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static char *server_dir;
static char server_port[16];


static void fini(void)
{
	if (server_dir) {
		char *script = th_source("tests/fixtures/sync/ssh-server.sh");
		th_sh("/", NULL, "'%s' stop '%s'", script, server_dir);
		free(script);
		free(server_dir);
		server_dir = NULL;
	}
	th_cleanup();
}

/* Starts sshd in dir/srv (on a port from base..base+99 when base is not 0),
 * makes dir/hub.git with a stance repository in it, and returns its ssh://
 * URL. HOME becomes the folder with the accepted key; known_hosts is left
 * empty. */
static char *ssh_hub_on(const char *dir, int base)
{
	char *script = th_source("tests/fixtures/sync/ssh-server.sh");
	stance_buf out = STANCE_BUF_INIT, url = STANCE_BUF_INIT;
	char *home, *user;
	int rc = base ? th_sh(dir, &out, "'%s' start srv %d", script, base) : th_sh(dir, &out, "'%s' start srv", script);
	cr_assert_eq(rc, 0, "the test ssh server did not start: %s", stance_buf_cstr(&out));
	snprintf(server_port, sizeof(server_port), "%.*s", (int)strcspn(out.ptr, "\n"), out.ptr);
	server_dir = th_path(dir, "srv");
	cr_assert_eq(th_sh(dir, NULL, "git init -q --bare -b main hub.git"), 0);
	OK0(dir, "init", "seed");
	cr_assert_eq(th_sh(dir, NULL, "git -C seed push -q ../hub.git main"), 0);
	home = th_path(dir, "srv/home");
	setenv("HOME", home, 1);
	/* in a sanitizer run: libgit2's ssh transport leaks a little of its own */
	if (getenv("LSAN_OPTIONS")) {
		char *supp = th_source("tests/lsan-ssh.supp");
		stance_buf_clear(&out);
		stance_buf_printf(&out, "suppressions=%s", supp);
		setenv("LSAN_OPTIONS", out.ptr, 1);
		free(supp);
	}
	unsetenv("SSH_AUTH_SOCK");
	stance_buf_clear(&out);
	cr_assert_eq(th_sh(dir, &out, "id -un"), 0);
	user = stance_buf_detach(&out);
	user[strcspn(user, "\n")] = '\0';
	stance_buf_printf(&url, "ssh://%s@127.0.0.1:%s%s/hub.git", user, server_port, dir);
	free(user);
	free(home);
	free(script);
	return stance_buf_detach(&url);
}

static char *ssh_hub(const char *dir)
{
	return ssh_hub_on(dir, 0);
}

/* Records the server's host key for [127.0.0.1]:port in HOME's known_hosts. */
static void trust_server(const char *dir, int hashed)
{
	cr_assert_eq(th_sh(dir, NULL, "printf '[127.0.0.1]:%s %%s\\n' \"$(cut -d' ' -f1,2 srv/host_key.pub)\" "
		"> srv/home/.ssh/known_hosts%s", server_port,
		hashed ? " && ssh-keygen -q -H -f srv/home/.ssh/known_hosts >/dev/null 2>&1" : ""), 0);
}

Test(sync_ssh, clone_push_and_pull_with_a_key_file, .fini = fini)
{
	char *dir = th_tmpdir(), *url = ssh_hub(dir), *a, *b, *text;
	th_result r;
	trust_server(dir, 0);
	OK0(dir, "clone", url, "a");
	OK0(dir, "clone", url, "b");
	a = th_path(dir, "a");
	b = th_path(dir, "b");
	th_write(dir, "in.md", "---\ntitle: Over ssh\n---\nVi skal dele over ssh.\n");
	OK0(a, "add", "../in.md", "--id", "kl/ssh");
	OK0(a, "sync");
	th_run(&r, b, NULL, (const char *const[]){ "pull", "--json", NULL });
	cr_assert_eq(r.status, 0, "%s", r.err.ptr);
	cr_assert(strstr(r.out.ptr, "\"outcome\":\"fast-forward\""), "%s", r.out.ptr);
	th_result_free(&r);
	text = th_read(b, "kl/ssh.md");
	cr_assert(strstr(text, "over ssh"), "%s", text);
	free(text); free(a); free(b); free(url); free(dir);
}

/* A key of `type` in OpenSSH's own format (what ssh-keygen writes by
 * default), alone in ~/.ssh and accepted by the server; returns the URL. */
static char *hub_with_key(const char *dir, const char *type)
{
	char *url = ssh_hub(dir);
	trust_server(dir, 0);
	cr_assert_eq(th_sh(dir, NULL, "rm -f srv/home/.ssh/id_ecdsa srv/home/.ssh/id_ecdsa.pub && "
		"ssh-keygen -q -t %s -N '' -f srv/home/.ssh/id_%s && "
		"cp srv/home/.ssh/id_%s.pub srv/authorized_keys", type, type, type), 0);
	return url;
}

Test(sync_ssh, an_ed25519_key_file, .fini = fini)
{
	char *dir = th_tmpdir(), *url = hub_with_key(dir, "ed25519");
	OK0(dir, "clone", url, "a");
	cr_assert(th_exists(dir, "a/.stance/config"));
	free(url);
	free(dir);
}

/* libssh2 1.10 signs with an RSA key as ssh-rsa (SHA-1), which OpenSSH 8.8
 * and later refuse: the message says so and what to use instead. */
Test(sync_ssh, an_rsa_key_refused_for_sha1_is_explained, .fini = fini)
{
	char *dir = th_tmpdir(), *url = hub_with_key(dir, "rsa");
	th_result r;
	TH_RUN(&r, dir, "clone", url, "a");
	cr_assert_eq(r.status, 1, "%s", r.out.ptr);
	cr_assert(strstr(r.err.ptr, "~/.ssh/id_rsa was offered") && strstr(r.err.ptr, "use an ed25519 or ECDSA key"),
		"%s", r.err.ptr);
	cr_assert(!th_exists(dir, "a"), "nothing half-written");
	th_result_free(&r);
	free(url);
	free(dir);
}

Test(sync_ssh, a_hashed_known_hosts_entry_is_honoured, .fini = fini)
{
	char *dir = th_tmpdir(), *url = ssh_hub(dir), *kh;
	trust_server(dir, 1);
	kh = th_read(dir, "srv/home/.ssh/known_hosts");
	cr_assert(!strncmp(kh, "|1|", 3), "the entry is hashed: %s", kh);
	OK0(dir, "clone", url, "a");
	free(kh); free(url); free(dir);
}

Test(sync_ssh, an_unknown_host_and_a_refused_key_are_named, .fini = fini)
{
	char *dir = th_tmpdir(), *url = ssh_hub(dir), *stranger;
	th_result r;
	/* known_hosts empty: no connection to a host we cannot check */
	TH_RUN(&r, dir, "clone", url, "a");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "remote 'origin'") && strstr(r.err.ptr, url), "%s", r.err.ptr);
	cr_assert(strstr(r.err.ptr, "not in ~/.ssh/known_hosts"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "a"), "nothing half-written");
	th_result_free(&r);
	/* a host key that differs from the recorded one */
	cr_assert_eq(th_sh(dir, NULL, "printf '[127.0.0.1]:%s %%s\\n' \"$(cut -d' ' -f1,2 "
		"srv/stranger/.ssh/id_ecdsa.pub)\" > srv/home/.ssh/known_hosts", server_port), 0);
	TH_RUN(&r, dir, "clone", url, "a");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "not the one ~/.ssh/known_hosts records"), "%s", r.err.ptr);
	th_result_free(&r);
	/* the right host, a key the server does not accept */
	trust_server(dir, 0);
	cr_assert_eq(th_sh(dir, NULL, "cp srv/home/.ssh/known_hosts srv/stranger/.ssh/"), 0);
	stranger = th_path(dir, "srv/stranger");
	setenv("HOME", stranger, 1);
	TH_RUN(&r, dir, "clone", url, "a");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "login to remote 'origin'") && strstr(r.err.ptr, "ssh key"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "a"));
	th_result_free(&r);
	free(stranger); free(url); free(dir);
}

/* The message of a host-key refusal names "[127.0.0.1]:port"; a port with
 * 401, 403 or 404 in it once made the refusal read as a refused login. */
Test(sync_ssh, an_unknown_host_on_a_port_with_403_in_it_is_not_a_login_failure, .fini = fini)
{
	char *dir = th_tmpdir(), *url = ssh_hub_on(dir, 40300);
	th_result r;
	cr_assert(strstr(url, ":403"), "%s", url);
	TH_RUN(&r, dir, "clone", url, "a");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err.ptr, "not in ~/.ssh/known_hosts") && !strstr(r.err.ptr, "login"), "%s", r.err.ptr);
	cr_assert(!th_exists(dir, "a"), "nothing half-written");
	th_result_free(&r);
	free(url);
	free(dir);
}
