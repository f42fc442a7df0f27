/*
 * cmd_fetch.c: `stance fetch [ID...]`: pulls new versions of the followed
 * pages and feeds, stores a version per document whose text changed, and
 * prints a report. Exit 0 when every source succeeded, 3 when some failed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "web_commands.h"

extern const cli_command cmd_fetch_entry;

enum { EXIT_SOME_FAILED = 3 };

static void progress(size_t done, size_t total, const char *url, void *payload)
{
	int width = 30, filled = total ? (int)(done * (size_t)width / total) : width;
	(void)url;
	(void)payload;
	fprintf(stderr, "\rfetching [%.*s%*s] %zu/%zu", filled, "##############################",
		width - filled, "", done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Parses "20M", "512K", "1000" into bytes. */
static int parse_size(size_t *out, const char *s)
{
	char *end;
	unsigned long long v;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k') { v *= 1024; end++; }
	else if (*end == 'M' || *end == 'm') { v *= 1024 * 1024; end++; }
	else if (*end == 'G' || *end == 'g') { v *= 1024ULL * 1024 * 1024; end++; }
	if (*end || v == 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int number(const char *option, const char *value, long min, long max, long *out)
{
	if (stance_parse_int(out, value, min, max) < 0)
		return cli_usage_error(&cmd_fetch_entry, "%s takes a number from %ld to %ld, not '%s'",
			option, min, max, value);
	return 0;
}

static void print_table(cli_context *ctx, const stance_source_report *rep)
{
	size_t i, w = 2, counts[4] = { 0 };
	for (i = 0; i < rep->count; i++)
		if (strlen(rep->results[i].id) > w)
			w = strlen(rep->results[i].id);
	for (i = 0; i < rep->count; i++) {
		const stance_source_result *r = &rep->results[i];
		const char *color = r->outcome == STANCE_SOURCE_FAILED ? "\033[31m" :
			r->outcome == STANCE_SOURCE_UNCHANGED ? "" : "\033[32m";
		counts[r->outcome]++;
		fprintf(ctx->out, "%-*s  %s%-9s%s", (int)w, r->id, cli_color(ctx, color),
			stance_source_outcome_name(r->outcome), cli_color(ctx, *color ? "\033[0m" : ""));
		if (r->outcome == STANCE_SOURCE_FAILED)
			fprintf(ctx->out, "  %s", r->reason ? r->reason : "");
		else if (r->not_modified)
			fputs("  not modified (304)", ctx->out);
		else if (r->commit[0])
			fprintf(ctx->out, "  %.12s", r->commit);
		else if (r->reason)
			fprintf(ctx->out, "  %s", r->reason);
		fputc('\n', ctx->out);
	}
	fprintf(ctx->out, "%zu new, %zu updated, %zu unchanged, %zu failed (fetched in %.2f s, written in %.2f s)\n",
		counts[STANCE_SOURCE_NEW], counts[STANCE_SOURCE_UPDATED],
		counts[STANCE_SOURCE_UNCHANGED], counts[STANCE_SOURCE_FAILED],
		rep->fetch_seconds, rep->store_seconds);
}

/* An array with one result a line (docs/commands/fetch.md). */
static int print_json(cli_context *ctx, const stance_source_report *rep)
{
	stance_buf out = STANCE_BUF_INIT;
	size_t i;
	int error = stance_buf_puts(&out, "[");
	for (i = 0; !error && i < rep->count; i++) {
		const stance_source_result *r = &rep->results[i];
		stance_buf_puts(&out, i ? ",\n " : "\n ");
		error = cli_json_append(&out, json_pack("{s:o, s:o, s:s, s:b, s:I, s:o, s:o}",
			"id", cli_json_str(r->id), "url", cli_json_str(r->url),
			"outcome", stance_source_outcome_name(r->outcome), "not_modified", r->not_modified,
			"status", (json_int_t)r->status, "commit", cli_json_str(r->commit[0] ? r->commit : NULL),
			"reason", cli_json_str(r->reason)), CLI_JSON_SPACED);
	}
	if (!error)
		error = stance_buf_puts(&out, rep->count ? "\n]\n" : "]\n");
	if (!error)
		fwrite(out.ptr, 1, out.size, ctx->out);
	stance_buf_dispose(&out);
	return error ? cli_error("out of memory") : CLI_OK;
}

static int run_fetch(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "delay", required_argument, NULL, 'd' },
		{ "jitter", required_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'c' },
		{ "retries", required_argument, NULL, 'r' },
		{ "retry-after-max", required_argument, NULL, 'R' },
		{ "backoff", required_argument, NULL, 'b' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "max-redirects", required_argument, NULL, 'M' },
		{ "user-agent", required_argument, NULL, 'u' },
		{ "ignore-robots", no_argument, NULL, 'i' },
		{ "private-range", required_argument, NULL, 'P' },
		{ "resolve", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'o' },
		{ "no-progress", no_argument, NULL, 'p' },
		CLI_HELP_OPTION,
		{ NULL, 0, NULL, 0 }
	};
	stance_fetch_options fo = STANCE_FETCH_OPTIONS_INIT;
	stance_source_report report;
	stance_buf ua = STANCE_BUF_INIT, cfg = STANCE_BUF_INIT;
	long v;
	int c, json = 0, show_progress = isatty(STDERR_FILENO), error, rc;
	/* --private-range and --resolve, each at most once an argument */
	const char **ranges = calloc((size_t)argc + 1, sizeof(*ranges));
	const char **resolve = calloc((size_t)argc + 1, sizeof(*resolve));
	size_t nranges = 0, nresolve = 0;

	if (!ranges || !resolve) {
		rc = cli_error("out of memory");
		goto out;
	}

	/* Defaults from .stance/config: fetch.userAgent, fetch.delay (ms). */
	if (stance_repo_config_get(&ua, repo, "fetch.useragent") == 0 && ua.size)
		fo.user_agent = ua.ptr;
	if (stance_repo_config_get(&cfg, repo, "fetch.delay") == 0 &&
	    stance_parse_int(&v, cfg.ptr, 0, 3600000) == 0)
		fo.host_delay_ms = v;
	stance_error_clear();

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': if ((rc = number("--jobs", optarg, 1, 1000, &v))) goto out; fo.max_transfers = (int)v; break;
		case 'd': if ((rc = number("--delay", optarg, 0, 3600000, &v))) goto out; fo.host_delay_ms = v; break;
		case 'J': if ((rc = number("--jitter", optarg, 0, 3600000, &v))) goto out; fo.jitter_ms = v; break;
		case 't': if ((rc = number("--timeout", optarg, 1, 86400, &v))) goto out; fo.timeout_ms = v * 1000; break;
		case 'c': if ((rc = number("--connect-timeout", optarg, 1, 3600, &v))) goto out; fo.connect_timeout_ms = v * 1000; break;
		case 'r': if ((rc = number("--retries", optarg, 0, 20, &v))) goto out; fo.retries = (int)v; break;
		case 'R': if ((rc = number("--retry-after-max", optarg, 0, 86400, &v))) goto out; fo.retry_after_max_ms = v * 1000; break;
		case 'b': if ((rc = number("--backoff", optarg, 0, 3600000, &v))) goto out; fo.backoff_ms = v; break;
		case 'M': if ((rc = number("--max-redirects", optarg, 0, 100, &v))) goto out; fo.max_redirects = (int)v; break;
		case 'm':
			if (parse_size(&fo.max_size, optarg) < 0) {
				rc = cli_usage_error(&cmd_fetch_entry, "--max-size takes a size such as 20M, not '%s'", optarg);
				goto out;
			}
			break;
		case 'u': fo.user_agent = optarg; break;
		case 'i': fo.ignore_robots = 1; break;
		case 'P': ranges[nranges++] = optarg; fo.private_ranges = ranges; break;
		case 'N': resolve[nresolve++] = optarg; fo.resolve = resolve; break;
		case 'o': json = 1; break;
		case 'p': show_progress = 0; break;
		case 'h': rc = cli_help(&cmd_fetch_entry); goto out;
		default: rc = cli_usage_error(&cmd_fetch_entry, "unknown option"); goto out;
		}
	}
	if (show_progress)
		fo.progress = progress;
	if ((error = stance_source_fetch(&report, repo, (const char *const *)argv + optind,
		(size_t)(argc - optind), &fo)) < 0) {
		rc = cli_fail(error);
		goto out;
	}
	rc = CLI_OK;
	if (json)
		rc = print_json(ctx, &report);
	else
		print_table(ctx, &report);
	if (rc == CLI_OK && report.failed)
		rc = EXIT_SOME_FAILED;
	stance_source_report_dispose(&report);
out:
	stance_buf_dispose(&ua);
	stance_buf_dispose(&cfg);
	free(ranges);
	free(resolve);
	return rc;
}

const cli_command cmd_fetch_entry = {
	.name = "fetch",
	.usage = CLI_FETCH_USAGE,
	.summary = CLI_FETCH_SUMMARY,
	.needs_repo = 1,
	.run = run_fetch,
};
