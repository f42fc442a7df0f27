/*
 * cmd_site.c: `stance site OUT [--base-url URL] [--title T] [--since D]
 * [--serve[=PORT]]`: writes the reading room, the static site of the
 * collection (stance_site_build, site.h), and with --serve serves it on
 * 127.0.0.1 for a preview, building it again when the repository moves.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "cli.h"

extern const cli_command cmd_site_entry;

enum { OPT_BASE_URL = 256, OPT_TITLE, OPT_SERVE };

static const cli_option site_options[] = {
	{ OPT_BASE_URL, "base-url", 0, CLI_ARG_STRING, "URL", "where the site will be published, for the feeds' and time maps' links", 0, 0 },
	{ OPT_TITLE, "title", 0, CLI_ARG_STRING, "TITLE", "the collection's name on every page", 0, 0 },
	CLI_OPTION_SINCE("changes and feeds: revisions"),
	{ OPT_SERVE, "serve", 0, CLI_ARG_OPTIONAL, "PORT", "serve the site on 127.0.0.1:PORT (8000; 0 picks one) and rebuild it on change", 0, 0 },
	CLI_OPTION_QUIET("print nothing but errors"),
	CLI_OPTIONS_END
};

static int build(stance_repo *repo, const stance_site_options *opts, int quiet)
{
	stance_site_report report;
	int error = stance_site_build(&report, repo, opts);
	if (error < 0)
		return cli_fail(error);
	if (!quiet)
		printf("%s: %zu documents, %zu revisions; %zu documents built, %zu files written\n", opts->out,
			report.documents, report.revisions, report.documents_built, report.files_written);
	fflush(stdout);
	return CLI_OK;
}

/* ---- --serve: a small HTTP/1.0 file server, loopback only ---- */

/* What the branch HEAD points at says: a change means a new revision. */
static void repo_state(stance_buf *out, stance_repo *repo)
{
	const char *git = stance_repo_gitdir(repo);
	stance_buf path = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
	struct stat st;
	stance_buf_clear(out);
	stance_buf_printf(&path, "%sHEAD", git);
	if (stance_file_read(&head, path.ptr) == 0 && head.size > 5 && !strncmp(head.ptr, "ref: ", 5)) {
		head.ptr[strcspn(head.ptr, "\r\n")] = '\0';
		stance_buf_clear(&path);
		stance_buf_printf(&path, "%s%s", git, head.ptr + 5);
		stance_file_read(out, path.ptr);
	}
	stance_buf_clear(&path);
	stance_buf_printf(&path, "%spacked-refs", git);
	if (stat(path.ptr, &st) == 0)
		stance_buf_printf(out, "/%lld/%lld", (long long)st.st_mtime, (long long)st.st_size);
	stance_buf_printf(out, "|%s", stance_buf_cstr(&head));
	stance_error_clear();
	stance_buf_dispose(&path);
	stance_buf_dispose(&head);
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".atom", "application/atom+xml" },
		{ ".link", "application/link-format" }, { ".md", "text/markdown; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" }, { ".xml", "application/xml" }, { ".json", "application/json" },
	};
	size_t i, len = strlen(path);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i][0]);
		if (len >= n && !strcmp(path + len - n, types[i][0]))
			return types[i][1];
	}
	/* a raw snapshot is shown as text, never run as a page of this site */
	return "text/plain; charset=utf-8";
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		data += n;
		len -= (size_t)n;
	}
}

static void answer(int fd, const char *out)
{
	char req[4096], *sp, *end;
	stance_buf path = STANCE_BUF_INIT, body = STANCE_BUF_INIT, head = STANCE_BUF_INIT;
	ssize_t n = recv(fd, req, sizeof(req) - 1, 0);
	const char *status = "200 OK";
	struct stat st;
	const char *u;

	if (n <= 0)
		return;
	req[n] = '\0';
	sp = strchr(req, ' ');
	end = sp ? strpbrk(sp + 1, " ?#\r\n") : NULL;
	if (!sp || !end || strncmp(req, "GET ", 4) || sp[1] != '/') {
		status = "400 Bad Request";
		goto reply;
	}
	stance_buf_puts(&path, out);
	for (u = sp + 1; u < end;) {
		char c = *u++;
		if (c == '%' && end - u >= 2 && hexval(u[0]) >= 0 && hexval(u[1]) >= 0) {
			c = (char)(hexval(u[0]) * 16 + hexval(u[1]));
			u += 2;
		}
		if (c == '\0') {
			status = "400 Bad Request";
			goto reply;
		}
		stance_buf_putc(&path, c);
	}
	if (strstr(path.ptr, "/..") || strstr(path.ptr, "/.stance-site")) {
		status = "404 Not Found";
		goto reply;
	}
	if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode))
		stance_buf_puts(&path, path.ptr[path.size - 1] == '/' ? "index.html" : "/index.html");
	if (stance_file_read(&body, path.ptr) < 0) {
		stance_error_clear();
		status = "404 Not Found";
	}
reply:
	if (strcmp(status, "200 OK")) {
		stance_buf_clear(&body);
		stance_buf_printf(&body, "%s\n", status);
	}
	stance_buf_printf(&head, "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-cache\r\n"
		"Connection: close\r\n\r\n", status, strcmp(status, "200 OK") ? "text/plain; charset=utf-8" :
		content_type(path.ptr), body.size);
	send_all(fd, head.ptr, head.size);
	send_all(fd, body.ptr ? body.ptr : "", body.size);
	stance_buf_dispose(&path);
	stance_buf_dispose(&body);
	stance_buf_dispose(&head);
}

static int serve(stance_repo *repo, const stance_site_options *opts, long port, int quiet)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	stance_buf state = STANCE_BUF_INIT, now = STANCE_BUF_INIT;
	char *root;
	time_t last;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return cli_error("cannot serve the site: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
		int e = errno;
		close(fd);
		return cli_error("cannot serve the site on 127.0.0.1:%ld: %s", port, strerror(e));
	}
	if (!(root = realpath(opts->out, NULL))) {
		close(fd);
		return cli_error("%s: %s", opts->out, strerror(errno));
	}
	printf("serving %s at http://127.0.0.1:%u/ (Ctrl-C stops)\n", opts->out, ntohs(addr.sin_port));
	fflush(stdout);
	repo_state(&state, repo);
	last = time(NULL);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0) {
			int c = accept(fd, NULL, NULL);
			if (c >= 0) {
				answer(c, root);
				close(c);
			}
		}
		/* once a second, however busy the server is */
		if (time(NULL) == last)
			continue;
		last = time(NULL);
		repo_state(&now, repo);
		if (strcmp(stance_buf_cstr(&now), stance_buf_cstr(&state))) {
			stance_buf_clear(&state);
			stance_buf_puts(&state, stance_buf_cstr(&now));
			/* a failed rebuild is said and the old site stays served */
			build(repo, opts, quiet);
		}
	}
	free(root);
	close(fd);
	stance_buf_dispose(&state);
	stance_buf_dispose(&now);
	return cli_error("serving stopped: %s", strerror(errno));
}

static int run_site(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_site_options opts = STANCE_SITE_OPTIONS_INIT;
	cli_opt_parser p;
	long port = -1;
	int c, quiet = 0, rc;

	cli_opt_init(&p, &cmd_site_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case OPT_BASE_URL: opts.base_url = p.value; break;
		case OPT_TITLE: opts.title = p.value; break;
		case CLI_OPT_SINCE: opts.since = stance_date_start(&p.date); break;
		case CLI_OPT_QUIET: quiet = 1; break;
		case OPT_SERVE:
			port = 8000;
			if (p.value && stance_parse_int(&port, p.value, 0, 65535) < 0)
				return cli_usage_error(&cmd_site_entry, "--serve takes a port from 0 to 65535, not '%s'", p.value);
			break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest != 1)
		return cli_usage_error(&cmd_site_entry, "name the folder to write the site to, e.g. stance site public");
	opts.out = p.rest[0];
	if ((rc = build(repo, &opts, quiet)) != CLI_OK || port < 0)
		return rc;
	return serve(repo, &opts, port, quiet);
}

const cli_command cmd_site_entry = {
	.name = "site",
	.usage = "OUT",
	.options = site_options,
	.summary = "Write a static web site of the collection: timelines, redlines, positions, Atom feeds, time maps.",
	.needs_repo = 1,
	.run = run_site,
};
