/*
 * credentials.c: the credentials the stance command offers a remote, through
 * stance_sync_options.credentials (the library reads no environment and runs
 * no program): for ssh the ssh-agent (SSH_AUTH_SOCK), then ~/.ssh/id_ed25519,
 * id_ecdsa and id_rsa (passphrase from STANCE_SSH_PASSPHRASE); for http(s)
 * the token in STANCE_TOKEN, else git's credential helpers (`git credential
 * fill`, then `approve` or `reject` as the server answered). Also the home
 * folder the library reads ~/.ssh/known_hosts from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync_ui.h"

#define SSH_REFUSED "no ssh key was accepted (tried the ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa and id_rsa)"
/* libssh2 1.10 signs with an RSA key as ssh-rsa (SHA-1), which OpenSSH 8.8
 * and later refuse by default */
#define RSA_NOTE "; ~/.ssh/id_rsa was offered, but this build signs with an RSA key " \
	"using SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse: use an ed25519 or ECDSA key"
#define HTTP_REFUSED "no credentials were accepted (set STANCE_TOKEN, configure a git credential helper, " \
	"or load an ssh key)"

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
				*user = strndup(line + 9, len - 9);
			else if (len > 9 && !strncmp(line, "password=", 9))
				*pass = strndup(line + 9, len - 9);
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

/* Forgets the pair git's helpers gave, wiping the password. */
static void forget_helper(sync_ui_credentials *cr)
{
	if (cr->helper_password) {
		memset(cr->helper_password, 0, strlen(cr->helper_password));
		free(cr->helper_password);
	}
	free(cr->helper_user);
	free(cr->helper_url);
	cr->helper_user = cr->helper_password = cr->helper_url = NULL;
}

/* The key files of ~/.ssh to offer, in order, from the first ask of a
 * transfer on. */
static void list_ssh_offers(sync_ui_credentials *cr)
{
	static const char *const keys[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	const char *sock = getenv("SSH_AUTH_SOCK");
	size_t i;
	cr->noffers = 0;
	cr->agent = sock && *sock;
	for (i = 0; cr->home && i < sizeof(keys) / sizeof(*keys); i++) {
		stance_buf *key = &cr->keys[cr->noffers], *pub = &cr->pubs[cr->noffers];
		stance_buf_clear(key);
		stance_buf_clear(pub);
		stance_buf_printf(key, "%s/.ssh/%s", cr->home, keys[i]);
		stance_buf_printf(pub, "%s.pub", stance_buf_cstr(key));
		if (access(stance_buf_cstr(key), R_OK) != 0)
			continue;
		cr->is_rsa[cr->noffers] = !strcmp(keys[i], "id_rsa");
		cr->noffers++;
	}
}

/* See stance_credential_cb: ssh offers the agent, then each key file, one
 * per ask; http(s) the token, else what git's helpers give. */
static int credentials_cb(stance_credential *out, const stance_credential_request *req, void *payload)
{
	sync_ui_credentials *cr = payload;
	if (req->allowed & STANCE_CREDENTIAL_ALLOW_SSH) {
		size_t k, step = req->attempt;
		int rsa = 0;
		if (req->attempt == 0)
			list_ssh_offers(cr);
		if (cr->agent && step == 0) {
			out->kind = STANCE_CREDENTIAL_SSH_AGENT;
			out->refused = SSH_REFUSED;
			return 0;
		}
		if (cr->agent)
			step--;
		for (k = 0; k < cr->noffers && k <= step; k++)
			rsa |= cr->is_rsa[k];
		out->refused = rsa ? SSH_REFUSED RSA_NOTE : SSH_REFUSED;
		if (step >= cr->noffers)
			return 1;
		out->kind = STANCE_CREDENTIAL_SSH_KEY;
		out->private_key = stance_buf_cstr(&cr->keys[step]);
		out->public_key = access(stance_buf_cstr(&cr->pubs[step]), R_OK) == 0 ?
			stance_buf_cstr(&cr->pubs[step]) : NULL;
		out->passphrase = getenv("STANCE_SSH_PASSPHRASE");
		return 0;
	}
	if (req->allowed & STANCE_CREDENTIAL_ALLOW_USERPASS) {
		const char *token = getenv("STANCE_TOKEN");
		char *user = NULL, *pass = NULL;
		cr->helper_given = 0;
		if (token && *token) {
			out->kind = STANCE_CREDENTIAL_USERPASS;
			out->password = token;
			out->refused = "the server refused the token in STANCE_TOKEN";
			return 0;
		}
		out->refused = HTTP_REFUSED;
		if (credential_run("fill", &user, &pass, req->url) < 0) {
			stance_error_clear();
			return 1;
		}
		forget_helper(cr);
		cr->helper_user = user;
		cr->helper_password = pass;
		if (!(cr->helper_url = strdup(req->url))) {
			forget_helper(cr);
			return 1;
		}
		cr->helper_given = 1;
		out->kind = STANCE_CREDENTIAL_USERPASS;
		out->username = user;
		out->password = pass;
		return 0;
	}
	return 1;
}

/* Tells git's credential helpers how the pair they gave us fared. */
static void verdict_cb(int accepted, void *payload)
{
	sync_ui_credentials *cr = payload;
	if (!cr->helper_given || !cr->helper_user || !cr->helper_password || !cr->helper_url)
		return;
	credential_run(accepted ? "approve" : "reject", &cr->helper_user, &cr->helper_password, cr->helper_url);
	stance_error_clear();
}

/* See sync_ui.h. */
void sync_ui_credentials_init(sync_ui_credentials *cr, stance_sync_options *opts)
{
	memset(cr, 0, sizeof(*cr)); /* every stance_buf as STANCE_BUF_INIT */
	cr->home = getenv("HOME");
	if (cr->home && !*cr->home)
		cr->home = NULL;
	opts->credentials = credentials_cb;
	opts->credential_verdict = verdict_cb;
	opts->credentials_payload = cr;
	opts->home = cr->home;
}

/* See sync_ui.h. */
void sync_ui_credentials_dispose(sync_ui_credentials *cr)
{
	size_t i;
	forget_helper(cr);
	for (i = 0; i < SYNC_UI_KEYS; i++) {
		stance_buf_dispose(&cr->keys[i]);
		stance_buf_dispose(&cr->pubs[i]);
	}
}
