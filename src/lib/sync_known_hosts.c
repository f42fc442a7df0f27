/*
 * sync_known_hosts.c: the ssh server's host key checked against
 * ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts (plain and hashed
 * entries), as ssh itself would insist, before sync talks to it. The
 * files are read and matched by libssh2's known-hosts API.
 */
#include <libssh2.h>
#include <unistd.h>

#include "sync_internal.h"
#include "url.h"

/* ---------------------------------------------------------------- ssh host keys */

/*
 * Looks `name` ("host" or "[host]:port") up in a known_hosts file: 1 when a
 * line names it with this very key, -1 when lines name it but with other
 * keys, 0 when it is not there (or the file cannot be read).
 *
 * libssh2 parses each line (host lists, hashed "|1|salt|hash" entries, every
 * key type it knows). The file is given to it a line at a time rather than
 * through libssh2_knownhost_readfile(), which stops at the first line it
 * cannot parse (a key type newer than libssh2, "@cert-authority") and would
 * then ignore every entry after it; such lines are skipped, as before.
 */
static int known_hosts_check(const char *file, const char *name, const unsigned char *key, size_t klen)
{
	stance_buf text = STANCE_BUF_INIT;
	LIBSSH2_SESSION *session = NULL;
	LIBSSH2_KNOWNHOSTS *hosts = NULL;
	const char *line;
	int found = 0;

	if (access(file, R_OK) != 0 || stance_file_read(&text, file) < 0 || !text.ptr)
		goto done;
	if (!(session = libssh2_session_init()) || !(hosts = libssh2_knownhost_init(session)))
		goto done;
	for (line = text.ptr; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		/* markers (@cert-authority, @revoked) name no host key */
		if (*line != '@')
			(void)libssh2_knownhost_readline(hosts, line, len, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
		line += len;
	}
	/* port -1: `name` is looked up as written, "[host]:port" included; key
	 * type 0: an entry for the host with a key of another type counts as a
	 * different key */
	switch (libssh2_knownhost_checkp(hosts, name, -1, (const char *)key, klen,
		LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, NULL)) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH: found = 1; break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH: found = -1; break;
	default: found = 0; break;
	}
done:
	if (hosts)
		libssh2_knownhost_free(hosts);
	if (session)
		libssh2_session_free(session);
	stance_error_clear();
	stance_buf_dispose(&text);
	return found;
}

/*
 * libgit2 shows us the server's certificate. For https we keep libgit2's own
 * verdict; for ssh the host key must be in ~/.ssh/known_hosts (~ being the
 * options' home folder) or /etc/ssh/ssh_known_hosts, plain or hashed, as
 * ssh itself would insist.
 */
int sync_certificate_cb(git_cert *cert, int valid, const char *host, void *payload)
{
	sync_ctx *c = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	stance_buf name = STANCE_BUF_INIT, file = STANCE_BUF_INIT;
	const char *home = c->opts ? c->opts->home : NULL, *url = c->raw_url ? c->raw_url : "";
	long port = 22;
	int verdict = 0, rc;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return valid ? 0 : GIT_PASSTHROUGH;
	if (!(hk->type & GIT_CERT_SSH_RAW) || !hk->hostkey) {
		git_error_set_str(GIT_ERROR_SSH, "the server's host key cannot be checked");
		return GIT_ECERTIFICATE;
	}
	/* the port, from ssh://[user@]host:port/... (scp-like user@host:path
	 * has none) */
	if (!strncmp(url, "ssh://", 6)) {
		stance_url u = STANCE_URL_INIT;
		if (stance_url_parse(&u, url, 0) == 0 && u.port && stance_parse_int(&port, u.port, 1, 65535) < 0)
			port = 22;
		stance_url_dispose(&u);
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
