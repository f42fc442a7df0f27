/*
 * sync_transport.c: what sync hands libgit2 for a transfer: the credentials
 * callback (which asks the caller's stance_sync_options.credentials), the
 * progress and push-status callbacks, and the sentence a failed transfer
 * becomes, with every secret removed.
 */
#include <stdio.h>

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
	while (c->nsecrets > 0) {
		char *secret = c->secrets[--c->nsecrets];
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	free(c->secrets);
	c->secrets = NULL;
	free(c->refused);
	c->refused = NULL;
	sync_memory_dispose(c);
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
		stance_buf_printf(&msg, "login to remote '%s' (%s) failed: %s", c->remote_name, c->url.ptr,
			c->refused ? c->refused : ssh ? "no ssh key was accepted" : "no credentials were accepted");
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
	for (i = 0; i < c->nsecrets; i++)
		scrub(&msg, c->secrets[i]);
	stance_error_set(code, "%s", stance_buf_cstr(&msg));
	stance_buf_dispose(&msg);
	return code;
}

/* ---------------------------------------------------------------- credentials */

/* Keeps what the caller's answer says about a refusal, and its password for
 * scrubbing from messages. */
static int remember(sync_ctx *c, const stance_credential *cred)
{
	char **grown;
	free(c->refused);
	c->refused = NULL;
	if (cred->refused && !(c->refused = stance_strdup(cred->refused)))
		return -1;
	if (cred->kind != STANCE_CREDENTIAL_USERPASS || !cred->password || !*cred->password)
		return 0;
	if (!(grown = realloc(c->secrets, (c->nsecrets + 1) * sizeof(*grown))))
		return -1;
	c->secrets = grown;
	if (!(grown[c->nsecrets] = stance_strdup(cred->password)))
		return -1;
	c->nsecrets++;
	return 0;
}

/* Asks the caller's callback; 0 with `cred` filled, 1 when it has nothing
 * (more), GIT_EUSER after its error. */
static int ask(stance_credential *cred, sync_ctx *c, const char *url, const char *username_from_url,
	unsigned int allowed, unsigned int attempt)
{
	stance_credential_request req;
	int rc;
	memset(cred, 0, sizeof(*cred));
	if (!c->opts || !c->opts->credentials)
		return 1;
	req.url = c->raw_url ? c->raw_url : url;
	req.username = username_from_url && *username_from_url ? username_from_url : NULL;
	req.allowed = allowed;
	req.attempt = attempt;
	if ((rc = c->opts->credentials(cred, &req, c->opts->credentials_payload)) < 0) {
		git_error_set_str(GIT_ERROR_CALLBACK, stance_error_last());
		return GIT_EUSER;
	}
	if (remember(c, cred) < 0) {
		git_error_set_oom();
		return GIT_EUSER;
	}
	return rc > 0 ? 1 : 0;
}

/* libgit2 asks for credentials: the caller's callback answers, for ssh
 * again after each refused key, for http(s) once a transfer, so a refusal
 * ends in an error rather than a loop. The credential belongs to libgit2. */
static int credentials_cb(git_credential **out, const char *url, const char *username_from_url,
	unsigned int allowed, void *payload)
{
	sync_ctx *c = payload;
	stance_credential cred;
	int rc;

	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		const char *user = username_from_url && *username_from_url ? username_from_url : "git";
		rc = ask(&cred, c, url, username_from_url, STANCE_CREDENTIAL_ALLOW_SSH, (unsigned int)c->ssh_step++);
		if (rc < 0)
			return rc;
		if (rc == 0 && cred.kind == STANCE_CREDENTIAL_SSH_AGENT) {
			c->verdict_pending = 1;
			return git_credential_ssh_key_from_agent(out, cred.username ? cred.username : user);
		}
		if (rc == 0 && cred.kind == STANCE_CREDENTIAL_SSH_KEY && cred.private_key) {
			c->verdict_pending = 1;
			return git_credential_ssh_key_new(out, cred.username ? cred.username : user,
				cred.public_key, cred.private_key, cred.passphrase);
		}
		c->auth_failed = 1;
		git_error_set_str(GIT_ERROR_SSH, "authentication failed: no ssh key was accepted");
		return GIT_EAUTH;
	}
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, username_from_url && *username_from_url ? username_from_url : "git");
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		/* one try each: a second call means the server said no */
		if (c->userpass_tries++ > 0) {
			c->auth_failed = 1;
			git_error_set_str(GIT_ERROR_HTTP, "authentication failed");
			return GIT_EAUTH;
		}
		rc = ask(&cred, c, url, username_from_url, STANCE_CREDENTIAL_ALLOW_USERPASS, 0);
		if (rc < 0)
			return rc;
		if (rc > 0 || cred.kind != STANCE_CREDENTIAL_USERPASS || !cred.password) {
			c->auth_failed = 1;
			git_error_set_str(GIT_ERROR_HTTP, "authentication failed");
			return GIT_EAUTH;
		}
		c->verdict_pending = 1;
		return git_credential_userpass_plaintext_new(out, cred.username ? cred.username :
			username_from_url && *username_from_url ? username_from_url : "stance", cred.password);
	}
	return GIT_PASSTHROUGH;
}

/* Tells the caller how the credentials it gave fared. */
void sync_credential_verdict(sync_ctx *c, int worked)
{
	if (!c->verdict_pending)
		return;
	c->verdict_pending = 0;
	if (c->opts && c->opts->credential_verdict)
		c->opts->credential_verdict(worked, c->opts->credentials_payload);
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
	sync_bound_pack_memory(c);
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
