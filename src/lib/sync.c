/*
 * sync.c: remotes, clone, pull, push and sync through libgit2, and the
 * tree-level merge that hands documents changed on both sides to merge.c.
 *
 * The merge never rewrites: a fast-forward when one side has nothing new,
 * otherwise a merge commit whose parents are both tips, so every revision
 * either side had stays reachable from the main branch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "git_internal.h"
#include "merge.h"
#include "embedded.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/sync.h"

#define SNAPSHOTS "snapshots"
#define STATE_DIR "stance-sync"
#define REF_OURS "refs/stance/ours"
#define REF_THEIRS "refs/stance/theirs"

/* ---------------------------------------------------------------- results */

void stance_sync_result_clear(stance_sync_result *r)
{
	size_t i;
	if (!r)
		return;
	free(r->remote);
	free(r->url);
	free(r->branch);
	for (i = 0; i < r->merged_count; i++)
		free(r->merged[i]);
	free(r->merged);
	for (i = 0; i < r->conflict_count; i++) {
		free(r->conflicts[i].id);
		free(r->conflicts[i].passage);
	}
	free(r->conflicts);
	memset(r, 0, sizeof(*r));
}

/* Records a merged document in the result (a copy; the result owns it), once. */
static int result_add_merged(stance_sync_result *r, const char *id)
{
	char **grown;
	size_t i;
	for (i = 0; i < r->merged_count; i++)
		if (!strcmp(r->merged[i], id))
			return 0;
	if (!(grown = realloc(r->merged, (r->merged_count + 1) * sizeof(*grown))))
		return stance_error_oom();
	r->merged = grown;
	if (!(grown[r->merged_count] = stance_strdup(id)))
		return STANCE_ERROR;
	r->merged_count++;
	return 0;
}

/* Records a conflicting passage in the result; the result owns the copies. */
static int result_add_conflict(stance_sync_result *r, const char *id, const char *passage)
{
	stance_sync_conflict *grown = realloc(r->conflicts, (r->conflict_count + 1) * sizeof(*grown));
	if (!grown)
		return stance_error_oom();
	r->conflicts = grown;
	grown[r->conflict_count].id = stance_strdup(id);
	grown[r->conflict_count].passage = stance_strdup(passage);
	if (!grown[r->conflict_count].id || !grown[r->conflict_count].passage) {
		free(grown[r->conflict_count].id);
		free(grown[r->conflict_count].passage);
		return STANCE_ERROR;
	}
	r->conflict_count++;
	return 0;
}

/* ---------------------------------------------------------------- URLs */

int stance_url_redact(stance_buf *out, const char *url)
{
	const char *scheme = strstr(url, "://"), *host, *at, *slash, *colon;
	if (!scheme)
		return stance_buf_puts(out, url); /* a path or scp-like user@host:path */
	host = scheme + 3;
	slash = strchr(host, '/');
	at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
	if (!at)
		return stance_buf_puts(out, url);
	/* keep the user name, drop ":password" */
	colon = memchr(host, ':', (size_t)(at - host));
	if (stance_buf_put(out, url, (size_t)((colon ? colon : at) - url)) < 0)
		return STANCE_ERROR;
	return stance_buf_puts(out, at);
}

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

/* What one operation against one remote carries around. */
typedef struct {
	git_repository *git;
	stance_repo *repo;
	const stance_sync_options *opts;
	stance_sync_result *result;
	const char *remote_name;
	const char *raw_url;      /* may hold a secret: never printed */
	char *raw_url_owned;      /* the copy raw_url points to, when we made one */
	stance_buf url;           /* redacted */
	/* credentials */
	int ssh_step;
	int userpass_tries;
	int auth_failed;
	int rsa_key_offered; /* ~/.ssh/id_rsa was offered (see transfer_error) */
	char *helper_user;        /* from git credential fill */
	char *helper_password;    /* from git credential fill; scrubbed from messages */
	/* push */
	stance_buf rejection;     /* "refs/heads/main: pre-receive hook declined" */
	stance_buf remote_says;   /* what the server's hooks printed (sideband) */
	int rejected_nonff;
	/* the progress callback asked to stop */
	int cancelled;
	/* the last transfer figures seen (a clone's remote is gone afterwards) */
	size_t seen_objects, seen_bytes;
} sync_ctx;

/* Frees what the context owns; secrets are wiped first. */
static void ctx_dispose(sync_ctx *c)
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

static void credential_verdict(sync_ctx *c, int worked);

/*
 * A failed transfer as a sentence naming the remote and the URL, never a
 * secret: login failures, unreachable hosts and missing repositories get
 * their own words.
 */
static int transfer_error(sync_ctx *c, int git_code, const char *what)
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
		credential_verdict(c, 0);
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
static void credential_verdict(sync_ctx *c, int worked)
{
	if (!c->helper_user || !c->helper_password || !c->raw_url)
		return;
	credential_run(worked ? "approve" : "reject", &c->helper_user, &c->helper_password, c->raw_url);
	stance_error_clear();
}

/* ---------------------------------------------------------------- ssh host keys */

/* SHA-1 (FIPS 180-4), for the HMAC of hashed known_hosts entries. */
typedef struct {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
} sha1_ctx;

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(sha1_ctx *c, const unsigned char *p)
{
	uint32_t w[80], a, b, d, e, f, k, t, cc;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) { f = (b & cc) | (~b & d); k = 0x5A827999; }
		else if (i < 40) { f = b ^ cc ^ d; k = 0x6ED9EBA1; }
		else if (i < 60) { f = (b & cc) | (b & d) | (cc & d); k = 0x8F1BBCDC; }
		else { f = b ^ cc ^ d; k = 0xCA62C1D6; }
		t = rol(a, 5) + f + e + k + w[i];
		e = d; d = cc; cc = rol(b, 30); b = a; a = t;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

static void sha1_init(sha1_ctx *c)
{
	static const uint32_t init[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	memcpy(c->h, init, sizeof(init));
	c->len = 0;
	c->used = 0;
}

static void sha1_update(sha1_ctx *c, const unsigned char *p, size_t n)
{
	c->len += n;
	while (n--) {
		c->buf[c->used++] = *p++;
		if (c->used == 64) {
			sha1_block(c, c->buf);
			c->used = 0;
		}
	}
}

static void sha1_final(sha1_ctx *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	int i;
	sha1_update(c, &pad, 1);
	while (c->used != 56)
		sha1_update(c, &zero, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, lenb, 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void hmac_sha1(unsigned char out[20], const unsigned char *key, size_t klen,
	const unsigned char *msg, size_t mlen)
{
	unsigned char k[64], ipad[64], opad[64], inner[20];
	sha1_ctx c;
	size_t i;
	memset(k, 0, sizeof(k));
	if (klen > 64) {
		sha1_init(&c);
		sha1_update(&c, key, klen);
		sha1_final(&c, k);
	} else {
		memcpy(k, key, klen);
	}
	for (i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha1_init(&c);
	sha1_update(&c, ipad, 64);
	sha1_update(&c, msg, mlen);
	sha1_final(&c, inner);
	sha1_init(&c);
	sha1_update(&c, opad, 64);
	sha1_update(&c, inner, 20);
	sha1_final(&c, out);
}

/* Decodes base64 `in` (n bytes) into `out` (at least n bytes); -1 when malformed. */
static long base64_decode(unsigned char *out, const char *in, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	long len = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		const char *pos;
		if (in[i] == '=')
			break;
		if (!(pos = strchr(alphabet, in[i])) || !in[i])
			return -1;
		acc = (acc << 6) | (uint32_t)(pos - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* Whether the host field of a known_hosts line (comma-separated names, or one
 * "|1|salt|hash" entry) names `name` ("host" or "[host]:port"). */
static int known_host_matches(const char *field, size_t flen, const char *name)
{
	if (flen > 3 && !strncmp(field, "|1|", 3)) {
		const char *salt = field + 3, *bar = memchr(salt, '|', flen - 3);
		unsigned char s[64], h[64], mac[20];
		long sl, hl;
		if (!bar || (size_t)(bar - salt) > sizeof(s) || (size_t)(field + flen - bar - 1) > sizeof(h))
			return 0;
		sl = base64_decode(s, salt, (size_t)(bar - salt));
		hl = base64_decode(h, bar + 1, (size_t)(field + flen - bar - 1));
		if (sl <= 0 || hl != 20)
			return 0;
		hmac_sha1(mac, s, (size_t)sl, (const unsigned char *)name, strlen(name));
		return !memcmp(mac, h, 20);
	}
	while (flen > 0) {
		const char *comma = memchr(field, ',', flen);
		size_t n = comma ? (size_t)(comma - field) : flen;
		if (n == strlen(name) && !strncmp(field, name, n))
			return 1;
		if (!comma)
			break;
		flen -= n + 1;
		field = comma + 1;
	}
	return 0;
}

/*
 * Looks `name` up in a known_hosts file: 1 when a line names it with this very
 * key, -1 when lines name it but with other keys, 0 when it is not there.
 */
static int known_hosts_check(const char *file, const char *name, const unsigned char *key, size_t klen)
{
	stance_buf text = STANCE_BUF_INIT;
	const char *line;
	int found = 0;
	if (access(file, R_OK) != 0 || stance_file_read(&text, file) < 0) {
		stance_error_clear();
		stance_buf_dispose(&text);
		return 0;
	}
	for (line = text.ptr; line && *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *sp1 = memchr(line, ' ', (size_t)(end - line)), *sp2, *sp3;
		if (*line != '#' && *line != '@' && sp1 && known_host_matches(line, (size_t)(sp1 - line), name) &&
		    (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)))) {
			size_t blen;
			unsigned char *blob;
			long n;
			sp3 = memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1));
			blen = (size_t)((sp3 ? sp3 : end) - sp2 - 1);
			if ((blob = malloc(blen + 1))) {
				n = base64_decode(blob, sp2 + 1, blen);
				if (n == (long)klen && !memcmp(blob, key, klen))
					found = 1;
				else if (!found)
					found = -1;
				free(blob);
			}
			if (found == 1)
				break;
		}
		line = nl ? nl + 1 : NULL;
	}
	stance_buf_dispose(&text);
	return found;
}

/*
 * libgit2 shows us the server's certificate. For https we keep libgit2's own
 * verdict; for ssh the host key must be in ~/.ssh/known_hosts (or
 * /etc/ssh/ssh_known_hosts), plain or hashed, as ssh itself would insist.
 */
static int certificate_cb(git_cert *cert, int valid, const char *host, void *payload)
{
	sync_ctx *c = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	stance_buf name = STANCE_BUF_INIT, file = STANCE_BUF_INIT;
	const char *home = getenv("HOME"), *url = c->raw_url ? c->raw_url : "", *p;
	long port = 22;
	int verdict = 0, rc;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return valid ? 0 : GIT_PASSTHROUGH;
	if (!(hk->type & GIT_CERT_SSH_RAW) || !hk->hostkey) {
		git_error_set_str(GIT_ERROR_SSH, "the server's host key cannot be checked");
		return GIT_ECERTIFICATE;
	}
	/* the port, from ssh://[user@]host:port/... */
	if (!strncmp(url, "ssh://", 6) && (p = strchr(url + 6, '/'))) {
		const char *colon = NULL, *q;
		for (q = url + 6; q < p; q++)
			if (*q == ':')
				colon = q;
		if (colon && colon + 1 < p) {
			char digits[8];
			size_t n = (size_t)(p - colon - 1);
			if (n < sizeof(digits)) {
				memcpy(digits, colon + 1, n);
				digits[n] = '\0';
				if (stance_parse_int(&port, digits, 1, 65535) < 0)
					port = 22;
			}
		}
	}
	stance_error_clear();
	if (port == 22)
		stance_buf_puts(&name, host);
	else
		stance_buf_printf(&name, "[%s]:%ld", host, port);
	if (home) {
		stance_buf_printf(&file, "%s/.ssh/known_hosts", home);
		verdict = known_hosts_check(file.ptr, name.ptr, (const unsigned char *)hk->hostkey, hk->hostkey_len);
	}
	if (verdict != 1 && (rc = known_hosts_check("/etc/ssh/ssh_known_hosts", name.ptr,
		(const unsigned char *)hk->hostkey, hk->hostkey_len)) != 0)
		verdict = rc == 1 ? 1 : (verdict ? verdict : rc);
	if (verdict == 1) {
		rc = 0;
	} else {
		stance_buf msg = STANCE_BUF_INIT;
		if (verdict < 0)
			stance_buf_printf(&msg, "the host key of %s is not the one ~/.ssh/known_hosts records; "
				"refusing to connect (check with the server's administrator)", name.ptr);
		else
			stance_buf_printf(&msg, "the host key of %s is not in ~/.ssh/known_hosts; connect once with "
				"ssh%s%s%s to check and record it", name.ptr, port == 22 ? "" : " -p ",
				port == 22 ? "" : name.ptr + strlen(host) + 3, "");
		git_error_set_str(GIT_ERROR_SSH, msg.ptr ? msg.ptr : "unknown ssh host key");
		stance_buf_dispose(&msg);
		rc = GIT_ECERTIFICATE;
	}
	stance_buf_dispose(&name);
	stance_buf_dispose(&file);
	return rc;
}

/* ---------------------------------------------------------------- progress */

static int report_progress(sync_ctx *c, stance_sync_stage stage, size_t cur, size_t total, size_t bytes)
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
		return report_progress(c, STANCE_SYNC_RESOLVING, s->indexed_deltas, s->total_deltas, s->received_bytes);
	return report_progress(c, STANCE_SYNC_RECEIVING, s->received_objects, s->total_objects, s->received_bytes);
}

/* Outgoing transfer progress, passed on to the caller's callback. */
static int push_transfer_cb(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	return report_progress(payload, STANCE_SYNC_SENDING, current, total, bytes);
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
static void set_callbacks(git_remote_callbacks *cb, sync_ctx *c)
{
	cb->sideband_progress = sideband_cb;
	cb->credentials = credentials_cb;
	cb->certificate_check = certificate_cb;
	cb->transfer_progress = transfer_cb;
	cb->push_transfer_progress = push_transfer_cb;
	cb->push_update_reference = push_update_cb;
	cb->payload = c;
}

/* ---------------------------------------------------------------- remotes */

void stance_remote_array_free(stance_remote_array *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].url);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* See sync.h. */
int stance_remote_add(stance_repo *repo, const char *name, const char *url)
{
	git_remote *remote = NULL;
	int valid = 0, error;
	stance_buf red = STANCE_BUF_INIT;

	if (!name || git_remote_name_is_valid(&valid, name) < 0 || !valid)
		return stance_error_set(STANCE_EINVALID, "'%s' is not a valid remote name", name ? name : "");
	if (!url || !*url)
		return stance_error_set(STANCE_EINVALID, "remote '%s' needs a URL", name);
	stance_url_redact(&red, url);
	if ((error = git_remote_create(&remote, stance_repo_git(repo), name, url)) < 0) {
		if (error == GIT_EEXISTS)
			error = stance_error_set(STANCE_EEXISTS, "a remote named '%s' exists already", name);
		else
			error = stance_git_error(error, "cannot add remote '%s' (%s)", name, stance_buf_cstr(&red));
	}
	git_remote_free(remote);
	stance_buf_dispose(&red);
	return error;
}

/* See sync.h. */
int stance_remote_remove(stance_repo *repo, const char *name)
{
	git_remote *remote = NULL;
	int error;
	if ((error = git_remote_lookup(&remote, stance_repo_git(repo), name)) < 0)
		return stance_error_set(STANCE_ENOTFOUND, "there is no remote named '%s'", name);
	git_remote_free(remote);
	if ((error = git_remote_delete(stance_repo_git(repo), name)) < 0)
		return stance_git_error(error, "cannot remove remote '%s'", name);
	return 0;
}

/* Orders remotes by name. */
static int remote_cmp(const void *a, const void *b)
{
	return strcmp(((const stance_remote_info *)a)->name, ((const stance_remote_info *)b)->name);
}

/* See sync.h. The list and its strings belong to the caller. */
int stance_remote_list(stance_remote_array *out, stance_repo *repo)
{
	git_strarray names = { 0 };
	size_t i;
	int error;

	out->items = NULL;
	out->count = 0;
	if ((error = git_remote_list(&names, stance_repo_git(repo))) < 0)
		return stance_git_error(error, "%s: cannot read the remotes", stance_repo_workdir(repo));
	if (names.count && !(out->items = calloc(names.count, sizeof(*out->items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < names.count; i++) {
		git_remote *r = NULL;
		stance_buf red = STANCE_BUF_INIT;
		if (git_remote_lookup(&r, stance_repo_git(repo), names.strings[i]) < 0)
			continue;
		stance_url_redact(&red, git_remote_url(r) ? git_remote_url(r) : "");
		out->items[out->count].name = stance_strdup(names.strings[i]);
		out->items[out->count].url = stance_buf_detach(&red);
		out->count++;
		git_remote_free(r);
	}
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), remote_cmp);
done:
	git_strarray_dispose(&names);
	if (error < 0)
		stance_remote_array_free(out);
	return error;
}

/* ---------------------------------------------------------------- helpers */

/* The branch HEAD names ("main"), appended to `out`. */
static int main_branch(stance_buf *out, git_repository *git)
{
	git_reference *head = NULL;
	int error = git_reference_lookup(&head, git, "HEAD");
	if (error < 0)
		return stance_git_error(error, "cannot read HEAD");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    !strncmp(git_reference_symbolic_target(head), "refs/heads/", 11))
		error = stance_buf_puts(out, git_reference_symbolic_target(head) + 11);
	else
		error = stance_error_set(STANCE_EINVALID, "HEAD is not on a branch; check out the main branch first");
	git_reference_free(head);
	return error;
}

/* Resolves `ref` to a commit id; 1 when it exists, 0 when not. */
static int ref_oid(git_oid *out, git_repository *git, const char *ref)
{
	int error = git_reference_name_to_id(out, git, ref);
	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return stance_git_error(error, "cannot read %s", ref);
	return 1;
}

/* Commits reachable from `tip` and not from `hide` (NULL: none). */
static int count_new(size_t *out, git_repository *git, const git_oid *tip, const git_oid *hide)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int error;
	*out = 0;
	if ((error = git_revwalk_new(&walk, git)) < 0 || (error = git_revwalk_push(walk, tip)) < 0 ||
	    (hide && (error = git_revwalk_hide(walk, hide)) < 0)) {
		error = stance_git_error(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0)
		(*out)++;
	error = error == GIT_ITEROVER ? 0 : stance_git_error(error, "cannot walk the history");
done:
	git_revwalk_free(walk);
	return error;
}

/* A document's path: <collection>/<slug>.md, not under a dot-folder. */
static int is_document(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && !strcmp(path + n - 3, ".md") && strchr(path, '/') && path[0] != '.' &&
		!strstr(path, "/.");
}

/* A local path that is not absolute ("../hub.git"): git reads it from the
 * top of the working folder, and so do we, wherever the caller runs. */
static int is_relative_path(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	if (!*url || url[0] == '/' || strstr(url, "://"))
		return 0;
	return !colon || (slash && slash < colon);
}

/* Looks up the remote for an operation; the remote belongs to the caller. Fills
 * the context's URL (a private copy) and its redacted form for messages. */
static int remote_open(git_remote **out, sync_ctx *c)
{
	int error = git_remote_lookup(out, c->git, c->remote_name);
	if (error < 0)
		return stance_error_set(STANCE_ENOTFOUND, "there is no remote named '%s'; add one with "
			"'stance remote add %s URL'", c->remote_name, c->remote_name);
	/* our own copy: setting the instance URL below frees libgit2's */
	free(c->raw_url_owned);
	c->raw_url = c->raw_url_owned = stance_strdup(git_remote_url(*out) ? git_remote_url(*out) : "");
	if (!c->raw_url)
		return STANCE_ERROR;
	stance_buf_clear(&c->url);
	if ((error = stance_url_redact(&c->url, c->raw_url ? c->raw_url : "")) < 0)
		return error;
	if (c->raw_url && is_relative_path(c->raw_url)) {
		stance_buf abs = STANCE_BUF_INIT;
		stance_buf_printf(&abs, "%s%s", stance_repo_workdir(c->repo), c->raw_url);
		error = git_remote_set_instance_url(*out, abs.ptr);
		stance_buf_dispose(&abs);
		if (error < 0)
			return stance_git_error(error, "remote '%s' (%s)", c->remote_name, c->url.ptr);
	}
	return 0;
}

/* Copies remote, URL and branch names into the result, which owns them. */
static int fill_result_names(sync_ctx *c, const char *branch)
{
	stance_sync_result *r = c->result;
	if (!r->remote && !(r->remote = stance_strdup(c->remote_name)))
		return STANCE_ERROR;
	if (!r->url && !(r->url = stance_strdup(stance_buf_cstr(&c->url))))
		return STANCE_ERROR;
	if (branch && !r->branch && !(r->branch = stance_strdup(branch)))
		return STANCE_ERROR;
	return 0;
}

/* ---------------------------------------------------------------- merge */

/* A Fetched-At trailer of the newest commit in base..tip that changed
 * `path`, as a Unix time (0 when that revision was not fetched). */
static int last_fetched_at(int64_t *out, git_repository *git, const git_oid *tip,
	const git_oid *base, const char *path)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int error;

	*out = 0;
	if ((error = git_revwalk_new(&walk, git)) < 0)
		return stance_git_error(error, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	if ((error = git_revwalk_push(walk, tip)) < 0 || (base && (error = git_revwalk_hide(walk, base)) < 0)) {
		error = stance_git_error(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_tree_entry *e = NULL, *pe = NULL;
		int changed = 0;
		if (git_commit_lookup(&commit, git, &id) < 0 || git_commit_tree(&tree, commit) < 0)
			goto next;
		git_tree_entry_bypath(&e, tree, path);
		if (git_commit_parentcount(commit) > 0 && git_commit_parent(&parent, commit, 0) == 0 &&
		    git_commit_tree(&ptree, parent) == 0)
			git_tree_entry_bypath(&pe, ptree, path);
		changed = (!e) != (!pe) || (e && pe && !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe)));
		if (changed && git_commit_parentcount(commit) <= 1) {
			const char *msg = git_commit_message(commit), *t;
			*out = 0;
			for (t = msg; t && (t = strstr(t, "Fetched-At:")); t += 11) {
				if (t == msg || t[-1] == '\n') {
					char value[64];
					size_t n = 0;
					stance_date d;
					t += 11;
					while (*t == ' ')
						t++;
					while (t[n] && t[n] != '\n' && n + 1 < sizeof(value)) {
						value[n] = t[n];
						n++;
					}
					value[n] = '\0';
					if (stance_date_parse(&d, value) == 0)
						*out = stance_date_start(&d);
					else
						*out = git_commit_author(commit)->when.time;
					break;
				}
			}
		}
	next:
		git_tree_entry_free(e);
		git_tree_entry_free(pe);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_commit_free(commit);
		if (changed && error == 0)
			break;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	stance_error_clear();
done:
	git_revwalk_free(walk);
	return error < 0 ? error : 0;
}

/* One side's change to a path since the merge base. */
typedef struct {
	char *path;
	git_oid id;
	uint32_t mode;
	int deleted;
} change;

typedef struct {
	change *items;
	size_t count;
} change_list;

/* Frees a change list and its paths. */
static void changes_free(change_list *l)
{
	size_t i;
	for (i = 0; i < l->count; i++)
		free(l->items[i].path);
	free(l->items);
}

/* Orders changes by path. */
static int change_cmp(const void *a, const void *b)
{
	return strcmp(((const change *)a)->path, ((const change *)b)->path);
}

/* The paths changed from tree `from` to tree `to` (NULL: empty), sorted; the
 * list belongs to the caller (changes_free). */
static int collect_changes(change_list *out, git_repository *git, git_tree *from, git_tree *to)
{
	git_diff *diff = NULL;
	git_diff_options o;
	size_t i, n;
	int error;

	out->items = NULL;
	out->count = 0;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if ((error = git_diff_tree_to_tree(&diff, git, from, to, &o)) < 0)
		return stance_git_error(error, "cannot compare trees");
	n = git_diff_num_deltas(diff);
	if (n && !(out->items = calloc(n, sizeof(*out->items)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		change *ch = &out->items[out->count];
		if (!(ch->path = stance_strdup(d->new_file.path ? d->new_file.path : d->old_file.path))) {
			error = STANCE_ERROR;
			goto done;
		}
		ch->deleted = d->status == GIT_DELTA_DELETED;
		ch->id = d->new_file.id;
		ch->mode = d->new_file.mode;
		out->count++;
	}
	if (out->count)
		qsort(out->items, out->count, sizeof(*out->items), change_cmp);
done:
	git_diff_free(diff);
	return error;
}

/* The change of `path`, or NULL; borrowed from the list. */
static const change *find_change(const change_list *l, const char *path)
{
	change key;
	key.path = (char *)path;
	return l->count ? bsearch(&key, l->items, l->count, sizeof(*l->items), change_cmp) : NULL;
}

/* Puts a blob entry into an in-memory index. */
static int index_put(git_index *idx, const char *path, const git_oid *id, uint32_t mode)
{
	git_index_entry e;
	memset(&e, 0, sizeof(e));
	e.path = path;
	e.mode = mode;
	e.id = *id;
	return git_index_add(idx, &e);
}

/* Appends a blob's bytes to `out`. */
static int blob_text(stance_buf *out, git_repository *git, const git_oid *id)
{
	git_blob *blob = NULL;
	int error = git_blob_lookup(&blob, git, id);
	if (error < 0)
		return stance_git_error(error, "cannot read a stored file");
	error = stance_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return error;
}

/* The entry of `path` in `tree` (0 when absent). */
static int tree_blob(git_oid *out, uint32_t *mode, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	if (!tree || git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return 0;
	}
	*out = *git_tree_entry_id(e);
	*mode = git_tree_entry_filemode(e);
	git_tree_entry_free(e);
	return 1;
}

typedef struct {
	git_oid ours_tree;   /* the merge with our version of conflicting passages */
	git_oid theirs_tree; /* the same with theirs */
	int conflicts;
} tree_merge;

/*
 * Merges the trees of `ours` and `theirs` against `base`. For the main branch
 * documents changed on both sides go through merge.c; for snapshots the side
 * whose tip is newer wins a path both changed (raw bytes do not merge).
 */
static int merge_trees(tree_merge *tm, sync_ctx *c, git_commit *ours, git_commit *theirs,
	git_commit *base, int documents)
{
	git_repository *git = c->git;
	git_tree *tb = NULL, *to = NULL, *tt = NULL;
	git_index *io = NULL, *it = NULL;
	change_list co = { 0 }, ct = { 0 };
	stance_buf a = STANCE_BUF_INIT, b = STANCE_BUF_INIT, o = STANCE_BUF_INIT, t = STANCE_BUF_INIT,
		p = STANCE_BUF_INIT;
	stance_merge_report rep = { 0 };
	size_t i, j;
	int error;

	memset(tm, 0, sizeof(*tm));
	if ((error = git_commit_tree(&to, ours)) < 0 || (error = git_commit_tree(&tt, theirs)) < 0 ||
	    (base && (error = git_commit_tree(&tb, base)) < 0) ||
	    (error = git_index_new(&io)) < 0 || (error = git_index_new(&it)) < 0 ||
	    (error = git_index_read_tree(io, to)) < 0 || (error = git_index_read_tree(it, to)) < 0) {
		error = stance_git_error(error, "cannot read the trees to merge");
		goto done;
	}
	if ((error = collect_changes(&co, git, tb, to)) < 0 || (error = collect_changes(&ct, git, tb, tt)) < 0)
		goto done;

	for (i = 0; i < ct.count; i++) {
		const change *th = &ct.items[i], *ou = find_change(&co, th->path);
		const char *path = th->path;
		git_oid bid, oid_o, oid_t;
		uint32_t bmode = 0;
		int has_base;

		if (!ou) {
			/* only theirs changed it */
			error = th->deleted ? git_index_remove(io, path, 0) : index_put(io, path, &th->id, th->mode);
			if (!error)
				error = th->deleted ? git_index_remove(it, path, 0) : index_put(it, path, &th->id, th->mode);
			if (error < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			continue;
		}
		if (ou->deleted && th->deleted)
			continue;
		if (!ou->deleted && !th->deleted && git_oid_equal(&ou->id, &th->id))
			continue;
		/* Deleted on one side, changed on the other: keep the changed text;
		 * the deletion stays in history. */
		if (ou->deleted || th->deleted) {
			const change *keep = ou->deleted ? th : ou;
			if ((error = index_put(io, path, &keep->id, keep->mode)) < 0 ||
			    (error = index_put(it, path, &keep->id, keep->mode)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			if (documents && is_document(path) && (error = result_add_merged(c->result, path)) < 0)
				goto done;
			continue;
		}
		if (!documents) {
			/* snapshots: the newer side's bytes */
			const change *keep = git_commit_time(theirs) > git_commit_time(ours) ? th : ou;
			if ((error = index_put(io, path, &keep->id, keep->mode)) < 0 ||
			    (error = index_put(it, path, &keep->id, keep->mode)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			continue;
		}
		has_base = tree_blob(&bid, &bmode, tb, path);
		stance_buf_clear(&a);
		stance_buf_clear(&b);
		stance_buf_clear(&o);
		stance_buf_clear(&t);
		stance_buf_clear(&p);
		stance_merge_report_clear(&rep);
		if (is_document(path)) {
			int64_t fo = 0, ft = 0;
			stance_buf id = STANCE_BUF_INIT;
			stance_buf_put(&id, path, strlen(path) - 3);
			if ((error = last_fetched_at(&fo, git, git_commit_id(ours), base ? git_commit_id(base) : NULL, path)) < 0 ||
			    (error = last_fetched_at(&ft, git, git_commit_id(theirs), base ? git_commit_id(base) : NULL, path)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			if (fo && ft) {
				/* Both observed the page: the later observation is the text;
				 * both revisions stay in history through the merge. Ties go
				 * to the larger blob id so both clones agree. */
				const change *keep = fo > ft ? ou : ft > fo ? th :
					(git_oid_cmp(&ou->id, &th->id) > 0 ? ou : th);
				error = index_put(io, path, &keep->id, keep->mode);
				if (!error)
					error = index_put(it, path, &keep->id, keep->mode);
				if (error < 0) {
					stance_buf_dispose(&id);
					error = stance_git_error(error, "cannot merge %s", path);
					goto done;
				}
				error = result_add_merged(c->result, id.ptr);
				stance_buf_dispose(&id);
				if (error < 0)
					goto done;
				continue;
			}
			if ((has_base && (error = blob_text(&b, git, &bid)) < 0) ||
			    (error = blob_text(&o, git, &ou->id)) < 0 || (error = blob_text(&t, git, &th->id)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			error = stance_merge_document(&a, &p, &rep, has_base ? stance_buf_cstr(&b) : NULL, b.size,
				stance_buf_cstr(&o), o.size, stance_buf_cstr(&t), t.size, id.ptr);
			if (error == STANCE_ECONFLICT) {
				tm->conflicts++;
				for (j = 0; j < rep.count; j++)
					if (result_add_conflict(c->result, id.ptr, rep.passages[j]) < 0) {
						stance_buf_dispose(&id);
						error = STANCE_ERROR;
						goto done;
					}
				error = 0;
			} else if (error < 0) {
				stance_error_prefix(error, "cannot merge %s: ", id.ptr);
				stance_buf_dispose(&id);
				goto done;
			} else if ((error = result_add_merged(c->result, id.ptr)) < 0) {
				stance_buf_dispose(&id);
				goto done;
			}
			stance_buf_dispose(&id);
		} else {
			/* another file (.stance/config, README.md): git's line merge */
			git_merge_file_input mb, mo, mt;
			git_merge_file_result mr;
			memset(&mr, 0, sizeof(mr));
			git_merge_file_input_init(&mb, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&mo, GIT_MERGE_FILE_INPUT_VERSION);
			git_merge_file_input_init(&mt, GIT_MERGE_FILE_INPUT_VERSION);
			if ((has_base && (error = blob_text(&b, git, &bid)) < 0) ||
			    (error = blob_text(&o, git, &ou->id)) < 0 || (error = blob_text(&t, git, &th->id)) < 0)
				goto done;
			mb.ptr = stance_buf_cstr(&b); mb.size = b.size; mb.path = path; mb.mode = bmode ? bmode : ou->mode;
			mo.ptr = stance_buf_cstr(&o); mo.size = o.size; mo.path = path; mo.mode = ou->mode;
			mt.ptr = stance_buf_cstr(&t); mt.size = t.size; mt.path = path; mt.mode = th->mode;
			if ((error = git_merge_file(&mr, &mb, &mo, &mt, NULL)) < 0) {
				error = stance_git_error(error, "cannot merge %s", path);
				goto done;
			}
			if (mr.automergeable) {
				stance_buf_put(&a, mr.ptr, mr.len);
				stance_buf_put(&p, mr.ptr, mr.len);
			} else {
				stance_buf_put(&a, stance_buf_cstr(&o), o.size);
				stance_buf_put(&p, stance_buf_cstr(&t), t.size);
				tm->conflicts++;
				if (result_add_conflict(c->result, path, "the whole file") < 0) {
					git_merge_file_result_free(&mr);
					error = STANCE_ERROR;
					goto done;
				}
			}
			git_merge_file_result_free(&mr);
		}
		/* a: our pick, p: their pick */
		if ((error = git_blob_create_from_buffer(&oid_o, git, a.ptr ? a.ptr : "", a.size)) < 0 ||
		    (error = git_blob_create_from_buffer(&oid_t, git, p.ptr ? p.ptr : "", p.size)) < 0 ||
		    (error = index_put(io, path, &oid_o, ou->mode)) < 0 ||
		    (error = index_put(it, path, &oid_t, ou->mode)) < 0) {
			error = stance_git_error(error, "cannot write the merge of %s", path);
			goto done;
		}
	}
	if ((error = git_index_write_tree_to(&tm->ours_tree, io, git)) < 0 ||
	    (error = git_index_write_tree_to(&tm->theirs_tree, it, git)) < 0)
		error = stance_git_error(error, "cannot write the merged tree");
done:
	git_tree_free(tb);
	git_tree_free(to);
	git_tree_free(tt);
	git_index_free(io);
	git_index_free(it);
	changes_free(&co);
	changes_free(&ct);
	stance_buf_dispose(&a);
	stance_buf_dispose(&b);
	stance_buf_dispose(&o);
	stance_buf_dispose(&t);
	stance_buf_dispose(&p);
	stance_merge_report_clear(&rep);
	return error;
}

/* Makes a commit object with two parents without moving any reference. */
static int make_merge_commit(git_oid *out, sync_ctx *c, const git_oid *tree_id,
	git_commit *ours, git_commit *theirs, const char *message)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	const git_commit *parents[2];
	int error;

	parents[0] = ours;
	parents[1] = theirs;
	if ((error = stance_git_signature(&sig, c->git, NULL, NULL, 0, 0)) < 0)
		return error;
	if ((error = git_tree_lookup(&tree, c->git, tree_id)) < 0 ||
	    (error = git_commit_create(out, c->git, NULL, sig, sig, NULL, message, tree, 2, parents)) < 0)
		error = stance_git_error(error, "cannot write the merge commit");
	git_tree_free(tree);
	git_signature_free(sig);
	return error;
}

/*
 * Moves the checked-out branch `ref` from `from` to `to`, bringing the
 * working folder and the index along. Files the user changed and did not
 * commit are never overwritten: the move stops before any ref changes.
 */
static int move_checked_out(sync_ctx *c, const char *ref, const git_oid *to, const char *why)
{
	git_commit *commit = NULL;
	git_reference *r = NULL;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	int error;

	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if ((error = git_commit_lookup(&commit, c->git, to)) < 0) {
		error = stance_git_error(error, "cannot read commit");
		goto done;
	}
	if ((error = git_checkout_tree(c->git, (git_object *)commit, &co)) < 0) {
		error = stance_git_error(error, "%s: cannot update the working folder (commit or "
			"remove your uncommitted changes first)", stance_repo_workdir(c->repo));
		goto done;
	}
	if ((error = git_reference_create(&r, c->git, ref, to, 1, why)) < 0)
		error = stance_git_error(error, "cannot move %s", ref);
done:
	git_reference_free(r);
	git_commit_free(commit);
	return error;
}

/* ---------------------------------------------------------------- conflict state */

static int state_path(stance_buf *out, git_repository *git, const char *file)
{
	return stance_buf_printf(out, "%s" STATE_DIR "%s%s", git_repository_path(git), file ? "/" : "", file ? file : "");
}

/* See sync.h. */
int stance_sync_in_progress(stance_repo *repo)
{
	stance_buf p = STANCE_BUF_INIT;
	int yes;
	state_path(&p, stance_repo_git(repo), "state");
	yes = access(stance_buf_cstr(&p), F_OK) == 0;
	stance_buf_dispose(&p);
	return yes;
}

/* Records a stopped merge: refs for both picks, the state file, and our
 * pick in the working folder. */
static int save_conflict(sync_ctx *c, const char *branch, git_commit *ours, git_commit *theirs,
	const tree_merge *tm)
{
	git_oid pick_o, pick_t;
	git_reference *r = NULL;
	git_commit *pick = NULL;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	stance_buf path = STANCE_BUF_INIT, state = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	char ho[41], ht[41], hpo[41], hpt[41];
	size_t i;
	int error;

	stance_buf_printf(&msg, "Unfinished merge of %s/%s: our version of the conflicting passages\n",
		c->remote_name, branch);
	if ((error = make_merge_commit(&pick_o, c, &tm->ours_tree, ours, theirs, msg.ptr)) < 0)
		goto done;
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "Unfinished merge of %s/%s: their version of the conflicting passages\n",
		c->remote_name, branch);
	if ((error = make_merge_commit(&pick_t, c, &tm->theirs_tree, ours, theirs, msg.ptr)) < 0)
		goto done;
	/* our pick into the working folder first: if the user's uncommitted
	 * changes are in the way, nothing else has been written */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if ((error = git_commit_lookup(&pick, c->git, &pick_o)) < 0 ||
	    (error = git_checkout_tree(c->git, (git_object *)pick, &co)) < 0) {
		error = stance_git_error(error, "%s: cannot write the merge into the working folder "
			"(commit or remove your uncommitted changes first)", stance_repo_workdir(c->repo));
		goto done;
	}
	if ((error = git_reference_create(&r, c->git, REF_OURS, &pick_o, 1, "stance sync: conflict")) < 0)
		goto git_fail;
	git_reference_free(r);
	r = NULL;
	if ((error = git_reference_create(&r, c->git, REF_THEIRS, &pick_t, 1, "stance sync: conflict")) < 0)
		goto git_fail;
	git_oid_tostr(ho, sizeof(ho), git_commit_id(ours));
	git_oid_tostr(ht, sizeof(ht), git_commit_id(theirs));
	git_oid_tostr(hpo, sizeof(hpo), &pick_o);
	git_oid_tostr(hpt, sizeof(hpt), &pick_t);
	stance_buf_printf(&state, "remote %s\nbranch %s\nours %s\ntheirs %s\npick-ours %s\npick-theirs %s\n",
		c->remote_name, branch, ho, ht, hpo, hpt);
	for (i = 0; i < c->result->conflict_count; i++)
		stance_buf_printf(&state, "conflict %s\t%s\n", c->result->conflicts[i].id, c->result->conflicts[i].passage);
	state_path(&path, c->git, NULL);
	if (mkdir(path.ptr, 0755) < 0 && errno != EEXIST) {
		error = stance_error_set(STANCE_ERROR, "%s: cannot create: %s", path.ptr, strerror(errno));
		goto done;
	}
	stance_buf_clear(&path);
	state_path(&path, c->git, "state");
	error = stance_file_write_atomic(path.ptr, state.ptr, state.size);
	goto done;
git_fail:
	error = stance_git_error(error, "cannot record the unfinished merge");
done:
	git_reference_free(r);
	git_commit_free(pick);
	stance_buf_dispose(&path);
	stance_buf_dispose(&state);
	stance_buf_dispose(&msg);
	return error;
}

/* ---------------------------------------------------------------- pull */

/*
 * Brings refs/remotes/<remote>/<branch> into refs/heads/<branch>.
 * `checked_out`: the branch is the working folder's (main).
 */
static int merge_branch(sync_ctx *c, const char *branch, int checked_out, int is_main)
{
	stance_buf local = STANCE_BUF_INIT, remote = STANCE_BUF_INIT, msg = STANCE_BUF_INIT;
	git_oid lid, rid, bid, mid;
	git_commit *lc = NULL, *rc = NULL, *bc = NULL;
	git_reference *r = NULL;
	tree_merge tm;
	size_t n;
	int error, has_local, has_remote;

	stance_buf_printf(&local, "refs/heads/%s", branch);
	stance_buf_printf(&remote, "refs/remotes/%s/%s", c->remote_name, branch);
	if ((error = has_remote = ref_oid(&rid, c->git, remote.ptr)) <= 0)
		goto done;
	if ((error = has_local = ref_oid(&lid, c->git, local.ptr)) < 0)
		goto done;
	error = 0;
	if (!has_local) {
		/* a branch we do not have yet (snapshots): take theirs */
		if (checked_out) {
			error = move_checked_out(c, local.ptr, &rid, "stance pull: initial");
		} else if ((error = git_reference_create(&r, c->git, local.ptr, &rid, 0, "stance pull")) < 0) {
			error = stance_git_error(error, "cannot create %s", local.ptr);
		}
		if (!error && (error = count_new(&n, c->git, &rid, NULL)) == 0) {
			if (is_main) {
				c->result->commits_in += n;
				c->result->outcome = STANCE_SYNC_FAST_FORWARD;
			} else {
				c->result->snapshots_in += n;
			}
		}
		goto done;
	}
	if (git_oid_equal(&lid, &rid))
		goto done;
	if ((error = git_merge_base(&bid, c->git, &lid, &rid)) < 0) {
		if (error == GIT_ENOTFOUND)
			error = stance_error_set(STANCE_EINVALID, "branch %s of remote '%s' (%s) shares no history "
				"with ours; it is not a copy of this repository", branch, c->remote_name, c->url.ptr);
		else
			error = stance_git_error(error, "cannot find where %s and %s diverged", local.ptr, remote.ptr);
		goto done;
	}
	if (git_oid_equal(&bid, &rid))
		goto done; /* we are ahead: nothing came in */
	if ((error = count_new(&n, c->git, &rid, &lid)) < 0)
		goto done;
	if (is_main)
		c->result->commits_in += n;
	else
		c->result->snapshots_in += n;

	stance_buf_printf(&msg, "stance pull %s: fast-forward", c->remote_name);
	if (git_oid_equal(&bid, &lid)) {
		if (checked_out)
			error = move_checked_out(c, local.ptr, &rid, msg.ptr);
		else if ((error = git_reference_create(&r, c->git, local.ptr, &rid, 1, msg.ptr)) < 0)
			error = stance_git_error(error, "cannot move %s", local.ptr);
		if (!error && is_main)
			c->result->outcome = STANCE_SYNC_FAST_FORWARD;
		goto done;
	}

	/* both sides moved: a real merge */
	if ((error = git_commit_lookup(&lc, c->git, &lid)) < 0 || (error = git_commit_lookup(&rc, c->git, &rid)) < 0 ||
	    (error = git_commit_lookup(&bc, c->git, &bid)) < 0) {
		error = stance_git_error(error, "cannot read the commits to merge");
		goto done;
	}
	if ((error = merge_trees(&tm, c, lc, rc, bc, is_main)) < 0)
		goto done;
	if (tm.conflicts) {
		if ((error = save_conflict(c, branch, lc, rc, &tm)) < 0)
			goto done;
		c->result->outcome = STANCE_SYNC_CONFLICT;
		error = stance_error_set(STANCE_ECONFLICT, "merging %s of remote '%s' (%s) stopped: %zu passage%s "
			"changed on both sides; choose in the working folder, then 'stance sync --continue' "
			"(or 'stance sync --abort')", branch, c->remote_name, c->url.ptr,
			c->result->conflict_count, c->result->conflict_count == 1 ? "" : "s");
		goto done;
	}
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "Merge %s of %s\n", branch, c->remote_name);
	if ((error = make_merge_commit(&mid, c, &tm.ours_tree, lc, rc, msg.ptr)) < 0)
		goto done;
	stance_buf_clear(&msg);
	stance_buf_printf(&msg, "stance pull %s: merge", c->remote_name);
	if (checked_out)
		error = move_checked_out(c, local.ptr, &mid, msg.ptr);
	else if ((error = git_reference_create(&r, c->git, local.ptr, &mid, 1, msg.ptr)) < 0)
		error = stance_git_error(error, "cannot move %s", local.ptr);
	if (!error && is_main)
		c->result->outcome = STANCE_SYNC_MERGED;
done:
	git_reference_free(r);
	git_commit_free(lc);
	git_commit_free(rc);
	git_commit_free(bc);
	stance_buf_dispose(&local);
	stance_buf_dispose(&remote);
	stance_buf_dispose(&msg);
	return error;
}

/* Fetches every branch of the remote into refs/remotes/<remote>/; counts what came. */
static int do_fetch(sync_ctx *c, git_remote *remote)
{
	git_fetch_options fo;
	const git_indexer_progress *stats;
	int error;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	set_callbacks(&fo.callbacks, c);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	c->userpass_tries = 0;
	c->ssh_step = 0;
	if ((error = git_remote_fetch(remote, NULL, &fo, "stance fetch")) < 0)
		return transfer_error(c, error, "fetching from remote");
	credential_verdict(c, 1);
	stats = git_remote_stats(remote);
	c->result->objects_in += stats->received_objects;
	c->result->bytes_in += stats->received_bytes;
	return 0;
}

/* Puts the branch's commit id into the result. */
static int head_hex(sync_ctx *c, const char *branch)
{
	stance_buf ref = STANCE_BUF_INIT;
	git_oid id;
	int error;
	stance_buf_printf(&ref, "refs/heads/%s", branch);
	if ((error = ref_oid(&id, c->git, ref.ptr)) > 0)
		git_oid_tostr(c->result->head, sizeof(c->result->head), &id);
	stance_buf_dispose(&ref);
	return error < 0 ? error : 0;
}

typedef struct saved_state saved_state;
static int load_state(saved_state *s, stance_sync_result *result, stance_repo *repo);
static void saved_state_free(saved_state *s);

/* While a stopped merge waits: the conflicts go into the result again, so
 * --json shows them, and the operation is refused. */
static int refuse_while_waiting(sync_ctx *c);

/* Fetch, then merge main and snapshots; the remote is the caller's. */
static int pull_with(sync_ctx *c, git_remote *remote, const char *branch)
{
	int error;
	if (stance_sync_in_progress(c->repo))
		return refuse_while_waiting(c);
	if ((error = do_fetch(c, remote)) < 0)
		return error;
	if ((error = merge_branch(c, branch, 1, 1)) < 0)
		return error;
	if (strcmp(branch, SNAPSHOTS) && (error = merge_branch(c, SNAPSHOTS, 0, 0)) < 0)
		return error;
	return head_hex(c, branch);
}

/* Sets up the context for an operation on `remote_name` (default "origin"):
 * the main branch's name into `branch`, the remote into `remote` (caller frees). */
static int ctx_begin(sync_ctx *c, git_remote **remote, stance_buf *branch, stance_sync_result *result,
	stance_repo *repo, const char *remote_name, const stance_sync_options *opts)
{
	int error;
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->git = stance_repo_git(repo);
	c->opts = opts;
	c->result = result;
	c->remote_name = remote_name && *remote_name ? remote_name : "origin";
	if (opts && opts->version != STANCE_SYNC_OPTIONS_VERSION)
		return stance_error_set(STANCE_EINVALID, "stance_sync_options: unknown version %u", opts->version);
	if ((error = main_branch(branch, c->git)) < 0 || (error = remote_open(remote, c)) < 0)
		return error;
	return fill_result_names(c, branch->ptr);
}

/* See sync.h. */
int stance_sync_pull(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) == 0)
		error = pull_with(&c, remote, branch.ptr);
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	ctx_dispose(&c);
	return error;
}

/* ---------------------------------------------------------------- local push */

/* The folder a local remote (a path or file://) names, appended to `out`;
 * 0 when the URL is not local. */
static int local_remote_path(stance_buf *out, sync_ctx *c)
{
	const char *url = c->raw_url ? c->raw_url : "";
	if (!strncmp(url, "file://", 7))
		return stance_buf_puts(out, url + 7) < 0 ? STANCE_ERROR : 1;
	if (strstr(url, "://") || (strchr(url, ':') && (!strchr(url, '/') || strchr(url, ':') < strchr(url, '/'))))
		return 0;
	if (url[0] != '/' && stance_buf_puts(out, stance_repo_workdir(c->repo)) < 0)
		return STANCE_ERROR;
	return stance_buf_puts(out, url) < 0 ? STANCE_ERROR : 1;
}

typedef struct {
	git_odb_writepack *wp;
	git_indexer_progress stats;
} pack_sink;

/* Feeds packbuilder output into the remote's pack writer. */
static int pack_to_sink(void *buf, size_t size, void *payload)
{
	pack_sink *s = payload;
	return s->wp->append(s->wp, buf, size, &s->stats);
}

/*
 * Pushes branches `names` to the repository in a folder on this machine.
 * libgit2's file transport overwrites the remote's branch without checking
 * that nobody moved it meanwhile, so two clones pushing at once could lose
 * one's commits; here the objects are written first and each branch then
 * moves only if it still is where we saw it (compare-and-swap under git's
 * ref lock), as a git server does. STANCE_ECONFLICT when it moved.
 */
static int local_push(sync_ctx *c, const char *path, const char *const *names, size_t n)
{
	git_repository *remote = NULL;
	git_odb *odb = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	pack_sink sink;
	stance_buf ref = STANCE_BUF_INIT;
	git_oid theirs[2], ours[2];
	int has_theirs[2] = { 0, 0 };
	size_t i;
	int error;

	memset(&sink, 0, sizeof(sink));
	if ((error = git_repository_open_bare(&remote, path)) < 0 &&
	    (error = git_repository_open(&remote, path)) < 0) {
		error = transfer_error(c, error, "pushing to remote");
		goto done;
	}
	if (!git_repository_is_bare(remote)) {
		error = stance_error_set(STANCE_EINVALID, "remote '%s' (%s) has a working folder; push to a "
			"bare repository (git init --bare)", c->remote_name, c->url.ptr);
		goto done;
	}
	if ((error = git_packbuilder_new(&pb, c->git)) < 0 || (error = git_revwalk_new(&walk, c->git)) < 0)
		goto git_fail;
	git_packbuilder_set_threads(pb, 0);
	for (i = 0; i < n; i++) {
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", names[i]);
		if ((error = ref_oid(&ours[i], c->git, ref.ptr)) <= 0) {
			if (!error)
				error = stance_error_set(STANCE_ENOTFOUND, "there is no branch %s to push", names[i]);
			goto done;
		}
		if ((error = has_theirs[i] = ref_oid(&theirs[i], remote, ref.ptr)) < 0)
			goto done;
		error = 0;
		if (has_theirs[i]) {
			/* theirs must be in our history, or we would overwrite it */
			if (!git_oid_equal(&ours[i], &theirs[i]) &&
			    git_graph_descendant_of(c->git, &ours[i], &theirs[i]) != 1) {
				git_error_clear();
				error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) has commits this repository does not "
					"have yet; run 'stance sync' to merge them first", c->remote_name, c->url.ptr);
				goto done;
			}
			git_revwalk_hide(walk, &theirs[i]);
			git_error_clear();
		}
		if ((error = git_revwalk_push(walk, &ours[i])) < 0)
			goto git_fail;
	}
	if ((error = git_packbuilder_insert_walk(pb, walk)) < 0)
		goto git_fail;
	if (git_packbuilder_object_count(pb) > 0 &&
	    ((error = git_repository_odb(&odb, remote)) < 0 ||
	    (error = git_odb_write_pack(&sink.wp, odb, NULL, NULL)) < 0 ||
	    (error = git_packbuilder_foreach(pb, pack_to_sink, &sink)) < 0 ||
	    (error = sink.wp->commit(sink.wp, &sink.stats)) < 0))
		goto git_fail;
	report_progress(c, STANCE_SYNC_SENDING, git_packbuilder_object_count(pb),
		git_packbuilder_object_count(pb), git_packbuilder_written(pb));
	/* the remote must have every commit its branches will name: libgit2 can
	 * report a pack written where none could be (see batch.c) */
	if (!odb && (error = git_repository_odb(&odb, remote)) < 0)
		goto git_fail;
	git_odb_refresh(odb);
	for (i = 0; i < n; i++)
		if (!git_odb_exists(odb, &ours[i])) {
			error = stance_error_set(STANCE_ERROR, "pushing to remote '%s' (%s) failed: its objects "
				"folder did not take the new commits; its branches were not moved", c->remote_name, c->url.ptr);
			goto done;
		}
	for (i = 0; i < n; i++) {
		git_reference *r = NULL;
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", names[i]);
		if (has_theirs[i])
			error = git_reference_create_matching(&r, remote, ref.ptr, &ours[i], 1, &theirs[i], "stance push");
		else
			error = git_reference_create(&r, remote, ref.ptr, &ours[i], 0, "stance push");
		git_reference_free(r);
		if (error == GIT_EMODIFIED || error == GIT_EEXISTS || error == GIT_ELOCKED) {
			/* somebody pushed in between, or is pushing now (the ref is
			 * locked): merge their commits first */
			git_error_clear();
			error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) moved while we pushed; run 'stance sync' "
				"to merge its new commits", c->remote_name, c->url.ptr);
			goto done;
		}
		if (error < 0)
			goto git_fail;
	}
	error = 0;
	goto done;
git_fail:
	error = transfer_error(c, error, "pushing to remote");
done:
	if (sink.wp)
		sink.wp->free(sink.wp);
	git_odb_free(odb);
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	git_repository_free(remote);
	stance_buf_dispose(&ref);
	return error;
}

/* ---------------------------------------------------------------- push */

static int push_with(sync_ctx *c, git_remote *remote, const char *branch)
{
	git_push_options po;
	stance_buf specs[2] = { STANCE_BUF_INIT, STANCE_BUF_INIT }, ref = STANCE_BUF_INIT,
		track = STANCE_BUF_INIT;
	char *spec_ptrs[2];
	git_strarray refspecs;
	const char *branches[2];
	git_oid before[2], after;
	int had[2] = { 0, 0 }, has[2] = { 0, 0 };
	size_t i, n, nspecs = 0;
	int error = 0;

	branches[0] = branch;
	branches[1] = SNAPSHOTS;
	for (i = 0; i < 2; i++) {
		git_oid local;
		stance_buf_clear(&ref);
		stance_buf_clear(&track);
		stance_buf_printf(&ref, "refs/heads/%s", branches[i]);
		stance_buf_printf(&track, "refs/remotes/%s/%s", c->remote_name, branches[i]);
		if ((error = has[i] = ref_oid(&local, c->git, ref.ptr)) < 0 ||
		    (error = had[i] = ref_oid(&before[i], c->git, track.ptr)) < 0)
			goto done;
		if (!has[i] || (had[i] && git_oid_equal(&local, &before[i])))
			continue; /* nothing to send */
		stance_buf_printf(&specs[nspecs], "refs/heads/%s:refs/heads/%s", branches[i], branches[i]);
		spec_ptrs[nspecs] = specs[nspecs].ptr;
		nspecs++;
		if (i == 1 && !strcmp(branch, SNAPSHOTS))
			break;
	}
	error = 0;
	if (!nspecs)
		goto done;
	{
		stance_buf lpath = STANCE_BUF_INIT;
		int local = local_remote_path(&lpath, c);
		if (local < 0) {
			error = local;
			stance_buf_dispose(&lpath);
			goto done;
		}
		if (local) {
			const char *names[2];
			size_t k, nn = 0;
			for (k = 0; k < nspecs; k++)
				names[nn++] = strchr(specs[k].ptr, ':') + 1 + 11; /* after "refs/heads/" */
			error = local_push(c, lpath.ptr, names, nn);
			stance_buf_dispose(&lpath);
			if (error < 0)
				goto done;
			goto pushed;
		}
		stance_buf_dispose(&lpath);
	}
	refspecs.strings = spec_ptrs;
	refspecs.count = nspecs;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	set_callbacks(&po.callbacks, c);
	c->userpass_tries = 0;
	c->ssh_step = 0;
	c->rejected_nonff = 0;
	stance_buf_clear(&c->rejection);
	stance_buf_clear(&c->remote_says);
	error = git_remote_push(remote, &refspecs, &po);
	if (error == GIT_ENONFASTFORWARD || (error == 0 && c->rejected_nonff)) {
		error = stance_error_set(STANCE_ECONFLICT, "remote '%s' (%s) has commits this repository does not "
			"have yet; run 'stance sync' to merge them first", c->remote_name, c->url.ptr);
		goto done;
	}
	if (error < 0) {
		error = transfer_error(c, error, "pushing to remote");
		goto done;
	}
	credential_verdict(c, 1);
	if (c->rejection.size) {
		error = stance_error_set(STANCE_EHTTP, "remote '%s' (%s) refused the push: %s%s%s%s",
			c->remote_name, c->url.ptr, c->rejection.ptr,
			c->remote_says.size ? " (the remote said: " : "", stance_buf_cstr(&c->remote_says),
			c->remote_says.size ? ")" : "");
		goto done;
	}
pushed:
	for (i = 0; i < 2; i++) {
		if (!has[i])
			continue;
		stance_buf_clear(&ref);
		stance_buf_printf(&ref, "refs/heads/%s", branches[i]);
		if (ref_oid(&after, c->git, ref.ptr) <= 0)
			continue;
		/* libgit2 moves our tracking refs only as far as it knows; make
		 * them say what the remote now has */
		stance_buf_clear(&track);
		stance_buf_printf(&track, "refs/remotes/%s/%s", c->remote_name, branches[i]);
		{
			git_reference *r = NULL;
			if (git_reference_create(&r, c->git, track.ptr, &after, 1, "stance push") == 0)
				git_reference_free(r);
		}
		if (count_new(&n, c->git, &after, had[i] ? &before[i] : NULL) == 0) {
			if (i == 0)
				c->result->commits_out += n;
			else
				c->result->snapshots_out += n;
		}
	}
done:
	stance_buf_dispose(&specs[0]);
	stance_buf_dispose(&specs[1]);
	stance_buf_dispose(&ref);
	stance_buf_dispose(&track);
	return error;
}

/* See sync.h. */
int stance_sync_push(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) == 0) {
		if (stance_sync_in_progress(repo))
			error = refuse_while_waiting(&c);
		else
			error = push_with(&c, remote, branch.ptr);
		if (!error)
			error = head_hex(&c, branch.ptr);
	}
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	ctx_dispose(&c);
	return error;
}

/* See sync.h: pull, push, and again while the remote moved in between. */
int stance_sync_run(stance_sync_result *result, stance_repo *repo, const char *remote_name,
	const stance_sync_options *opts)
{
	sync_ctx c;
	git_remote *remote = NULL;
	stance_buf branch = STANCE_BUF_INIT;
	int error, tries = opts && opts->max_retries > 0 ? opts->max_retries : 5, attempt;

	if ((error = ctx_begin(&c, &remote, &branch, result, repo, remote_name, opts)) < 0)
		goto done;
	for (attempt = 0;; attempt++) {
		if ((error = pull_with(&c, remote, branch.ptr)) < 0)
			break;
		error = push_with(&c, remote, branch.ptr);
		if (error != STANCE_ECONFLICT || attempt >= tries)
			break;
		/* the remote moved between our fetch and our push: again, after
		 * a pause that grows and differs between processes, so that two
		 * clones retrying at once do not keep meeting */
		result->retries++;
		{
			struct timespec pause = { 0, (long)(20 + (getpid() % 7) * 10 + attempt * 50) * 1000000L };
			nanosleep(&pause, NULL);
		}
	}
	if (!error)
		error = head_hex(&c, branch.ptr);
done:
	git_remote_free(remote);
	stance_buf_dispose(&branch);
	ctx_dispose(&c);
	return error;
}

/* ---------------------------------------------------------------- continue / abort */

struct saved_state {
	char remote[600], branch[600];
	git_oid ours, theirs, pick_ours, pick_theirs;
	char **ids;
	size_t nids;
};

static int refuse_while_waiting(sync_ctx *c)
{
	saved_state s;
	memset(&s, 0, sizeof(s));
	if (c->result && !c->result->conflict_count && load_state(&s, c->result, c->repo) == 0)
		c->result->outcome = STANCE_SYNC_CONFLICT;
	saved_state_free(&s);
	return stance_error_set(STANCE_ECONFLICT, "a merge stopped on a conflict is waiting; finish it "
		"with 'stance sync --continue' or 'stance sync --abort'");
}

/* Frees what a loaded state owns. */
static void saved_state_free(saved_state *s)
{
	size_t i;
	for (i = 0; i < s->nids; i++)
		free(s->ids[i]);
	free(s->ids);
}

/* Reads the record of a stopped merge into `s` (freed with saved_state_free);
 * with `result`, its conflicts are added there too. */
static int load_state(saved_state *s, stance_sync_result *result, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT, text = STANCE_BUF_INIT;
	const char *line;
	int error;

	memset(s, 0, sizeof(*s));
	state_path(&path, stance_repo_git(repo), "state");
	if (access(path.ptr, F_OK) != 0) {
		error = stance_error_set(STANCE_ENOTFOUND, "%s: no merge is waiting to be continued or aborted",
			stance_repo_workdir(repo));
		goto done;
	}
	if ((error = stance_file_read(&text, path.ptr)) < 0)
		goto done;
	for (line = text.ptr; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char val[512];
		const char *sp = memchr(line, ' ', len);
		size_t vlen = sp ? len - (size_t)(sp + 1 - line) : 0;
		if (sp && vlen < sizeof(val)) {
			memcpy(val, sp + 1, vlen);
			val[vlen] = '\0';
#define KEY(k) ((size_t)(sp - line) == strlen(k) && !strncmp(line, k, strlen(k)))
			if (KEY("remote"))
				snprintf(s->remote, sizeof(s->remote), "%s", val);
			else if (KEY("branch"))
				snprintf(s->branch, sizeof(s->branch), "%s", val);
			else if (KEY("ours"))
				git_oid_fromstr(&s->ours, val);
			else if (KEY("theirs"))
				git_oid_fromstr(&s->theirs, val);
			else if (KEY("pick-ours"))
				git_oid_fromstr(&s->pick_ours, val);
			else if (KEY("pick-theirs"))
				git_oid_fromstr(&s->pick_theirs, val);
			else if (KEY("conflict")) {
				char *tab = strchr(val, '\t');
				char **grown;
				if (tab)
					*tab = '\0';
				if (result)
					result_add_conflict(result, val, tab ? tab + 1 : "");
				if ((!s->nids || strcmp(s->ids[s->nids - 1], val)) &&
				    (grown = realloc(s->ids, (s->nids + 1) * sizeof(*grown)))) {
					s->ids = grown;
					if ((grown[s->nids] = stance_strdup(val)))
						s->nids++;
				}
			}
#undef KEY
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!*s->remote || !*s->branch)
		error = stance_error_set(STANCE_EPARSE, "%s: the record of the unfinished merge is damaged; "
			"remove it to start again", path.ptr);
done:
	stance_buf_dispose(&path);
	stance_buf_dispose(&text);
	return error;
}

/* Forgets a stopped merge: its refs and its record. */
static int clear_state(git_repository *git)
{
	stance_buf path = STANCE_BUF_INIT;
	git_reference *r = NULL;
	if (git_reference_lookup(&r, git, REF_OURS) == 0) {
		git_reference_delete(r);
		git_reference_free(r);
	}
	if (git_reference_lookup(&r, git, REF_THEIRS) == 0) {
		git_reference_delete(r);
		git_reference_free(r);
	}
	git_error_clear();
	state_path(&path, git, "state");
	unlink(path.ptr);
	stance_buf_clear(&path);
	state_path(&path, git, NULL);
	rmdir(path.ptr);
	stance_buf_dispose(&path);
	return 0;
}

/* The paths in which trees `a` and `b` differ, for a checkout limited to them. */
static int differing_paths(git_strarray *out, git_repository *git, const git_oid *a, const git_oid *b)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	change_list l = { 0 };
	size_t i;
	int error;

	out->strings = NULL;
	out->count = 0;
	if ((error = git_commit_lookup(&ca, git, a)) < 0 || (error = git_commit_lookup(&cb, git, b)) < 0 ||
	    (error = git_commit_tree(&ta, ca)) < 0 || (error = git_commit_tree(&tb, cb)) < 0) {
		error = stance_git_error(error, "cannot read the unfinished merge");
		goto done;
	}
	if ((error = collect_changes(&l, git, ta, tb)) < 0)
		goto done;
	if (l.count && !(out->strings = calloc(l.count, sizeof(char *)))) {
		error = stance_error_oom();
		goto done;
	}
	for (i = 0; i < l.count; i++) {
		out->strings[i] = l.items[i].path;
		l.items[i].path = NULL;
	}
	out->count = l.count;
done:
	changes_free(&l);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return error;
}

/* See sync.h. */
int stance_sync_abort(stance_repo *repo)
{
	git_repository *git = stance_repo_git(repo);
	saved_state s;
	git_strarray paths = { 0 };
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	git_object *head = NULL;
	int error;

	if ((error = load_state(&s, NULL, repo)) < 0)
		goto done;
	if ((error = git_revparse_single(&head, git, "HEAD")) < 0) {
		error = stance_git_error(error, "cannot read HEAD");
		goto done;
	}
	/* only the files the unfinished merge wrote go back */
	if ((error = differing_paths(&paths, git, git_object_id(head), &s.pick_ours)) < 0)
		goto done;
	if (paths.count) {
		co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
		co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		co.paths = paths;
		if ((error = git_checkout_tree(git, head, &co)) < 0) {
			error = stance_git_error(error, "%s: cannot restore the working folder", stance_repo_workdir(repo));
			goto done;
		}
	}
	error = clear_state(git);
done:
	git_strarray_dispose(&paths);
	git_object_free(head);
	saved_state_free(&s);
	return error;
}

/* See sync.h. */
int stance_sync_continue(stance_sync_result *result, stance_buf *remote_out,
	stance_repo *repo, stance_sync_take take)
{
	git_repository *git = stance_repo_git(repo);
	saved_state s;
	sync_ctx c;
	git_commit *ours = NULL, *theirs = NULL, *pick = NULL;
	git_tree *pick_tree = NULL;
	git_index *idx = NULL, *repo_idx = NULL;
	git_oid head, tree_id, mid;
	git_tree *final_tree = NULL;
	git_strarray paths = { 0 };
	stance_buf file = STANCE_BUF_INIT, canon = STANCE_BUF_INIT, msg = STANCE_BUF_INIT,
		ref = STANCE_BUF_INIT;
	size_t i;
	int error;

	memset(&c, 0, sizeof(c));
	c.git = git;
	c.repo = repo;
	c.result = result;
	if ((error = load_state(&s, NULL, repo)) < 0)
		goto done;
	c.remote_name = s.remote;
	stance_buf_printf(&ref, "refs/heads/%s", s.branch);
	if ((error = ref_oid(&head, git, ref.ptr)) < 0)
		goto done;
	if (!error || !git_oid_equal(&head, &s.ours)) {
		error = stance_error_set(STANCE_ECONFLICT, "%s moved since the merge stopped; run 'stance sync --abort' "
			"and sync again", s.branch);
		goto done;
	}
	if ((error = git_commit_lookup(&ours, git, &s.ours)) < 0 ||
	    (error = git_commit_lookup(&theirs, git, &s.theirs)) < 0 ||
	    (error = git_commit_lookup(&pick, git, take == STANCE_SYNC_TAKE_THEIRS ? &s.pick_theirs : &s.pick_ours)) < 0 ||
	    (error = git_commit_tree(&pick_tree, pick)) < 0 ||
	    (error = git_index_new(&idx)) < 0 || (error = git_index_read_tree(idx, pick_tree)) < 0) {
		error = stance_git_error(error, "cannot read the unfinished merge");
		goto done;
	}
	if (take == STANCE_SYNC_TAKE_WORKTREE) {
		/* the conflicting documents as the user left them; they must parse */
		for (i = 0; i < s.nids; i++) {
			stance_document *doc = NULL;
			git_oid blob;
			stance_buf rel = STANCE_BUF_INIT;
			/* a conflict names a document by id, another file by path */
			int is_doc = strchr(s.ids[i], '/') && s.ids[i][0] != '.' &&
				(strlen(s.ids[i]) < 3 || strcmp(s.ids[i] + strlen(s.ids[i]) - 3, ".md"));
			stance_buf_printf(&rel, "%s%s", s.ids[i], is_doc ? ".md" : "");
			stance_buf_clear(&file);
			stance_buf_clear(&canon);
			stance_buf_printf(&file, "%s%s", stance_repo_workdir(repo), rel.ptr);
			if ((error = stance_file_read(&canon, file.ptr)) < 0) {
				stance_buf_dispose(&rel);
				goto done;
			}
			if (is_doc) {
				if ((error = stance_document_parse(&doc, stance_buf_cstr(&canon), canon.size, file.ptr)) == 0) {
					stance_buf_clear(&canon);
					error = stance_document_serialize(&canon, doc);
					stance_document_free(doc);
				}
			} else if (strstr(stance_buf_cstr(&canon), "<<<<<<<")) {
				error = stance_error_set(STANCE_EPARSE, "%s still has conflict markers", file.ptr);
			}
			if (!error && ((error = git_blob_create_from_buffer(&blob, git, canon.ptr ? canon.ptr : "", canon.size)) < 0 ||
			    (error = index_put(idx, rel.ptr, &blob, GIT_FILEMODE_BLOB)) < 0))
				error = stance_git_error(error, "cannot store %s", rel.ptr);
			stance_buf_dispose(&rel);
			if (error < 0)
				goto done;
		}
	}
	if ((error = git_index_write_tree_to(&tree_id, idx, git)) < 0) {
		error = stance_git_error(error, "cannot write the merged tree");
		goto done;
	}
	stance_buf_printf(&msg, "Merge %s of %s\n", s.branch, s.remote);
	if ((error = make_merge_commit(&mid, &c, &tree_id, ours, theirs, msg.ptr)) < 0)
		goto done;
	/* the working folder holds our pick (plus the user's choices): bring
	 * the files that differ from the final tree to it */
	if ((error = differing_paths(&paths, git, &s.pick_ours, &mid)) < 0)
		goto done;
	{
		git_commit *mc = NULL;
		git_checkout_options co;
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		git_reference *r = NULL;
		if ((error = git_commit_lookup(&mc, git, &mid)) < 0 || (error = git_commit_tree(&final_tree, mc)) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot read the merge commit");
			goto done;
		}
		if ((error = git_reference_create(&r, git, ref.ptr, &mid, 1, "stance sync --continue")) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot move %s", ref.ptr);
			goto done;
		}
		git_reference_free(r);
		if (paths.count) {
			co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
			co.paths = paths;
			git_checkout_tree(git, (git_object *)mc, &co);
		}
		git_commit_free(mc);
		if ((error = git_repository_index(&repo_idx, git)) < 0 ||
		    (error = git_index_read_tree(repo_idx, final_tree)) < 0 || (error = git_index_write(repo_idx)) < 0) {
			error = stance_git_error(error, "cannot update the index");
			goto done;
		}
	}
	clear_state(git);
	if (result) {
		result->outcome = STANCE_SYNC_MERGED;
		git_oid_tostr(result->head, sizeof(result->head), &mid);
		for (i = 0; i < s.nids; i++)
			result_add_merged(result, s.ids[i]);
	}
	if (remote_out)
		error = stance_buf_puts(remote_out, s.remote);
done:
	git_strarray_dispose(&paths);
	git_tree_free(final_tree);
	git_tree_free(pick_tree);
	git_index_free(idx);
	git_index_free(repo_idx);
	git_commit_free(ours);
	git_commit_free(theirs);
	git_commit_free(pick);
	stance_buf_dispose(&file);
	stance_buf_dispose(&canon);
	stance_buf_dispose(&msg);
	stance_buf_dispose(&ref);
	saved_state_free(&s);
	ctx_dispose(&c);
	return error;
}

/* ---------------------------------------------------------------- clone */

static int install_hooks(git_repository *git)
{
	const stance_embedded_file *f;
	stance_buf path = STANCE_BUF_INIT;
	int error = 0;
	for (f = stance_embedded_files; f->path && !error; f++) {
		if (strncmp(f->path, "hooks/", 6))
			continue;
		stance_buf_clear(&path);
		stance_buf_printf(&path, "%shooks", git_repository_path(git));
		mkdir(path.ptr, 0755);
		stance_buf_printf(&path, "/%s", f->path + 6);
		if ((error = stance_file_write_atomic(path.ptr, (const char *)f->data, f->len)) == 0)
			chmod(path.ptr, 0755);
	}
	stance_buf_dispose(&path);
	return error;
}

/* See sync.h. */
int stance_sync_clone(stance_repo **out, stance_sync_result *result, const char *url,
	const char *path, const stance_sync_options *opts)
{
	git_clone_options co;
	git_repository *git = NULL;
	git_reference *r = NULL;
	sync_ctx c;
	stance_buf cfg = STANCE_BUF_INIT;
	struct stat st;
	int error, existed = stat(path, &st) == 0;
	git_oid id;

	if (out)
		*out = NULL;
	memset(&c, 0, sizeof(c));
	c.opts = opts;
	c.result = result;
	c.remote_name = "origin";
	c.raw_url = url;
	stance_url_redact(&c.url, url);
	if ((error = fill_result_names(&c, NULL)) < 0)
		goto done;
	if (opts && opts->version != STANCE_SYNC_OPTIONS_VERSION) {
		error = stance_error_set(STANCE_EINVALID, "stance_sync_options: unknown version %u", opts->version);
		goto done;
	}
	stance_git_init();
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	set_callbacks(&co.fetch_opts.callbacks, &c);
	co.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	co.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
	/* From a folder on this machine (a path or file://) copy the objects as
	 * they are, hard-linked where possible, as `git clone PATH` does: libgit2's
	 * file transport would rebuild every delta of the history instead. */
	if (!strncmp(url, "file://", 7) || !strstr(url, "://"))
		co.local = GIT_CLONE_LOCAL;
	if (existed && !S_ISDIR(st.st_mode)) {
		error = stance_error_set(STANCE_EEXISTS, "%s exists and is not a folder", path);
		goto done;
	}
	if ((error = git_clone(&git, url, path, &co)) < 0) {
		if (error == GIT_EEXISTS)
			error = stance_error_set(STANCE_EEXISTS, "%s exists and is not empty; clone into a new folder", path);
		else
			error = transfer_error(&c, error, "cloning from remote");
		goto done;
	}
	/* a remote whose HEAD names no branch (a bare repository made with
	 * master as HEAD that only ever got main): check out main */
	if (git_repository_head_unborn(git) == 1 && ref_oid(&id, git, "refs/remotes/origin/main") > 0) {
		git_commit *mc = NULL;
		git_checkout_options mco;
		git_checkout_options_init(&mco, GIT_CHECKOUT_OPTIONS_VERSION);
		mco.checkout_strategy = GIT_CHECKOUT_SAFE;
		if ((error = git_reference_create(&r, git, "refs/heads/main", &id, 0, "stance clone")) < 0 ||
		    (error = git_repository_set_head(git, "refs/heads/main")) < 0 ||
		    (error = git_commit_lookup(&mc, git, &id)) < 0 ||
		    (error = git_checkout_tree(git, (git_object *)mc, &mco)) < 0) {
			git_commit_free(mc);
			error = stance_git_error(error, "cannot check out main");
			goto cleanup_dir;
		}
		git_commit_free(mc);
		git_reference_free(r);
		r = NULL;
	}
	credential_verdict(&c, 1);
	stance_buf_printf(&cfg, "%s.stance/config", git_repository_workdir(git) ? git_repository_workdir(git) : path);
	if (access(cfg.ptr, F_OK) != 0) {
		error = stance_error_set(STANCE_ENOTREPO, "%s is a git repository but not a stance repository "
			"(it has no .stance/config); nothing was cloned", c.url.ptr);
		goto cleanup_dir;
	}
	/* carry the snapshots branch as a local branch too */
	if ((error = ref_oid(&id, git, "refs/remotes/origin/" SNAPSHOTS)) > 0) {
		if ((error = git_reference_create(&r, git, "refs/heads/" SNAPSHOTS, &id, 1, "stance clone")) < 0) {
			error = stance_git_error(error, "cannot create the snapshots branch");
			goto cleanup_dir;
		}
	}
	if (error < 0 || (error = install_hooks(git)) < 0)
		goto cleanup_dir;
	if (result) {
		/* commits are not counted: walking a long history (100,000
		 * commits) would cost more than the rest of the clone */
		if (ref_oid(&id, git, "HEAD") > 0)
			git_oid_tostr(result->head, sizeof(result->head), &id);
		result->objects_in = c.seen_objects;
		result->bytes_in = c.seen_bytes;
		result->outcome = STANCE_SYNC_FAST_FORWARD;
		{
			stance_buf b = STANCE_BUF_INIT;
			if (main_branch(&b, git) == 0 && !result->branch)
				result->branch = stance_buf_detach(&b);
			stance_buf_dispose(&b);
		}
	}
	git_repository_free(git);
	git = NULL;
	error = out ? stance_repo_open(out, path) : 0;
	goto done;
cleanup_dir:
	git_repository_free(git);
	git = NULL;
	{
		/* remove what the clone wrote: nothing half-written stays; an
		 * empty folder the caller gave is left empty */
		int keep = error;
		pid_t pid = fork();
		if (pid == 0) {
			execlp("rm", "rm", "-rf", "--", path, (char *)NULL);
			_exit(127);
		} else if (pid > 0) {
			int status;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		if (existed)
			mkdir(path, 0755);
		error = keep;
	}
done:
	git_reference_free(r);
	git_repository_free(git);
	stance_buf_dispose(&cfg);
	ctx_dispose(&c);
	return error;
}
