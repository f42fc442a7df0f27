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
#include "manpage.h"

extern const cli_command cmd_init_entry, cmd_add_entry, cmd_list_entry, cmd_show_entry,
	cmd_log_entry, cmd_check_entry, cmd_help_entry;
extern const cli_command cmd_extract_entry, cmd_source_entry, cmd_fetch_entry, cmd_reextract_entry;
extern const cli_command cmd_clone_entry, cmd_remote_entry, cmd_pull_entry, cmd_push_entry, cmd_sync_entry;
extern const cli_command cmd_diff_entry, cmd_difftool_entry, cmd_positions_entry;
extern const cli_command cmd_import_entry;

/* Every command, in the order `stance help` lists them. */
const cli_command *const cli_commands[] = {
	&cmd_init_entry,
	&cmd_add_entry,
	&cmd_import_entry,
	&cmd_list_entry,
	&cmd_show_entry,
	&cmd_log_entry,
	&cmd_check_entry,
	&cmd_extract_entry,
	&cmd_source_entry,
	&cmd_fetch_entry,
	&cmd_reextract_entry,
	&cmd_clone_entry, &cmd_remote_entry, &cmd_pull_entry, &cmd_push_entry, &cmd_sync_entry,
	&cmd_diff_entry, &cmd_difftool_entry, &cmd_positions_entry,
	&cmd_help_entry,
	NULL
};

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
	fprintf(stderr, "\nusage: stance %s %s\n", cmd->name, cmd->usage);
	return CLI_USAGE;
}

int cli_help(const cli_command *cmd)
{
	printf("usage: stance %s %s\n\n%s\n\nSee docs/commands/%s.md for the whole page.\n",
		cmd->name, cmd->usage, cmd->summary, cmd->name);
	return CLI_OK;
}

const char *cli_color(const cli_context *ctx, const char *code)
{
	return ctx->color ? code : "";
}

void cli_put_json(FILE *out, const char *s)
{
	stance_buf b = STANCE_BUF_INIT;
	if (stance_buf_put_json_string(&b, s ? s : "") == 0)
		fwrite(b.ptr, 1, b.size, out);
	stance_buf_dispose(&b);
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

/* A command without run() lives in stance-web (web_commands.h): run that
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

static int print_main_help(void)
{
	size_t i;
	printf("usage: stance [-C DIR] [--color=auto|always|never] [--no-pager] COMMAND [ARGS]\n\n"
		"Keep policy documents as versioned Markdown in git and see how their positions changed.\n\n"
		"Commands:\n");
	for (i = 0; cli_commands[i]; i++)
		printf("  %-12s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	printf("\n'stance help COMMAND' or 'stance COMMAND --help' tells more about one.\n");
	return CLI_OK;
}

static int run_help(cli_context *ctx, stance_repo *repo, int argc, char **argv)
{
	const cli_command *cmd;
	(void)ctx; (void)repo;
	if (argc < 2)
		return print_main_help();
	if (!(cmd = cli_find_command(argv[1])))
		return cli_error("'%s' is not a stance command; see 'stance help'", argv[1]);
	cli_show_manpage(cmd->name); /* returns only when there is no page or no man */
	return cli_help(cmd);
}

const cli_command cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "Show the commands, or the usage of one.",
	.needs_repo = 0,
	.run = run_help,
};

int main(int argc, char **argv)
{
	cli_context ctx = { .color_mode = -1, .use_pager = 1, .cwd = ".", .out = stdout };
	const cli_command *cmd;
	stance_repo *repo = NULL;
	char recover_error[1024] = "";
	const char *env;
	int i = 1, rc, error;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-C")) {
			if (++i >= argc) {
				fprintf(stderr, "stance: -C needs a folder\n");
				return CLI_USAGE;
			}
			ctx.cwd = argv[i];
		} else if (!strncmp(a, "--color=", 8) || !strcmp(a, "--color")) {
			const char *v = a[7] == '=' ? a + 8 : "always";
			if (!strcmp(v, "auto")) ctx.color_mode = -1;
			else if (!strcmp(v, "always")) ctx.color_mode = 1;
			else if (!strcmp(v, "never")) ctx.color_mode = 0;
			else {
				fprintf(stderr, "stance: --color takes auto, always or never, not '%s'\n", v);
				return CLI_USAGE;
			}
		} else if (!strcmp(a, "--no-pager")) {
			ctx.use_pager = 0;
		} else if (!strcmp(a, "--version")) {
			printf("stance %s\n", STANCE_VERSION);
			return CLI_OK;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			return print_main_help();
		} else {
			fprintf(stderr, "stance: unknown option '%s'; see 'stance help'\n", a);
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		print_main_help();
		return CLI_USAGE;
	}
	if (!(cmd = cli_find_command(argv[i]))) {
		fprintf(stderr, "stance: '%s' is not a stance command; see 'stance help'\n", argv[i]);
		return CLI_USAGE;
	}
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
	env = getenv("NO_COLOR");
	if (ctx.color_mode == -1)
		ctx.color = isatty(STDOUT_FILENO) && !(env && *env) &&
			!((env = getenv("TERM")) && !strcmp(env, "dumb"));
	else
		ctx.color = ctx.color_mode;

	/* Let every command answer --help before it needs a repository. */
	for (int j = i + 1; j < argc; j++) {
		if (!strcmp(argv[j], "--"))
			break;
		if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h"))
			return cli_help(cmd);
	}
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
	optind = 0; /* each command runs getopt_long from the start of its own argv */
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
