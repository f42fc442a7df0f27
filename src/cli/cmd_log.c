/*
 * cmd_log.c: `stance log [DOC]`: revisions, newest first, with the words
 * each one added and removed; -S and -G (log_pickaxe.c) keep those that
 * changed a phrase or a pattern.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "table.h"
#include "log_pickaxe.h"

extern const cli_command cmd_log_entry;

static void format_time(stance_buf *out, int64_t t, int tz)
{
	stance_date d;
	stance_date_from_time(&d, t, tz);
	d.precision = STANCE_DATE_MINUTE;
	stance_date_format(out, &d);
}

enum { LOG_OPT_POSITIONS = 256 };

static const cli_option log_options[] = {
	CLI_OPTION_MAX_COUNT("show at most N revisions"),
	CLI_OPTION_SINCE("revisions"),
	CLI_OPTION_UNTIL("revisions"),
	{ 'a', "all", 0, CLI_ARG_NONE, NULL, "also list 'Re-extract' commits", 0, 0 },
	{ 'S', NULL, 'S', CLI_ARG_STRING, "TEXT", "only revisions that changed how often TEXT occurs, as words", 0, 0 },
	{ 'G', NULL, 'G', CLI_ARG_STRING, "REGEX", "only revisions that changed the sentences matching REGEX", 0, 0 },
	{ LOG_OPT_POSITIONS, "positions", 0, CLI_ARG_NONE, NULL, "-S, -G: look only at position statements", 0, 0 },
	CLI_OPTION_JSON,
	CLI_OPTIONS_END
};

static int run_log(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	stance_history_options opts = STANCE_HISTORY_OPTIONS_INIT;
	stance_revision_list list = { NULL, 0 };
	stance_buf id = STANCE_BUF_INIT, line = STANCE_BUF_INIT;
	cli_opt_parser p;
	cli_table *table = NULL;
	log_pickaxe pick = LOG_PICKAXE_INIT;
	stance_revcache *words = NULL;
	size_t i, shown = 0, max_count;
	int c, error, json = 0, rc = CLI_OK;

	cli_opt_init(&p, &cmd_log_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case CLI_OPT_SINCE: opts.since = stance_date_start(&p.date); break;
		case CLI_OPT_UNTIL: opts.until = stance_date_end(&p.date); break;
		case CLI_OPT_MAX_COUNT: opts.max_count = (size_t)p.number; break;
		case CLI_OPT_JSON: json = 1; break;
		case 'a': opts.include_reextract = 1; break;
		case 'S': case 'G': case LOG_OPT_POSITIONS: log_pickaxe_option(&pick, c, p.value); break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	if ((rc = log_pickaxe_start(&pick, &cmd_log_entry, repo)) != CLI_OK)
		goto done;
	if (p.nrest > 1 && !pick.pk) {
		rc = cli_usage_error(&cmd_log_entry, "name at most one document (or several with -S or -G)");
		goto done;
	}
	if (p.nrest > 1 && (rc = log_pickaxe_documents(&pick, repo, p.nrest, p.rest)) != CLI_OK)
		goto done;
	if (p.nrest == 1) {
		/* a removed document's history too */
		if ((error = stance_history_resolve_id(&id, repo, p.rest[0])) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		opts.id = id.ptr;
	}
	/* -n counts the revisions shown, after -S or -G */
	max_count = opts.max_count;
	if (pick.pk) {
		opts.max_count = 0;
		/* of all revisions few are shown: their commits are read then */
		opts.table_only = 1;
	}
	if ((error = stance_history_list(&list, repo, &opts)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	/* commit, date, author, subject, +added -removed; the author and the
	 * subject cut with "…" past their width */
	if (!json && (!(table = cli_table_new(6, "  ", NULL)) || cli_table_separate(table, 5, " ") < 0)) {
		rc = cli_error("out of memory");
		goto done;
	}
	/* words added and removed, computed once a revision (.git/stance-cache/words) */
	if ((error = stance_revcache_open(&words, repo, NULL)) < 0) {
		rc = cli_fail(error);
		goto done;
	}
	cli_table_limit(table, 2, 24);
	cli_table_limit(table, 3, 60);
	cli_table_align_right(table, 4);
	cli_table_align_right(table, 5);
	cli_pager_start(ctx);
	if (json)
		fputs("[", ctx->out);
	for (i = 0; i < list.count && (!max_count || shown < max_count); i++) {
		stance_revision *r = &list.items[i];
		size_t added = 0, removed = 0, sublen;
		int hit = log_pickaxe_match(&pick, repo, r);
		if (hit < 0) {
			rc = cli_fail(hit);
			goto done;
		}
		if (!hit)
			continue;
		if ((error = stance_history_revision_commit(r, repo)) < 0) {
			rc = cli_fail(error);
			goto done;
		}
		sublen = strcspn(r->message, "\n");
		shown++;
		/* computed once a revision (the bodies only: a title or an author
		 * is not words of the text); with -S, when not yet, from the search
		 * index's blocks if it has both texts */
		error = stance_revcache_words_with(&added, &removed, words, r->prev_blob, r->blob,
			log_pickaxe_words, &pick);
		if (error < 0) {
			rc = cli_fail(error);
			goto done;
		}
		stance_buf_clear(&line);
		format_time(&line, r->time, r->tz_minutes);
		if (json) {
			stance_buf date = line;
			line = (stance_buf)STANCE_BUF_INIT;
			stance_buf_puts(&line, shown > 1 ? ",\n  " : "\n  ");
			error = cli_json_append(&line, log_pickaxe_json(&pick, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:b}",
				"commit", cli_json_str(r->commit), "id", cli_json_str(r->id),
				"date", cli_json_time(r->time, r->tz_minutes), "author", cli_json_str(r->author_name),
				"email", cli_json_str(r->author_email), "message", cli_json_message(r->message),
				"words_added", (json_int_t)added, "words_removed", (json_int_t)removed,
				"removed", r->removed)), CLI_JSON_SPACED);
			stance_buf_dispose(&date);
			if (error < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
			fputs(line.ptr, ctx->out);
			continue;
		}
		if (pick.pk) {
			/* -S/-G: each revision's line, then its matching sentences */
			fprintf(ctx->out, "%s%.7s%s %s  %s%*s %.*s  %s+%zu%s %s-%zu%s\n",
				cli_color(ctx, "\033[33m"), r->commit, cli_color(ctx, "\033[0m"),
				line.ptr, r->author_name, cli_pad(r->author_name, 24), "", (int)sublen, r->message,
				cli_color(ctx, "\033[32m"), added, cli_color(ctx, "\033[0m"),
				cli_color(ctx, "\033[31m"), removed, cli_color(ctx, "\033[0m"));
			log_pickaxe_print(&pick, ctx);
			continue;
		}
		{
			char subject[512];
			snprintf(subject, sizeof(subject), "%.*s", (int)sublen, r->message);
			if (cli_table_row(table) < 0 || cli_table_cellf(table, "\033[33m", "%.7s", r->commit) < 0 ||
			    cli_table_cell(table, line.ptr, NULL) < 0 || cli_table_cell(table, r->author_name, NULL) < 0 ||
			    cli_table_cell(table, subject, NULL) < 0 ||
			    cli_table_cellf(table, "\033[32m", "+%zu", added) < 0 ||
			    cli_table_cellf(table, "\033[31m", "-%zu", removed) < 0) {
				rc = cli_error("out of memory");
				goto done;
			}
		}
	}
	if (json)
		fputs(shown ? "\n]\n" : "]\n", ctx->out);
	else if (!pick.pk)
		cli_table_print(table, ctx);
done:
	stance_revcache_close(words);
	cli_table_free(table);
	log_pickaxe_dispose(&pick);
	stance_revision_list_free(&list);
	stance_buf_dispose(&id);
	stance_buf_dispose(&line);
	return rc;
}

const cli_command cmd_log_entry = {
	.name = "log",
	.usage = "[DOC]",
	.summary = "List revisions, newest first, with date, author, message and words added/removed.",
	.options = log_options,
	.needs_repo = 1,
	.run = run_log,
};
