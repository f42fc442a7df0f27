/*
 * cmd_sync.c: `stance sync [REMOTE]`: pull, then push, again when the remote
 * moved meanwhile; `--continue` and `--abort` after a conflict. Also the
 * progress bar and summary that clone, pull and push share (sync_ui.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "sync_ui.h"


/* ---------------------------------------------------------------- progress */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See sync_ui.h. */
void sync_ui_progress_init(sync_ui_progress *p, int json)
{
	memset(p, 0, sizeof(*p));
	p->enabled = !json && isatty(STDERR_FILENO);
}

/* Formats a byte count into `out` (caller's buffer). */
static void human_bytes(char *out, size_t n, size_t bytes)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, n, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else if (bytes >= 1024)
		snprintf(out, n, "%.1f KiB", (double)bytes / 1024.0);
	else
		snprintf(out, n, "%zu bytes", bytes);
}

/* See sync_ui.h. Draws on standard error, at most ten times a second. */
int sync_ui_progress_cb(const stance_sync_progress *pr, void *payload)
{
	sync_ui_progress *p = payload;
	static const char *const names[] = { "", "Receiving objects", "Resolving deltas", "Sending objects" };
	long long t;
	int done, pct, width = 24, fill, i;
	char size[32];

	if (!p || !p->enabled || pr->stage < 1 || pr->stage > 3)
		return 0;
	t = now_ms();
	done = pr->total && pr->current >= pr->total;
	/* redraw at most ten times a second, but always the last step of a stage */
	if (p->stage == (int)pr->stage && !done && t - p->last_ms < 100)
		return 0;
	if (p->stage && p->stage != (int)pr->stage && p->drawn)
		fputc('\n', stderr);
	p->stage = (int)pr->stage;
	p->last_ms = t;
	pct = pr->total ? (int)((pr->current * 100) / pr->total) : 0;
	fill = pct * width / 100;
	human_bytes(size, sizeof(size), pr->bytes);
	fprintf(stderr, "\r%-18s [", names[pr->stage]);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%% (%zu/%zu)", pct, pr->current, pr->total);
	if (pr->stage != STANCE_SYNC_RESOLVING)
		fprintf(stderr, ", %s", size);
	fputs("\033[K", stderr);
	fflush(stderr);
	p->drawn = 1;
	return 0;
}

/* See sync_ui.h. */
void sync_ui_progress_end(sync_ui_progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = 0;
}

/* ---------------------------------------------------------------- summary */

/* The JSON name of an outcome; a static string. */
static const char *outcome_name(stance_sync_outcome o)
{
	switch (o) {
	case STANCE_SYNC_FAST_FORWARD: return "fast-forward";
	case STANCE_SYNC_MERGED: return "merged";
	case STANCE_SYNC_CONFLICT: return "conflict";
	default: return "up-to-date";
	}
}

/* The JSON outcome: a failure is never "up-to-date": "conflict" when a
 * merge stopped, "rejected" when the remote had moved, else "error". */
static const char *failed_outcome(const stance_sync_result *r, int error)
{
	if (error >= 0 || r->outcome == STANCE_SYNC_CONFLICT)
		return outcome_name(r->outcome);
	return error == STANCE_ECONFLICT ? "rejected" : "error";
}

/* Prints the result as one JSON object (docs/commands/sync.md#json). */
static void print_json(cli_context *ctx, const char *command, const stance_sync_result *r, int error)
{
	json_t *o, *merged = cli_json_strings((const char *const *)r->merged, r->merged_count),
		*conflicts = json_array();
	size_t i;
	for (i = 0; conflicts && i < r->conflict_count; i++)
		if (json_array_append_new(conflicts, json_pack("{s:o, s:o}", "id", cli_json_str(r->conflicts[i].id),
			"passage", cli_json_str(r->conflicts[i].passage))) < 0) {
			json_decref(conflicts);
			conflicts = NULL;
		}
	o = json_pack("{s:o, s:b, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I}, s:I, s:o, s:o, s:o}",
		"command", cli_json_str(command), "ok", error >= 0, "remote", cli_json_str(r->remote),
		"url", cli_json_str(r->url), "branch", cli_json_str(r->branch),
		"outcome", cli_json_str(failed_outcome(r, error)),
		"received", "commits", (json_int_t)r->commits_in, "snapshots", (json_int_t)r->snapshots_in,
		"objects", (json_int_t)r->objects_in, "bytes", (json_int_t)r->bytes_in,
		"sent", "commits", (json_int_t)r->commits_out, "snapshots", (json_int_t)r->snapshots_out,
		"retries", (json_int_t)r->retries, "merged", merged, "conflicts", conflicts,
		"head", cli_json_str(r->head[0] ? r->head : NULL));
	if (o && error < 0 && json_object_set_new(o, "error", cli_json_message(stance_error_last())) < 0) {
		json_decref(o);
		o = NULL;
	}
	if (cli_json_write(ctx->out, o, CLI_JSON_COMPACT) < 0) {
		cli_error("out of memory");
		return;
	}
	fputc('\n', ctx->out);
}

/* One of two static words by count. */
static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* See sync_ui.h. */
int sync_ui_report(cli_context *ctx, const char *command, const stance_sync_result *r,
	int json, int error)
{
	FILE *out = ctx->out;
	size_t i;

	if (json) {
		print_json(ctx, command, r, error);
		if (error < 0 && error != STANCE_ECONFLICT)
			fprintf(stderr, "stance: %s\n", stance_error_last());
		return error < 0 ? CLI_ERROR : CLI_OK;
	}
	if (error < 0 && error != STANCE_ECONFLICT)
		return cli_fail(error);
	if (r->commits_in || r->snapshots_in)
		fprintf(out, "From %s (%s): %zu new %s on %s, %zu on snapshots (%zu objects)\n",
			r->remote ? r->remote : "origin", r->url ? r->url : "", r->commits_in,
			plural(r->commits_in, "commit", "commits"), r->branch ? r->branch : "main",
			r->snapshots_in, r->objects_in);
	if (r->merged_count) {
		fprintf(out, "Merged %zu %s changed on both sides:", r->merged_count,
			plural(r->merged_count, "document", "documents"));
		for (i = 0; i < r->merged_count; i++)
			fprintf(out, " %s", r->merged[i]);
		fputc('\n', out);
	}
	if (r->commits_out || r->snapshots_out)
		fprintf(out, "To %s (%s): %zu %s on %s, %zu on snapshots\n",
			r->remote ? r->remote : "origin", r->url ? r->url : "", r->commits_out,
			plural(r->commits_out, "commit", "commits"), r->branch ? r->branch : "main", r->snapshots_out);
	if (r->retries)
		fprintf(out, "The remote moved during the push; pulled and pushed again %zu %s.\n",
			r->retries, plural(r->retries, "time", "times"));
	if (error == STANCE_ECONFLICT && r->conflict_count) {
		fprintf(stderr, "stance: %s\n", stance_error_last());
		for (i = 0; i < r->conflict_count; i++)
			fprintf(stderr, "conflict: %s: %s\n", r->conflicts[i].id, r->conflicts[i].passage);
		fprintf(stderr, "Each conflicting passage is in the working folder between conflict markers, as git\n"
			"writes them: <<<<<<< ours, ||||||| the common ancestor, =======, theirs >>>>>>>.\n"
			"Keep what you choose, remove the markers, then 'stance sync --continue' (or --ours,\n"
			"--theirs); 'stance sync --abort' goes back to before the merge.\n");
		return CLI_ERROR;
	}
	if (error == STANCE_ECONFLICT)
		return cli_fail(error);
	if (!r->commits_in && !r->snapshots_in && !r->commits_out && !r->snapshots_out &&
	    r->outcome != STANCE_SYNC_MERGED)
		fprintf(out, "Already up to date with %s (%s).\n", r->remote ? r->remote : "origin", r->url ? r->url : "");
	else if (r->head[0] && (r->commits_in || r->outcome == STANCE_SYNC_MERGED))
		fprintf(out, "%s is at %.12s (%s).\n", r->branch ? r->branch : "main", r->head, outcome_name(r->outcome));
	else if (r->head[0])
		fprintf(out, "%s is at %.12s.\n", r->branch ? r->branch : "main", r->head);
	return CLI_OK;
}

/* See sync_ui.h. */
int sync_ui_lock(stance_repo *repo)
{
	int error = stance_repo_lock(repo, stance_repo_lock_timeout());
	return error < 0 ? cli_fail(error) : 0;
}

const cli_option sync_ui_transfer_options[] = {
	CLI_OPTION_JSON,
	CLI_OPTION_NO_PROGRESS,
	CLI_OPTIONS_END
};

int sync_ui_run_transfer(cli_context *ctx, stance_repo *repo, int argc, char **argv,
	const cli_command *cmd, sync_ui_transfer transfer)
{
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result result = STANCE_SYNC_RESULT_INIT;
	sync_ui_progress bar;
	sync_ui_credentials creds;
	cli_opt_parser p;
	int c, json = 0, no_progress = 0, error, rc;

	cli_opt_init(&p, cmd, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		if (c == CLI_OPT_JSON)
			json = 1;
		else if (c == CLI_OPT_NO_PROGRESS)
			no_progress = 1;
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest > 1)
		return cli_usage_error(cmd, "give at most one remote");
	if ((rc = sync_ui_lock(repo)) != 0)
		return rc;
	sync_ui_progress_init(&bar, json || no_progress);
	opts.progress = sync_ui_progress_cb;
	opts.payload = &bar;
	sync_ui_credentials_init(&creds, &opts);
	error = transfer(&result, repo, p.nrest ? p.rest[0] : NULL, &opts);
	sync_ui_credentials_dispose(&creds);
	sync_ui_progress_end(&bar);
	rc = sync_ui_report(ctx, cmd->name, &result, json, error);
	stance_sync_result_clear(&result);
	return rc;
}

/* ---------------------------------------------------------------- stance sync */

enum { OPT_CONTINUE = 256, OPT_ABORT, OPT_OURS, OPT_THEIRS };
static const cli_option sync_options[] = {
	{ OPT_CONTINUE, "continue", 0, CLI_ARG_NONE, NULL, "after resolving conflicts: commit the merge and push it", 0, 0 },
	{ OPT_OURS, "ours", 0, CLI_ARG_NONE, NULL, "with --continue: take this side's version of every conflicted document", 0, 0 },
	{ OPT_THEIRS, "theirs", 0, CLI_ARG_NONE, NULL, "with --continue: take the remote's version of every conflicted document", 0, 0 },
	{ OPT_ABORT, "abort", 0, CLI_ARG_NONE, NULL, "give up the merge; the working folder is put back", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTION_NO_PROGRESS,
	CLI_OPTIONS_END
};

static int run_sync(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	extern const cli_command cmd_sync_entry;
	stance_sync_options opts = STANCE_SYNC_OPTIONS_INIT;
	stance_sync_result result = STANCE_SYNC_RESULT_INIT;
	stance_sync_take take = STANCE_SYNC_TAKE_WORKTREE;
	stance_buf remote = STANCE_BUF_INIT;
	sync_ui_progress bar;
	sync_ui_credentials creds;
	cli_opt_parser p;
	int c, json = 0, no_progress = 0, cont = 0, abort_ = 0, error = 0, rc;

	cli_opt_init(&p, &cmd_sync_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case CLI_OPT_JSON: json = 1; break;
		case CLI_OPT_NO_PROGRESS: no_progress = 1; break;
		case OPT_CONTINUE: cont = 1; break;
		case OPT_ABORT: abort_ = 1; break;
		case OPT_OURS: take = STANCE_SYNC_TAKE_OURS; break;
		case OPT_THEIRS: take = STANCE_SYNC_TAKE_THEIRS; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if (cont && abort_)
		return cli_usage_error(&cmd_sync_entry, "--continue and --abort exclude each other");
	if (take != STANCE_SYNC_TAKE_WORKTREE && !cont)
		return cli_usage_error(&cmd_sync_entry, "--ours and --theirs go with --continue");
	if (p.nrest > 1)
		return cli_usage_error(&cmd_sync_entry, "give at most one remote");
	if ((cont || abort_) && p.nrest > 0)
		return cli_usage_error(&cmd_sync_entry, "--continue and --abort take no remote");
	if ((rc = sync_ui_lock(repo)) != 0)
		return rc;

	if (abort_) {
		if ((error = stance_sync_abort(repo)) < 0)
			return cli_fail(error);
		if (!json)
			fprintf(ctx->out, "Merge aborted; the working folder is back to before it.\n");
		else if (cli_json_write(ctx->out, json_pack("{s:s, s:b, s:s}", "command", "sync", "ok", 1,
		    "outcome", "aborted"), CLI_JSON_COMPACT) == 0)
			fputc('\n', ctx->out);
		return CLI_OK;
	}
	sync_ui_progress_init(&bar, json || no_progress);
	opts.progress = sync_ui_progress_cb;
	opts.payload = &bar;
	sync_ui_credentials_init(&creds, &opts);
	if (cont) {
		if ((error = stance_sync_continue(&result, &remote, repo, take)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		/* the merge is made: now send it, pulling again if the remote moved */
		stance_sync_result_clear(&result);
		error = stance_sync_run(&result, repo, remote.ptr, &opts);
		if (!error && result.outcome == STANCE_SYNC_UP_TO_DATE)
			result.outcome = STANCE_SYNC_MERGED;
	} else {
		error = stance_sync_run(&result, repo, p.nrest ? p.rest[0] : NULL, &opts);
	}
	sync_ui_progress_end(&bar);
	rc = sync_ui_report(ctx, "sync", &result, json, error);
done:
	sync_ui_credentials_dispose(&creds);
	stance_sync_result_clear(&result);
	stance_buf_dispose(&remote);
	return rc;
}

const cli_command cmd_sync_entry = {
	.name = "sync",
	.usage = "[REMOTE] | --continue [--ours|--theirs] | --abort",
	.options = sync_options,
	.summary = "Pull, then push; merges documents and never loses a revision.",
	.needs_repo = 1,
	.run = run_sync,
};
