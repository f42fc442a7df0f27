/*
 * helpers.c: the shared test helpers (see helpers.h).
 */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *made[256];
static size_t nmade;

char *th_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	stance_buf b = STANCE_BUF_INIT;
	char *dir;
	stance_buf_printf(&b, "%s/stance-test-XXXXXX", base && *base ? base : "/tmp");
	dir = stance_buf_detach(&b);
	cr_assert_not_null(mkdtemp(dir), "cannot make a temporary folder: %s", strerror(errno));
	if (nmade < 256)
		made[nmade++] = strdup(dir);
	return dir;
}

void th_cleanup(void)
{
	size_t i;
	for (i = 0; i < nmade; i++) {
		stance_buf cmd = STANCE_BUF_INIT;
		stance_buf_printf(&cmd, "rm -rf '%s'", made[i]);
		if (system(cmd.ptr) != 0)
			fprintf(stderr, "could not remove %s\n", made[i]);
		stance_buf_dispose(&cmd);
		free(made[i]);
	}
	nmade = 0;
}

static void drain(int fd, stance_buf *into, int *open_flag)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n > 0)
		stance_buf_put(into, chunk, (size_t)n);
	else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		*open_flag = 0;
}

void th_run(th_result *r, const char *cwd, const char *input, const char *const args[])
{
	int outp[2], errp[2], inp[2], status, out_open = 1, err_open = 1;
	size_t nargs = 0, written = 0, inlen = input ? strlen(input) : 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	while (args[nargs])
		nargs++;
	cr_assert(pipe(outp) == 0 && pipe(errp) == 0 && pipe(inp) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		const char **argv = calloc(nargs + 2, sizeof(*argv));
		size_t i;
		dup2(inp[0], 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		close(inp[1]); close(outp[0]); close(errp[0]);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		setenv("NO_COLOR", "1", 1);
		setenv("GIT_AUTHOR_NAME", "Test Archivist", 1);
		setenv("GIT_AUTHOR_EMAIL", "archivist@example.org", 1);
		setenv("GIT_COMMITTER_NAME", "Test Archivist", 1);
		setenv("GIT_COMMITTER_EMAIL", "archivist@example.org", 1);
		argv[0] = STANCE_BIN;
		for (i = 0; i < nargs; i++)
			argv[i + 1] = args[i];
		execv(STANCE_BIN, (char *const *)argv);
		_exit(127);
	}
	close(inp[0]); close(outp[1]); close(errp[1]);
	if (!inlen)
		close(inp[1]);
	else
		fcntl(inp[1], F_SETFL, O_NONBLOCK);
	while (out_open || err_open) {
		struct pollfd fds[3] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 },
			{ written < inlen ? inp[1] : -1, POLLOUT, 0 } };
		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			drain(outp[0], &r->out, &out_open);
		if (fds[1].revents)
			drain(errp[0], &r->err, &err_open);
		if (written < inlen && fds[2].revents) {
			ssize_t n = write(inp[1], input + written, inlen - written);
			if (n > 0)
				written += (size_t)n;
			if (n < 0 || written >= inlen) {
				close(inp[1]);
				written = inlen;
			}
		}
	}
	close(outp[0]); close(errp[0]);
	waitpid(pid, &status, 0);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!r->out.ptr) stance_buf_puts(&r->out, "");
	if (!r->err.ptr) stance_buf_puts(&r->err, "");
}

void th_result_free(th_result *r)
{
	stance_buf_dispose(&r->out);
	stance_buf_dispose(&r->err);
}

int th_sh(const char *cwd, stance_buf *out, const char *fmt, ...)
{
	stance_buf cmd = STANCE_BUF_INIT, body = STANCE_BUF_INIT;
	va_list ap;
	FILE *p;
	char chunk[4096];
	size_t n;
	int status;
	va_start(ap, fmt);
	{
		va_list ap2;
		va_copy(ap2, ap);
		int len = vsnprintf(NULL, 0, fmt, ap2);
		va_end(ap2);
		stance_buf_grow(&body, (size_t)len);
		vsnprintf(body.ptr, (size_t)len + 1, fmt, ap);
		body.size = (size_t)len;
	}
	va_end(ap);
	stance_buf_printf(&cmd, "cd '%s' && ( %s )%s", cwd ? cwd : ".", body.ptr, out ? "" : " >/dev/null 2>&1");
	p = popen(cmd.ptr, "r");
	cr_assert_not_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		if (out)
			stance_buf_put(out, chunk, n);
	status = pclose(p);
	if (out && !out->ptr)
		stance_buf_puts(out, "");
	stance_buf_dispose(&cmd);
	stance_buf_dispose(&body);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void th_write(const char *cwd, const char *relpath, const char *content)
{
	stance_buf path = STANCE_BUF_INIT;
	char *slash;
	FILE *f;
	stance_buf_printf(&path, "%s/%s", cwd, relpath);
	for (slash = strchr(path.ptr + strlen(cwd) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path.ptr, 0755);
		*slash = '/';
	}
	f = fopen(path.ptr, "wb");
	cr_assert_not_null(f, "cannot write %s", path.ptr);
	fwrite(content, 1, strlen(content), f);
	fclose(f);
	stance_buf_dispose(&path);
}

char *th_read(const char *cwd, const char *relpath)
{
	stance_buf path = STANCE_BUF_INIT, data = STANCE_BUF_INIT;
	stance_buf_printf(&path, "%s/%s", cwd, relpath);
	cr_assert(stance_file_read(&data, path.ptr) == 0, "cannot read %s", path.ptr);
	stance_buf_dispose(&path);
	return stance_buf_detach(&data);
}

int th_exists(const char *cwd, const char *relpath)
{
	stance_buf path = STANCE_BUF_INIT;
	struct stat st;
	int ok;
	stance_buf_printf(&path, "%s/%s", cwd, relpath);
	ok = stat(path.ptr, &st) == 0;
	stance_buf_dispose(&path);
	return ok;
}

char *th_shared(const char *relpath)
{
	stance_buf b = STANCE_BUF_INIT;
	struct stat st;
	stance_buf_printf(&b, "%s/%s", STANCE_SHARED_DIR, relpath);
	if (stat(b.ptr, &st) != 0) {
		stance_buf_dispose(&b);
		/* a clone alone has no ../shared: the test is skipped, saying why */
		cr_skip("../shared/%s is not there (the shared fixtures sit beside the clone in CI)", relpath);
	}
	return stance_buf_detach(&b);
}

char *th_source(const char *relpath)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "%s/%s", STANCE_SOURCE_DIR, relpath);
	return stance_buf_detach(&b);
}

void th_run_ok(th_result *r, const char *cwd, const char *const args[])
{
	th_run(r, cwd, NULL, args);
	cr_assert_eq(r->status, 0, "stance %s failed (%d): %s%s", args[0], r->status, r->err.ptr, r->out.ptr);
}

char *th_sh_out(const char *cwd, const char *cmd)
{
	stance_buf out = STANCE_BUF_INIT;
	int rc = th_sh(cwd, &out, "%s", cmd);
	cr_assert_eq(rc, 0, "'%s' failed: %s", cmd, stance_buf_cstr(&out));
	return stance_buf_detach(&out);
}

char *th_path(const char *dir, const char *name)
{
	stance_buf b = STANCE_BUF_INIT;
	stance_buf_printf(&b, "%s/%s", dir, name);
	return stance_buf_detach(&b);
}

void th_golden(const char *path, const char *got, size_t len, const char *what)
{
	stance_buf want = STANCE_BUF_INIT;
	const char *update = getenv("STANCE_UPDATE_GOLDEN");
	if (update && *update && strcmp(update, "0")) {
		cr_assert_eq(stance_file_write_atomic(path, got, len), 0, "%s: %s", what, stance_error_last());
		return;
	}
	cr_assert_eq(stance_file_read(&want, path), 0, "%s: %s (STANCE_UPDATE_GOLDEN=1 writes it)", what,
		stance_error_last());
	cr_expect(want.size == len && !memcmp(want.ptr, got, len),
		"%s differs from its golden file %s (STANCE_UPDATE_GOLDEN=1 rewrites it after a deliberate "
		"change); got %zu bytes, the golden file holds %zu:\n%.*s", what, path, len, want.size,
		(int)(len > 4000 ? 4000 : len), got);
	stance_buf_dispose(&want);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **th_list(const char *dir, const char *suffix, int dirs, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, sl = strlen(suffix);
	cr_assert_not_null(d, "cannot read the folder %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		char *full;
		if (e->d_name[0] == '.' || len <= sl || strcmp(e->d_name + len - sl, suffix))
			continue;
		full = th_path(dir, e->d_name);
		if (stat(full, &st) != 0 || (dirs ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
			free(full);
			continue;
		}
		free(full);
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof(*names));
			cr_assert_not_null(names);
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof(*names));
	else
		names[n] = NULL;
	qsort(names, n, sizeof(*names), name_cmp);
	if (count)
		*count = n;
	return names;
}

void th_list_free(char **names)
{
	size_t i;
	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

int th_server_start(const char *root, pid_t *pid)
{
	int fds[2], port;
	char buf[32] = "";
	ssize_t n = 0, got;
	char *script = th_source("tests/server/stance_test_server.py");
	cr_assert_eq(pipe(fds), 0);
	*pid = fork();
	cr_assert_neq(*pid, -1);
	if (*pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execlp("python3", "python3", script, "--root", root, "--host", "127.0.0.1", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	/* the server prints its port on a line of its own once it listens */
	while (n < (ssize_t)sizeof(buf) - 1 && (got = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0) {
		n += got;
		if (memchr(buf, '\n', (size_t)n))
			break;
	}
	close(fds[0]);
	port = (int)strtol(buf, NULL, 10);
	cr_assert_gt(port, 0, "the test server did not start");
	free(script);
	return port;
}

void th_add_document(const char *dir, const char *text, const char *id, const char *date)
{
	th_result r;
	th_write(dir, "in.md", text);
	OK(&r, dir, "add", "in.md", "--id", id, "--date", date);
	th_result_free(&r);
}
