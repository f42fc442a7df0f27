/*
 * options.h: the one option parser of the stance tool. Each command keeps a
 * table of its options beside its code (cli_command.options); the parser
 * reads the command line from it, and the same table prints the command's
 * --help, its usage line and the words of the bash completion. As git's
 * parse-options: one message for a bad option, naming the command and the
 * option, and exit code 2.
 */
#ifndef STANCE_CLI_OPTIONS_H
#define STANCE_CLI_OPTIONS_H

#include <stdio.h>

#include "stance.h"

struct cli_command;
struct cli_context;

typedef enum {
	CLI_ARG_NONE = 0,  /* a switch: --json */
	CLI_ARG_STRING,    /* --kind K, --kind=K, -m MESSAGE, -mMESSAGE */
	CLI_ARG_NUMBER,    /* a whole number from min to max: -n 5 */
	CLI_ARG_DATE,      /* a date as stance_date_parse_approx() reads it */
	CLI_ARG_OPTIONAL   /* a value only as --name=VALUE: --color[=WHEN] */
} cli_arg_kind;

typedef struct cli_option {
	int id;                 /* what cli_opt_next() returns: the short letter, or an id >= 256 */
	const char *long_name;  /* without "--"; NULL for a short option alone */
	char short_name;        /* 0 when there is none */
	cli_arg_kind arg;
	const char *value_name; /* the value in the help: "N", "DATE", "FORMAT" */
	const char *help;       /* one line; NULL hides the option from the help */
	long min, max;          /* CLI_ARG_NUMBER's range */
} cli_option;

/* Ids of the options that mean the same in every command. */
enum {
	CLI_OPT_JSON = 1000,
	CLI_OPT_SINCE,
	CLI_OPT_UNTIL,
	CLI_OPT_QUIET,
	CLI_OPT_NO_PROGRESS,
	CLI_OPT_MAX_COUNT,
	CLI_OPT_HELP,
	CLI_OPT_COLOR
};

/* The shared options, to put in a command's table. */
#define CLI_OPTION_JSON { CLI_OPT_JSON, "json", 0, CLI_ARG_NONE, NULL, "print JSON instead of text", 0, 0 }
#define CLI_OPTION_SINCE(what) \
	{ CLI_OPT_SINCE, "since", 0, CLI_ARG_DATE, "DATE", what " from DATE on (2024-03-01, 2024-03, yesterday, 2 weeks ago)", 0, 0 }
#define CLI_OPTION_UNTIL(what) \
	{ CLI_OPT_UNTIL, "until", 0, CLI_ARG_DATE, "DATE", what " up to the end of DATE", 0, 0 }
#define CLI_OPTION_QUIET(what) { CLI_OPT_QUIET, "quiet", 'q', CLI_ARG_NONE, NULL, what, 0, 0 }
#define CLI_OPTION_NO_PROGRESS \
	{ CLI_OPT_NO_PROGRESS, "no-progress", 0, CLI_ARG_NONE, NULL, "draw no progress bar on a terminal", 0, 0 }
#define CLI_OPTION_MAX_COUNT(what) \
	{ CLI_OPT_MAX_COUNT, "max-count", 'n', CLI_ARG_NUMBER, "N", what, 1, 1L << 30 }
#define CLI_OPTIONS_END { 0, NULL, 0, CLI_ARG_NONE, NULL, NULL, 0, 0 }

/* What cli_opt_next() returns besides an option's id. */
enum {
	CLI_OPT_DONE = 0,     /* no more options: the operands are in rest/nrest */
	CLI_OPT_FAILED = -1,  /* a bad option, its one message printed: exit 2 */
	CLI_OPT_SHOWN = -2    /* --help printed: exit 0 */
};

typedef struct {
	const char *name;              /* for messages: "stance log" */
	const cli_option *table;
	const struct cli_command *cmd; /* whose help -h prints; NULL: none */
	struct cli_context *ctx;       /* --color sets its colour; may be NULL */
	int argc;
	char **argv;
	int index;                     /* the next argv[] to read */
	const char *bundle;            /* the rest of "-abc" after "-a" */
	int stop_at_operand;           /* 1: the first operand ends the options */
	int keep_argv;                 /* 1: argv is left as it is (rest is not filled) */
	int after_dashdash;
	/* the option just returned */
	const cli_option *opt;
	const char *spelled;           /* as the user wrote it: "-n", "--since" */
	const char *value;             /* its value, NULL for a switch */
	long number;                   /* CLI_ARG_NUMBER's value */
	stance_date date;              /* CLI_ARG_DATE's value */
	/* the operands, in order, once cli_opt_next() returned CLI_OPT_DONE */
	char **rest;
	int nrest;
	char spelled_buf[64];
} cli_opt_parser;

/* Starts reading the options of `cmd` in argv[1..argc) (argv[0] is the
 * command's name). Operands may come between options, as with getopt_long,
 * unless the command wants its options first (cli_command.options_first);
 * "--" ends the options. */
void cli_opt_init(cli_opt_parser *p, const struct cli_command *cmd, struct cli_context *ctx,
	int argc, char **argv);

/* The same over any table (the global options of `stance`), with `name` in
 * its messages. */
void cli_opt_init_table(cli_opt_parser *p, const char *name, const cli_option *table,
	int argc, char **argv);

/* The next option's id, or CLI_OPT_DONE, CLI_OPT_FAILED, CLI_OPT_SHOWN.
 * --help (-h) and --color[=WHEN] are every command's and handled here. On
 * CLI_OPT_DONE argv[1..] has the operands first: p->rest[0..p->nrest). */
int cli_opt_next(cli_opt_parser *p);

/* The exit code for a negative cli_opt_next() result: 2, or 0 after --help. */
int cli_opt_exit(int result);

/* Reads the whole command line of `cmd` without changing it: CLI_OPT_DONE,
 * or as cli_opt_next() after a bad option or --help. */
int cli_opt_check(const struct cli_command *cmd, struct cli_context *ctx, int argc, char **argv);

/* "stance NAME [OPTIONS] USAGE" (with its "or:" lines) to `out`. */
void cli_opt_print_usage(FILE *out, const struct cli_command *cmd);

/* The whole --help of `cmd` from its table, to `out`. */
void cli_opt_print_help(FILE *out, const struct cli_command *cmd);

/* The options of a table for the shell's completion, one word a line. */
void cli_opt_print_words(FILE *out, const cli_option *table, int with_common);

/* git's edit distance for "did you mean": swaps cost `w`, substitutions
 * `s`, insertions `a`, deletions `d`. */
int cli_levenshtein(const char *from, const char *to, int w, int s, int a, int d);

#endif
