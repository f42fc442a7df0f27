/*
 * main.c: the stance command: global options, the command table and dispatch.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "manpage.h"

#define DECLARE(name) extern const cli_command cmd_##name##_entry;
#define DECLARE_WEB(name, summary) DECLARE(name)
CLI_COMMANDS(DECLARE, DECLARE_WEB)

/* Every command, in the order `stance help` lists them (commands.h). */
#define ENTRY(name) &cmd_##name##_entry,
#define ENTRY_WEB(name, summary) ENTRY(name)
const cli_command *const cli_commands[] = {
	CLI_COMMANDS(ENTRY, ENTRY_WEB)
	NULL
};

/* The web commands' summaries, which their entries in stance-web leave to
 * commands.h. */
#define SUMMARY(name)
#define SUMMARY_WEB(name, summary) { #name, summary },
static const struct { const char *name, *summary; } web_summaries[] = {
	CLI_COMMANDS(SUMMARY, SUMMARY_WEB)
};

const char *cli_summary(const cli_command *cmd)
{
	size_t i;
	if (cmd->summary)
		return cmd->summary;
	for (i = 0; i < STANCE_ARRAY_SIZE(web_summaries); i++)
		if (!strcmp(web_summaries[i].name, cmd->name))
			return web_summaries[i].summary;
	return "";
}

const cli_command *cli_find_command(const char *name)
{
	size_t i;
	for (i = 0; cli_commands[i]; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}

int cli_fail(int error)
{
	const char *msg = stance_error_last();
	(void)error;
	fprintf(stderr, "stance: %s\n", *msg ? msg : "unknown error");
	return CLI_ERROR;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("stance: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERROR;
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "stance %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_opt_print_usage(stderr, cmd);
	return CLI_USAGE;
}

int cli_help(const cli_command *cmd)
{
	cli_opt_print_help(stdout, cmd);
	return CLI_OK;
}

/* As git's help_unknown_cmd(): every command scored by the edit distance
 * (swap 0, substitution 2, insertion 1, deletion 3), one that starts with
 * what was typed scoring best; the best ones are named when they score
 * under 7. */
int cli_unknown_command(const char *name)
{
	int score[64], best = -1;
	size_t i, n = 0, shown = 0;
	for (i = 0; cli_commands[i] && i < STANCE_ARRAY_SIZE(score); i++) {
		const char *c = cli_commands[i]->name;
		score[i] = *name && !strncmp(c, name, strlen(name)) ? 0 : cli_levenshtein(name, c, 0, 2, 1, 3) + 1;
		if (score[i] > 0 && (best < 0 || score[i] < best))
			best = score[i];
		else if (score[i] == 0)
			best = 0;
	}
	for (i = 0; cli_commands[i] && i < STANCE_ARRAY_SIZE(score); i++)
		n += score[i] == best;
	if (!*name || best < 0 || best >= 7) {
		fprintf(stderr, "stance: '%s' is not a stance command; see 'stance help'\n", name);
		return CLI_USAGE;
	}
	fprintf(stderr, "stance: '%s' is not a stance command. Did you mean ", name);
	for (i = 0; cli_commands[i] && i < STANCE_ARRAY_SIZE(score); i++) {
		if (score[i] != best)
			continue;
		shown++;
		fprintf(stderr, "%s'%s'", shown == 1 ? "" : shown == n ? " or " : ", ", cli_commands[i]->name);
	}
	fputs("?\n", stderr);
	return CLI_USAGE;
}

int cli_color_mode_parse(const char *when)
{
	if (!when || !strcmp(when, "always"))
		return 1;
	if (!strcmp(when, "auto"))
		return -1;
	if (!strcmp(when, "never"))
		return 0;
	return -2;
}

void cli_color_set(cli_context *ctx, int mode)
{
	const char *env = getenv("NO_COLOR");
	ctx->color_mode = mode;
	if (mode == -1)
		ctx->color = isatty(STDOUT_FILENO) && !(env && *env) &&
			!((env = getenv("TERM")) && !strcmp(env, "dumb"));
	else
		ctx->color = mode;
}

const char *cli_color(const cli_context *ctx, const char *code)
{
	return ctx->color ? code : "";
}

int cli_pad(const char *text, int width)
{
	int used = stance_text_width(text);
	return used >= width ? 0 : width - used;
}

int cli_parse_date(const cli_command *cmd, const char *option, const char *value, stance_date *out)
{
	if (stance_date_parse(out, value) < 0)
		return cli_usage_error(cmd, "%s: %s", option, stance_error_last());
	return 0;
}

void cli_pager_start(cli_context *ctx)
{
	const char *pager;
	FILE *p;
	if (!ctx->use_pager || !isatty(STDOUT_FILENO) || ctx->pager)
		return;
	pager = getenv("STANCE_PAGER");
	if (!pager || !*pager)
		pager = getenv("PAGER");
	if (!pager || !*pager)
		pager = "less -FRX";
	if (!strcmp(pager, "cat"))
		return;
	fflush(stdout);
	if (!(p = popen(pager, "w")))
		return;
	signal(SIGPIPE, SIG_IGN);
	ctx->pager = p;
	ctx->out = p;
}

static void pager_finish(cli_context *ctx)
{
	if (ctx->pager) {
		pclose(ctx->pager);
		ctx->pager = NULL;
		ctx->out = stdout;
	}
}

/* A command without run() lives in stance-web (commands.h): run that
 * program with this very command line. It sits beside stance in a build
 * folder, and at STANCE_WEB_RELPATH from the stance program once installed. */
static int run_in_stance_web(const cli_command *cmd, char **argv)
{
	char self[PATH_MAX], beside[PATH_MAX + 16], installed[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	if (n <= 0)
		return cli_error("'%s' runs in stance-web, and the stance program cannot find its own folder: %s",
			cmd->name, strerror(errno));
	self[n] = '\0';
	if ((slash = strrchr(self, '/')))
		*slash = '\0';
	snprintf(beside, sizeof(beside), "%s/stance-web", self);
	snprintf(installed, sizeof(installed), "%s/%s", self, STANCE_WEB_RELPATH);
	fflush(NULL);
	if (access(beside, X_OK) == 0)
		execv(beside, argv);
	else if (access(installed, X_OK) == 0)
		execv(installed, argv);
	else
		return cli_error("'%s' runs in stance-web, which is neither at %s nor at %s; reinstall stance",
			cmd->name, beside, installed);
	return cli_error("cannot run stance-web for '%s': %s", cmd->name, strerror(errno));
}

/* What the library has to tell the user (an interrupted update it
 * finished, a killed writer's lock it removed), one line each. */
static void print_notices(stance_repo *repo)
{
	stance_buf notes = STANCE_BUF_INIT;
	const char *line, *nl;
	if (stance_repo_take_notices(&notes, repo) > 0)
		for (line = notes.ptr; *line; line = nl + 1) {
			if (!(nl = strchr(line, '\n')))
				break;
			fprintf(stderr, "stance: %.*s\n", (int)(nl - line), line);
		}
	stance_buf_dispose(&notes);
}

/* The options of `stance` itself, before the command. */
enum { GLOBAL_DIR = 'C', GLOBAL_COLOR = 256, GLOBAL_NO_PAGER, GLOBAL_VERSION, GLOBAL_HELP, GLOBAL_COMPLETE };
static const cli_option global_options[] = {
	{ GLOBAL_DIR, NULL, 'C', CLI_ARG_STRING, "DIR", "run as if stance was started in DIR", 0, 0 },
	{ GLOBAL_COLOR, "color", 0, CLI_ARG_OPTIONAL, "WHEN", "colour the output: auto (on a terminal), always or never", 0, 0 },
	{ GLOBAL_NO_PAGER, "no-pager", 0, CLI_ARG_NONE, NULL, "do not page the output through less", 0, 0 },
	{ GLOBAL_VERSION, "version", 0, CLI_ARG_NONE, NULL, "print stance's version", 0, 0 },
	{ GLOBAL_HELP, "help", 'h', CLI_ARG_NONE, NULL, "list the commands", 0, 0 },
	/* the words the bash completion offers (completion/stance.bash) */
	{ GLOBAL_COMPLETE, "complete", 0, CLI_ARG_NONE, NULL, NULL, 0, 0 },
	CLI_OPTIONS_END
};

static int print_main_help(void)
{
	size_t i;
	printf("usage: stance [-C DIR] [--color[=auto|always|never]] [--no-pager] COMMAND [ARGS]\n\n"
		"Keep policy documents as versioned Markdown in git and see how their positions changed.\n\n"
		"Commands:\n");
	for (i = 0; cli_commands[i]; i++)
		printf("  %-12s %s\n", cli_commands[i]->name, cli_summary(cli_commands[i]));
	printf("\n'stance help COMMAND' or 'stance COMMAND --help' tells more about one.\n");
	return CLI_OK;
}

/* `stance --complete [COMMAND]`: the commands and stance's own options, or
 * the options of COMMAND, one a line (a web command's, from stance-web). */
static int print_completion(const cli_command *cmd, char **argv)
{
	size_t i;
	if (!cmd) {
		for (i = 0; cli_commands[i]; i++)
			printf("%s\n", cli_commands[i]->name);
		cli_opt_print_words(stdout, global_options, 0);
		return CLI_OK;
	}
	if (!cmd->run)
		return run_in_stance_web(cmd, argv);
	cli_opt_print_words(stdout, cmd->options, !cmd->raw_args);
	return CLI_OK;
}

static int run_help(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	const cli_command *cmd;
	cli_opt_parser p;
	int c;
	(void)repo;
	cli_opt_init(&p, &cmd_help_entry, ctx, argc, argv);
	while ((c = cli_opt_next(&p)) > 0)
		;
	if (c < 0)
		return cli_opt_exit(c);
	if (p.nrest < 1)
		return print_main_help();
	if (p.nrest > 1)
		return cli_usage_error(&cmd_help_entry, "name one command");
	if (!(cmd = cli_find_command(p.rest[0])))
		return cli_unknown_command(p.rest[0]);
	cli_show_manpage(cmd->name); /* returns only when there is no page or no man */
	if (!cmd->run) {
		/* its options are known to stance-web */
		char *web_argv[] = { (char *)"stance", p.rest[0], (char *)"--help", NULL };
		return run_in_stance_web(cmd, web_argv);
	}
	return cli_help(cmd);
}

const cli_command cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "Show the commands, or the options of one.",
	.needs_repo = 0,
	.run = run_help,
};

/* The environment the library does not read, handed to it once. */
static int apply_environment(void)
{
	stance_process_settings settings = STANCE_PROCESS_SETTINGS_INIT;
	const char *timeout = getenv("STANCE_LOCK_TIMEOUT_MS"), *index = getenv("GIT_INDEX_FILE");
	long ms;
	if (timeout && stance_parse_int(&ms, timeout, 0, 600000) == 0)
		settings.lock_timeout_ms = (int)ms;
	settings.author_name = getenv("GIT_AUTHOR_NAME");
	settings.author_email = getenv("GIT_AUTHOR_EMAIL");
	settings.git_holds_index = index && *index;
	settings.index_file = index;
	if (stance_process_settings_set(&settings) < 0) {
		fprintf(stderr, "stance: out of memory\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	cli_context ctx = { .color_mode = -1, .use_pager = 1, .cwd = ".", .out = stdout };
	const cli_command *cmd;
	stance_repo *repo = NULL;
	char recover_error[1024] = "";
	cli_opt_parser p;
	int i, c, rc, error, complete = 0;

	/* stance's own options end at the command; argv stays as it is, for
	 * stance-web to read it again */
	if (apply_environment() < 0)
		return CLI_ERROR;
	cli_opt_init_table(&p, "stance", global_options, argc, argv);
	p.stop_at_operand = 1;
	p.keep_argv = 1;
	while ((c = cli_opt_next(&p)) > 0) {
		switch (c) {
		case GLOBAL_DIR: ctx.cwd = p.value; break;
		case GLOBAL_COLOR:
			if ((ctx.color_mode = cli_color_mode_parse(p.value)) == -2) {
				fprintf(stderr, "stance: option '--color' takes auto, always or never, not '%s'\n", p.value);
				return CLI_USAGE;
			}
			break;
		case GLOBAL_NO_PAGER: ctx.use_pager = 0; break;
		case GLOBAL_VERSION:
			printf("stance %s\n", STANCE_VERSION);
			return CLI_OK;
		case GLOBAL_HELP: return print_main_help();
		case GLOBAL_COMPLETE: complete = 1; break;
		}
	}
	if (c < 0)
		return cli_opt_exit(c);
	i = argc - p.nrest;
	if (i >= argc) {
		if (complete)
			return print_completion(NULL, argv);
		print_main_help();
		return CLI_USAGE;
	}
	if (!(cmd = cli_find_command(argv[i])))
		return complete ? CLI_OK : cli_unknown_command(argv[i]);
	if (complete)
		return print_completion(cmd, argv);
	if (!cmd->run)
		return run_in_stance_web(cmd, argv);
	/* As git does: -C changes folder first, so every path argument is
	 * read relative to DIR. */
	if (strcmp(ctx.cwd, ".") != 0) {
		if (chdir(ctx.cwd) != 0) {
			fprintf(stderr, "stance: -C %s: cannot change to that folder: %s\n", ctx.cwd, strerror(errno));
			return CLI_ERROR;
		}
		ctx.cwd = ".";
	}
	cli_color_set(&ctx, ctx.color_mode);

	/* The options are read once before the repository is opened, so that
	 * --help and a bad option are answered anywhere; git's difftool
	 * arguments are not options (but for a lone --help). */
	if (!cmd->raw_args) {
		if ((c = cli_opt_check(cmd, &ctx, argc - i, argv + i)) < 0)
			return cli_opt_exit(c);
	} else if (argc - i == 2 && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h"))) {
		return cli_help(cmd);
	}
	if (cmd->check_operands && (rc = cmd->check_operands(argc - i, argv + i)) != CLI_OK)
		return rc;
	if (cmd->needs_repo && (error = stance_repo_open(&repo, ctx.cwd)) < 0)
		return cli_fail(error);
	if (repo) {
		/* an update a killed stance left unfinished is finished first,
		 * before the command reads the working folder; should that fail,
		 * a writer fails with the reason when it takes the lock, and a
		 * command that succeeds without the lock says it as a warning */
		stance_repo_set_command(repo, cmd->name);
		if (stance_repo_recover(repo) < 0)
			snprintf(recover_error, sizeof(recover_error), "%s", stance_error_last());
		print_notices(repo);
	}
	rc = cmd->run(&ctx, repo, argc - i, argv + i);
	fflush(ctx.out);
	pager_finish(&ctx);
	if (repo)
		print_notices(repo);
	if (*recover_error && rc == CLI_OK)
		fprintf(stderr, "stance: warning: %s\n", recover_error);
	stance_repo_free(repo);
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, "stance: cannot write the output: %s\n", strerror(errno));
		return CLI_ERROR;
	}
	return rc;
}
