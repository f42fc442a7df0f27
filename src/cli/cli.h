/*
 * cli.h: what every command of the stance tool shares: its descriptor, the
 * run context (colour, pager) and helpers to report errors and usage.
 */
#ifndef STANCE_CLI_H
#define STANCE_CLI_H

#include <stdio.h>

#include "stance.h"
#include "options.h"

/* Exit codes, as git's: 0 ok, 1 error, 2 usage. */
enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

typedef struct cli_context {
	int color;            /* 1 when output may carry ANSI colour */
	int color_mode;       /* -1 auto, 0 never, 1 always */
	int use_pager;        /* 0 after --no-pager */
	const char *cwd;      /* -C DIR, or "." */
	FILE *out;            /* standard output, or the pager's pipe */
	FILE *pager;          /* the pager pipe, when one was started */
} cli_context;

typedef struct cli_command {
	const char *name;
	const char *usage;    /* the operands, after "stance NAME [OPTIONS] " */
	const char *summary;  /* one line */
	const cli_option *options; /* the command's option table (options.h) */
	int needs_repo;       /* 1: run() gets an opened repository */
	int options_first;    /* 1: the first operand ends the options (subcommands) */
	int raw_args;         /* 1: git's fixed arguments, no options read */
	/* NULL, or checks the operands before the repository is opened, so a
	 * usage error is one anywhere (a missing subcommand); returns CLI_OK
	 * or what cli_usage_error() returned */
	int (*check_operands)(int argc, char **argv);
	/* NULL: the command runs in stance-web (commands.h) */
	int (*run)(cli_context *ctx, stance_repo *repo, int argc, char **argv);
} cli_command;

/* The table of commands, in main.c. */
extern const cli_command *const cli_commands[];
const cli_command *cli_find_command(const char *name);

/* Prints "stance: <message of the last library error>" and returns CLI_ERROR. */
int cli_fail(int error);
/* Prints "stance: <formatted>" and returns CLI_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "stance: 'NAME' is not a stance command", with git's suggestion of
 * the nearest commands, and returns CLI_USAGE. */
int cli_unknown_command(const char *name);

/* --color's WHEN: 1 always (also NULL, for --color alone), -1 auto, 0
 * never; -2 when it is none of these. */
int cli_color_mode_parse(const char *when);
/* Sets the colour mode and whether the output is coloured. */
void cli_color_set(cli_context *ctx, int mode);

/* Prints "stance NAME: <formatted>" and the usage line; returns CLI_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the command's help page (from its option table) to stdout; returns CLI_OK. */
int cli_help(const cli_command *cmd);

/* Starts the pager when standard output is a terminal and paging is on. */
void cli_pager_start(cli_context *ctx);
/* ANSI colour code when ctx->color, "" otherwise. */
const char *cli_color(const cli_context *ctx, const char *code);

/* Spaces needed after `text` to fill `width` terminal columns (0 when it is
 * wider): counts characters by their display width, not bytes. */
int cli_pad(const char *text, int width);


/* Parses a document's date given as an option value ("--published
 * 2020-12-04", stance_date_parse()); prints a usage error naming the option
 * and returns CLI_USAGE on failure, 0 on success. */
int cli_parse_date(const cli_command *cmd, const char *option, const char *value, stance_date *out);

/* The command's summary: its own, or a web command's from commands.h. */
const char *cli_summary(const cli_command *cmd);

#endif
