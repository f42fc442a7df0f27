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
#include "table.h"

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

static void print_table(cli_context *ctx, const stance_source_report *rep)
{
	size_t i, counts[STANCE_SOURCE_GONE + 1] = { 0 };
	/* id (cut with "…" past 50 columns), outcome, what became of it */
	cli_table *t = cli_table_new(3, "  ", NULL);
	if (!t) {
		cli_error("out of memory");
		return;
	}
	cli_table_limit(t, 0, 50);
	cli_table_min(t, 1, 9); /* "unchanged" */
	for (i = 0; i < rep->count; i++) {
		const stance_source_result *r = &rep->results[i];
		const char *color = r->outcome == STANCE_SOURCE_FAILED ? "\033[31m" :
			r->outcome == STANCE_SOURCE_UNCHANGED ? "" : "\033[32m";
		int error;
		counts[r->outcome]++;
		error = cli_table_row(t) < 0 || cli_table_cell(t, r->id, NULL) < 0 ||
			cli_table_cell(t, stance_source_outcome_name(r->outcome), color) < 0;
		if (!error) {
			if (r->outcome == STANCE_SOURCE_FAILED)
				error = cli_table_cell(t, r->reason, NULL) < 0;
			else if (r->outcome == STANCE_SOURCE_GONE)
				error = cli_table_cellf(t, NULL, "%s%s%.12s", r->reason ? r->reason : "",
					r->commit[0] ? " " : "", r->commit) < 0;
			else if (r->not_modified)
				error = cli_table_cell(t, "not modified (304)", NULL) < 0;
			else if (r->commit[0])
				error = cli_table_cellf(t, NULL, "%.12s", r->commit) < 0;
			else
				error = cli_table_cell(t, r->reason, NULL) < 0;
		}
		if (error) {
			cli_error("out of memory");
			cli_table_free(t);
			return;
		}
	}
	cli_table_print(t, ctx);
	cli_table_free(t);
	fprintf(ctx->out, "%zu new, %zu updated, %zu unchanged, %zu failed (fetched in %.2f s, written in %.2f s)\n",
		counts[STANCE_SOURCE_NEW], counts[STANCE_SOURCE_UPDATED],
		counts[STANCE_SOURCE_UNCHANGED], counts[STANCE_SOURCE_FAILED],
		rep->fetch_seconds, rep->store_seconds);
	if (counts[STANCE_SOURCE_GONE])
		fprintf(ctx->out, "%zu gone: recorded as removed ('stance list --all' shows them)\n",
			counts[STANCE_SOURCE_GONE]);
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
			"reason", cli_json_message(r->reason)), CLI_JSON_SPACED);
	}
	if (!error)
		error = stance_buf_puts(&out, rep->count ? "\n]\n" : "]\n");
	if (!error)
		fwrite(out.ptr, 1, out.size, ctx->out);
	stance_buf_dispose(&out);
	return error ? cli_error("out of memory") : CLI_OK;
}

static const cli_option fetch_options[] = {
	{ 'j', "jobs", 0, CLI_ARG_NUMBER, "N", "fetch up to N pages at once", 1, 1000 },
	{ 'd', "delay", 0, CLI_ARG_NUMBER, "MS", "wait MS milliseconds between two requests to one host", 0, 3600000 },
	{ 'J', "jitter", 0, CLI_ARG_NUMBER, "MS", "add up to MS milliseconds to each delay", 0, 3600000 },
	{ 't', "timeout", 0, CLI_ARG_NUMBER, "S", "give up a request after S seconds", 1, 86400 },
	{ 'c', "connect-timeout", 0, CLI_ARG_NUMBER, "S", "give up connecting after S seconds", 1, 3600 },
	{ 'r', "retries", 0, CLI_ARG_NUMBER, "N", "try a failed request N more times", 0, 20 },
	{ 'b', "backoff", 0, CLI_ARG_NUMBER, "MS", "the first wait before a retry, doubled each time", 0, 3600000 },
	{ 'R', "retry-after-max", 0, CLI_ARG_NUMBER, "S", "wait at most S seconds when a server says Retry-After", 0, 86400 },
	{ 'm', "max-size", 0, CLI_ARG_STRING, "SIZE", "refuse a page larger than SIZE (20M, 512K)", 0, 0 },
	{ 'M', "max-redirects", 0, CLI_ARG_NUMBER, "N", "follow at most N redirects", 0, 100 },
	{ 'u', "user-agent", 0, CLI_ARG_STRING, "UA", "the User-Agent header sent", 0, 0 },
	{ 'i', "ignore-robots", 0, CLI_ARG_NONE, NULL, "do not read robots.txt", 0, 0 },
	{ 'P', "private-range", 0, CLI_ARG_STRING, "CIDR", "allow addresses in this private range (repeatable)", 0, 0 },
	{ 'N', "resolve", 0, CLI_ARG_STRING, "HOST:PORT:ADDRESS", "connect to ADDRESS for HOST:PORT (repeatable)", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTION_NO_PROGRESS,
	CLI_OPTIONS_END
};

static int run_fetch(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_fetch_options fo = STANCE_FETCH_OPTIONS_INIT;
	stance_source_report report;
	stance_buf ua = STANCE_BUF_INIT, cfg = STANCE_BUF_INIT;
	long v;
	cli_opt_parser p;
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

	cli_opt_init(&p, &cmd_fetch_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case 'j': fo.max_transfers = (int)p.number; break;
		case 'd': fo.host_delay_ms = p.number; break;
		case 'J': fo.jitter_ms = p.number; break;
		case 't': fo.timeout_ms = p.number * 1000; break;
		case 'c': fo.connect_timeout_ms = p.number * 1000; break;
		case 'r': fo.retries = (int)p.number; break;
		case 'R': fo.retry_after_max_ms = p.number * 1000; break;
		case 'b': fo.backoff_ms = p.number; break;
		case 'M': fo.max_redirects = (int)p.number; break;
		case 'm':
			if (parse_size(&fo.max_size, p.value) < 0) {
				rc = cli_usage_error(&cmd_fetch_entry, "--max-size takes a size such as 20M, not '%s'", p.value);
				goto out;
			}
			break;
		case 'u': fo.user_agent = p.value; break;
		case 'i': fo.ignore_robots = 1; break;
		case 'P': ranges[nranges++] = p.value; fo.private_ranges = ranges; break;
		case 'N': resolve[nresolve++] = p.value; fo.resolve = resolve; break;
		case CLI_OPT_JSON: json = 1; break;
		case CLI_OPT_NO_PROGRESS: show_progress = 0; break;
		}
	}
	if (c < 0) {
		rc = cli_opt_exit(c);
		goto out;
	}
	if (show_progress)
		fo.progress = progress;
	if ((error = stance_source_fetch(&report, repo, (const char *const *)p.rest, (size_t)p.nrest, &fo)) < 0) {
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
	.usage = "[ID...]",
	.summary = NULL, /* commands.h */
	.options = fetch_options,
	.needs_repo = 1,
	.run = run_fetch,
};
