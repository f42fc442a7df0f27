/*
 * sync_transport.c: what sync hands libgit2 for a transfer: the credentials
 * callback (ssh-agent and key files for ssh, STANCE_TOKEN and git's
 * credential helpers for http(s)), the progress and push-status callbacks,
 * and the sentence a failed transfer becomes, with every secret removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync_internal.h"

/* Replaces every occurrence of `secret` in `buf` by "***". */
static int scrub(stance_buf *buf, const char *secret)
{
	stance_buf tmp = STANCE_BUF_INIT;
	const char *p, *hit;
	size_t n;
	int error = 0;
	if (!secret || !*secret || !buf->ptr || !strstr(buf->ptr, secret))
		return 0;
	n = strlen(secret);
	for (p = buf->ptr; !error && (hit = strstr(p, secret)); p = hit + n) {
		error = stance_buf_put(&tmp, p, (size_t)(hit - p));
		if (!error)
			error = stance_buf_puts(&tmp, "***");
	}
	if (!error)
		error = stance_buf_puts(&tmp, p);
	if (!error) {
		stance_buf_dispose(buf);
		*buf = tmp;
		return 0;
	}
	stance_buf_dispose(&tmp);
	return error;
}

/* ---------------------------------------------------------------- context */

/* Frees what the context owns; secrets are wiped first. */
void sync_ctx_dispose(sync_ctx *c)
{
	stance_buf_dispose(&c->url);
	stance_buf_dispose(&c->rejection);
	stance_buf_dispose(&c->remote_says);
	free(c->raw_url_owned);
	if (c->helper_password) {
		memset(c->helper_password, 0, strlen(c->helper_password));
		free(c->helper_password);
	}
	free(c->helper_user);
}

/*
 * A failed transfer as a sentence naming the remote and the URL, never a
 * secret: login failures, unreachable hosts and missing repositories get
 * their own words.
 */
int sync_transfer_error(sync_ctx *c, int git_code, const char *what)
{
	const git_error *e = git_error_last();
	stance_buf msg = STANCE_BUF_INIT;
	const char *detail = e && e->message ? e->message : "unknown error";
	int code = STANCE_ERROR;
	char lower[512];
	size_t i;

	for (i = 0; detail[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)((detail[i] >= 'A' && detail[i] <= 'Z') ? detail[i] + 32 : detail[i]);
	lower[i] = '\0';

	/* HTTP statuses are matched only in libgit2's own wording: a bare "403"
	 * also matches a port or a path in the message (ssh host key errors name
	 * "[host]:24034"). The host-key verdict comes first for the same reason. */
	if (c->cancelled) {
		stance_buf_printf(&msg, "%s '%s' (%s) was cancelled", what, c->remote_name, c->url.ptr);
	} else if (git_code == GIT_ECERTIFICATE) {
		stance_buf_printf(&msg, "cannot reach remote '%s' (%s): %s", c->remote_name, c->url.ptr, detail);
		code = STANCE_ENETWORK;
	} else if (git_code == GIT_EAUTH || c->auth_failed || strstr(lower, "authentication") ||
	    strstr(lower, "status code: 401") || strstr(lower, "status code: 403") || strstr(lower, "credentials")) {
		code = STANCE_EHTTP;
		sync_credential_verdict(c, 0);
		int ssh = c->raw_url && (!strncmp(c->raw_url, "ssh://", 6) || (!strstr(c->raw_url, "://") &&
			strchr(c->raw_url, ':') && strchr(c->raw_url, '@')));
		stance_buf_printf(&msg, "login to remote '%s' (%s) failed: %s%s", c->remote_name, c->url.ptr,
			ssh ? "no ssh key was accepted (tried the ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa and id_rsa)" :
			getenv("STANCE_TOKEN") && *getenv("STANCE_TOKEN") ?
			"the server refused the token in STANCE_TOKEN" :
			"no credentials were accepted (set STANCE_TOKEN, configure a git credential helper, or load an ssh key)",
			/* libssh2 1.10 signs with an RSA key as ssh-rsa (SHA-1), which
			 * OpenSSH 8.8 and later refuse by default */
			ssh && c->rsa_key_offered ? "; ~/.ssh/id_rsa was offered, but this build signs with an RSA key "
			"using SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse: use an ed25519 or ECDSA key" : "");
	} else if (strstr(lower, "status code: 404") || strstr(lower, "not found") || strstr(lower, "could not find repository") ||
		   strstr(lower, "not appear to be a git repository") || strstr(lower, "failed to resolve path") ||
		   strstr(lower, "no such file")) {
		code = STANCE_ENOTFOUND;
		stance_buf_printf(&msg, "there is no repository at remote '%s' (%s): %s", c->remote_name, c->url.ptr, detail);
	} else if (git_code == GIT_ECERTIFICATE || (e && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_OS ||
		   e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_SSL || e->klass == GIT_ERROR_HTTP))) {
		code = (e && e->klass == GIT_ERROR_HTTP) ? STANCE_EHTTP : STANCE_ENETWORK;
		stance_buf_printf(&msg, "cannot reach remote '%s' (%s): %s", c->remote_name, c->url.ptr, detail);
	} else {
		stance_buf_printf(&msg, "%s '%s' (%s) failed: %s", what, c->remote_name, c->url.ptr, detail);
	}
	/* libgit2 may quote the URL as given, with its password */
	if (c->raw_url && strcmp(c->raw_url, stance_buf_cstr(&c->url)) && msg.ptr && strstr(msg.ptr, c->raw_url)) {
		stance_buf fixed = STANCE_BUF_INIT;
		const char *hit = strstr(msg.ptr, c->raw_url);
		stance_buf_put(&fixed, msg.ptr, (size_t)(hit - msg.ptr));
		stance_buf_puts(&fixed, c->url.ptr);
		stance_buf_puts(&fixed, hit + strlen(c->raw_url));
		stance_buf_dispose(&msg);
		msg = fixed;
	}
	scrub(&msg, getenv("STANCE_TOKEN"));
	scrub(&msg, c->helper_password);
	stance_error_set(code, "%s", stance_buf_cstr(&msg));
	stance_buf_dispose(&msg);
	return code;
}

/* ---------------------------------------------------------------- credentials */

/*
 * Talks to git's credential helpers: `action` "fill" asks for a user name and
 * password for `url` (0 with both filled, STANCE_ENOTFOUND when git has
 * none; the strings belong to the caller); "approve" and "reject" tell the
 * helpers whether the pair in *user and *pass worked, so caching helpers
 * keep or forget it.
 */
static int credential_run(const char *action, char **user, char **pass, const char *url)
{
	int in[2], out[2], status;
	pid_t pid;
	stance_buf req = STANCE_BUF_INIT, resp = STANCE_BUF_INIT;
	char chunk[1024];
	ssize_t n;
	const char *line;
	int error = STANCE_ENOTFOUND;

	if (!strcmp(action, "fill"))
		*user = *pass = NULL;
	if (pipe(in) < 0)
		return STANCE_ERROR;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return STANCE_ERROR;
	}
	if ((pid = fork()) < 0) {
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		return STANCE_ERROR;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (devnull >= 0 && !isatty(2))
			dup2(devnull, 2);
		close(in[1]);
		close(out[0]);
		execlp("git", "git", "credential", action, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	stance_buf_printf(&req, "url=%s\n", url);
	if (strcmp(action, "fill"))
		stance_buf_printf(&req, "username=%s\npassword=%s\n", *user, *pass);
	stance_buf_putc(&req, '\n');
	if (write(in[1], req.ptr, req.size) < 0)
		(void)0; /* git exited early: read what it said */
	close(in[1]);
	while ((n = read(out[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			stance_buf_put(&resp, chunk, (size_t)n);
	close(out[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (strcmp(action, "fill")) {
		error = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : STANCE_ERROR;
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && resp.ptr) {
		for (line = resp.ptr; line && *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			if (len > 9 && !strncmp(line, "username=", 9))
				*user = stance_strndup(line + 9, len - 9);
			else if (len > 9 && !strncmp(line, "password=", 9))
				*pass = stance_strndup(line + 9, len - 9);
			line = nl ? nl + 1 : NULL;
		}
		if (*user && *pass)
			error = 0;
	}
	if (error) {
		free(*user);
		free(*pass);
		*user = *pass = NULL;
	}
out:
	if (resp.ptr)
		memset(resp.ptr, 0, resp.size);
	if (req.ptr)
		memset(req.ptr, 0, req.size);
	stance_buf_dispose(&resp);
	stance_buf_dispose(&req);
	return error;
}

/* libgit2 asks for credentials: ssh-agent, then key files, for ssh; STANCE_TOKEN,
 * then git's helpers, for http(s). One try each, so a refusal ends in an error
 * rather than a loop. The credential belongs to libgit2. */
static int credentials_cb(git_credential **out, const char *url, const char *username_from_url,
	unsigned int allowed, void *payload)
{
	sync_ctx *c = payload;
	static const char *const keys[] = { "id_ed25519", "id_ecdsa", "id_rsa", NULL };

	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		const char *user = username_from_url && *username_from_url ? username_from_url : "git";
		const char *home = getenv("HOME");
		if (c->ssh_step == 0) {
			c->ssh_step++;
			if (getenv("SSH_AUTH_SOCK") && *getenv("SSH_AUTH_SOCK"))
				return git_credential_ssh_key_from_agent(out, user);
		}
		while (home && c->ssh_step <= 3 && keys[c->ssh_step - 1]) {
			stance_buf key = STANCE_BUF_INIT, pub = STANCE_BUF_INIT;
			int rc = 1;
			stance_buf_printf(&key, "%s/.ssh/%s", home, keys[c->ssh_step - 1]);
			stance_buf_printf(&pub, "%s.pub", stance_buf_cstr(&key));
			c->ssh_step++;
			if (access(stance_buf_cstr(&key), R_OK) == 0 && !strcmp(keys[c->ssh_step - 2], "id_rsa"))
				c->rsa_key_offered = 1;
			if (access(stance_buf_cstr(&key), R_OK) == 0)
				rc = git_credential_ssh_key_new(out, user,
					access(stance_buf_cstr(&pub), R_OK) == 0 ? pub.ptr : NULL,
					key.ptr, getenv("STANCE_SSH_PASSPHRASE"));
			stance_buf_dispose(&key);
			stance_buf_dispose(&pub);
			if (rc <= 0)
				return rc;
		}
		c->auth_failed = 1;
		git_error_set_str(GIT_ERROR_SSH, "authentication failed: no ssh key was accepted");
		return GIT_EAUTH;
	}
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, username_from_url && *username_from_url ? username_from_url : "git");
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		const char *token = getenv("STANCE_TOKEN");
		char *user = NULL, *pass = NULL;
		int rc;
		/* one try each: a second call means the server said no */
		if (c->userpass_tries++ > 0) {
			c->auth_failed = 1;
			git_error_set_str(GIT_ERROR_HTTP, "authentication failed");
			return GIT_EAUTH;
		}
		if (token && *token)
			return git_credential_userpass_plaintext_new(out,
				username_from_url && *username_from_url ? username_from_url : "stance", token);
		if (credential_run("fill", &user, &pass, c->raw_url ? c->raw_url : url) < 0) {
			c->auth_failed = 1;
			git_error_set_str(GIT_ERROR_HTTP, "authentication failed");
			return GIT_EAUTH;
		}
		rc = git_credential_userpass_plaintext_new(out, user, pass);
		free(c->helper_user);
		free(c->helper_password);
		c->helper_user = user;
		c->helper_password = pass;
		return rc;
	}
	return GIT_PASSTHROUGH;
}

/* Tells git's credential helpers how the pair they gave us fared. */
void sync_credential_verdict(sync_ctx *c, int worked)
{
	if (!c->helper_user || !c->helper_password || !c->raw_url)
		return;
	credential_run(worked ? "approve" : "reject", &c->helper_user, &c->helper_password, c->raw_url);
	stance_error_clear();
}

/* ---------------------------------------------------------------- progress */

int sync_report_progress(sync_ctx *c, stance_sync_stage stage, size_t cur, size_t total, size_t bytes)
{
	stance_sync_progress p;
	if (!c->opts || !c->opts->progress)
		return 0;
	p.stage = stage;
	p.current = cur;
	p.total = total;
	p.bytes = bytes;
	if (c->opts->progress(&p, c->opts->payload)) {
		c->cancelled = 1;
		return -1;
	}
	return 0;
}

/* Incoming transfer progress, passed on to the caller's callback. */
static int transfer_cb(const git_indexer_progress *s, void *payload)
{
	sync_ctx *c = payload;
	c->seen_objects = s->received_objects;
	c->seen_bytes = s->received_bytes;
	if (s->total_deltas > 0 && s->received_objects == s->total_objects)
		return sync_report_progress(c, STANCE_SYNC_RESOLVING, s->indexed_deltas, s->total_deltas, s->received_bytes);
	return sync_report_progress(c, STANCE_SYNC_RECEIVING, s->received_objects, s->total_objects, s->received_bytes);
}

/* Outgoing transfer progress, passed on to the caller's callback. */
static int push_transfer_cb(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	return sync_report_progress(payload, STANCE_SYNC_SENDING, current, total, bytes);
}

/* The server's verdict on each ref we pushed; a refusal is remembered for the message. */
static int push_update_cb(const char *refname, const char *status, void *payload)
{
	sync_ctx *c = payload;
	if (!status)
		return 0;
	/* the remote moved under us: a later fetch, merge and push will do.
	 * "failed to update ref": another push won the race for the ref lock
	 * between the server's check and its update */
	if (strstr(status, "non-fast-forward") || strstr(status, "fetch first") || strstr(status, "stale") ||
	    strstr(status, "failed to update ref") || strstr(status, "failed to lock"))
		c->rejected_nonff = 1;
	if (c->rejection.size)
		stance_buf_puts(&c->rejection, "; ");
	stance_buf_printf(&c->rejection, "%s: %s", refname, status);
	return 0;
}

/* Keeps the first kilobyte of what the server printed ("remote: ..."), for
 * the message of a refused push; progress lines (with \r) are skipped. */
static int sideband_cb(const char *str, int len, void *payload)
{
	sync_ctx *c = payload;
	int i, start = 0;
	for (i = 0; i <= len; i++) {
		if (i == len || str[i] == '\n' || str[i] == '\r') {
			int n = i - start;
			/* the text is not NUL-terminated: compare only within the line */
			int progress = (n >= 9 && !memcmp(str + start, "Resolving", 9)) ||
				(n >= 8 && !memcmp(str + start, "Counting", 8));
			if (n > 0 && (i == len || str[i] == '\n') && c->remote_says.size < 1024 && !progress) {
				if (c->remote_says.size)
					stance_buf_puts(&c->remote_says, " / ");
				stance_buf_put(&c->remote_says, str + start, (size_t)n);
			}
			start = i + 1;
		}
	}
	return 0;
}

/* Wires our callbacks into libgit2's, with the context as payload. */
void sync_set_callbacks(git_remote_callbacks *cb, sync_ctx *c)
{
	cb->sideband_progress = sideband_cb;
	cb->credentials = credentials_cb;
	cb->certificate_check = sync_certificate_cb;
	cb->transfer_progress = transfer_cb;
	cb->push_transfer_progress = push_transfer_cb;
	cb->push_update_reference = push_update_cb;
	cb->payload = c;
}
