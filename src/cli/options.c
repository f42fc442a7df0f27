/*
 * options.c: the option parser, the --help printer and the completion words
 * of the stance tool, all read from the commands' option tables (options.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Every command's own: -h/--help, --color[=WHEN]. */
static const cli_option common_options[] = {
	{ CLI_OPT_COLOR, "color", 0, CLI_ARG_OPTIONAL, "WHEN",
		"colour the output: auto (on a terminal), always or never", 0, 0 },
	{ CLI_OPT_HELP, "help", 'h', CLI_ARG_NONE, NULL, "show this help", 0, 0 },
	CLI_OPTIONS_END
};

void cli_opt_init_table(cli_opt_parser *p, const char *name, const cli_option *table,
	int argc, char **argv)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->table = table;
	p->argc = argc;
	p->argv = argv;
	p->index = 1;
	p->rest = argv + 1;
}

void cli_opt_init(cli_opt_parser *p, const cli_command *cmd, cli_context *ctx, int argc, char **argv)
{
	static char name[64];
	snprintf(name, sizeof(name), "stance %s", cmd->name);
	cli_opt_init_table(p, name, cmd->options, argc, argv);
	p->cmd = cmd;
	p->ctx = ctx;
	p->stop_at_operand = cmd->options_first;
}

/* The one message of a bad option: "stance log: <formatted>". */
static int fail(cli_opt_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(cli_opt_parser *p, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", p->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_OPT_FAILED;
}

static const cli_option *find_long(const cli_option *table, const char *name, size_t len)
{
	for (; table && (table->long_name || table->short_name); table++)
		if (table->long_name && strlen(table->long_name) == len && !strncmp(table->long_name, name, len))
			return table;
	return NULL;
}

static const cli_option *find_short(const cli_option *table, char c)
{
	for (; table && (table->long_name || table->short_name); table++)
		if (table->short_name == c)
			return table;
	return NULL;
}

static const char *kind_word(cli_arg_kind kind)
{
	switch (kind) {
	case CLI_ARG_NUMBER: return "a number";
	case CLI_ARG_DATE: return "a date";
	default: return "a value";
	}
}

/* Checks and converts the value of the option just read. */
static int take_value(cli_opt_parser *p)
{
	const cli_option *o = p->opt;
	if (o->arg == CLI_ARG_NUMBER) {
		if (stance_parse_int(&p->number, p->value, o->min, o->max) < 0) {
			return fail(p, "option '%s' takes a number from %ld to %ld, not '%s'",
				p->spelled, o->min, o->max, p->value);
		}
	} else if (o->arg == CLI_ARG_DATE) {
		if (stance_date_parse_approx(&p->date, p->value, (int64_t)time(NULL)) < 0)
			return fail(p, "option '%s': %s", p->spelled, stance_error_last());
	}
	return 0;
}

/* What every command's parser does itself: --help and --color. */
static int common(cli_opt_parser *p)
{
	int mode;
	if (p->opt->id == CLI_OPT_HELP) {
		if (p->cmd)
			cli_opt_print_help(stdout, p->cmd);
		return CLI_OPT_SHOWN;
	}
	if (p->opt->id == CLI_OPT_COLOR) {
		if ((mode = cli_color_mode_parse(p->value)) == -2)
			return fail(p, "option '--color' takes auto, always or never, not '%s'", p->value);
		if (p->ctx)
			cli_color_set(p->ctx, mode);
		return 1;
	}
	return 0;
}

/* The operand argv[p->index] goes to the operands. */
static void keep_operand(cli_opt_parser *p)
{
	if (!p->keep_argv)
		p->rest[p->nrest] = p->argv[p->index];
	p->nrest++;
	p->index++;
}

static int next_short(cli_opt_parser *p)
{
	char c = *p->bundle++;
	const cli_option *o = find_short(p->table, c);
	if (!o && p->cmd)
		o = find_short(common_options, c);
	snprintf(p->spelled_buf, sizeof(p->spelled_buf), "-%c", c);
	p->spelled = p->spelled_buf;
	if (!o) {
		p->bundle = NULL;
		return fail(p, "unknown option '%s'", p->spelled);
	}
	p->opt = o;
	p->value = NULL;
	if (o->arg != CLI_ARG_NONE && o->arg != CLI_ARG_OPTIONAL) {
		if (*p->bundle) {
			p->value = p->bundle;
		} else if (p->index < p->argc) {
			p->value = p->argv[p->index++];
		} else {
			p->bundle = NULL;
			return fail(p, "option '%s' needs %s", p->spelled, kind_word(o->arg));
		}
		p->bundle = NULL;
		if (take_value(p) < 0)
			return CLI_OPT_FAILED;
	}
	if (p->bundle && !*p->bundle)
		p->bundle = NULL;
	return o->id;
}

static int next_long(cli_opt_parser *p, const char *arg)
{
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const cli_option *o = find_long(p->table, name, len);
	if (!o && p->cmd)
		o = find_long(common_options, name, len);
	snprintf(p->spelled_buf, sizeof(p->spelled_buf), "--%.*s", (int)(len < 60 ? len : 60), name);
	p->spelled = p->spelled_buf;
	if (!o)
		return fail(p, "unknown option '%s'", p->spelled);
	p->opt = o;
	p->value = NULL;
	if (o->arg == CLI_ARG_NONE) {
		if (eq)
			return fail(p, "option '%s' takes no value", p->spelled);
		return o->id;
	}
	if (eq) {
		p->value = eq + 1;
	} else if (o->arg == CLI_ARG_OPTIONAL) {
		return o->id;
	} else if (p->index < p->argc) {
		p->value = p->argv[p->index++];
	} else {
		return fail(p, "option '%s' needs %s", p->spelled, kind_word(o->arg));
	}
	if (take_value(p) < 0)
		return CLI_OPT_FAILED;
	return o->id;
}

int cli_opt_next(cli_opt_parser *p)
{
	int c;
	for (;;) {
		const char *arg;
		if (p->bundle) {
			c = next_short(p);
		} else {
			if (p->index >= p->argc)
				return CLI_OPT_DONE;
			arg = p->argv[p->index];
			if (p->after_dashdash || arg[0] != '-' || !arg[1]) {
				keep_operand(p);
				if (p->stop_at_operand)
					p->after_dashdash = 1;
				continue;
			}
			p->index++;
			if (!strcmp(arg, "--")) {
				p->after_dashdash = 1;
				continue;
			}
			if (arg[1] == '-') {
				c = next_long(p, arg);
			} else {
				p->bundle = arg + 1;
				c = next_short(p);
			}
		}
		if (c < 0)
			return c;
		if (p->cmd && (c == CLI_OPT_HELP || c == CLI_OPT_COLOR)) {
			int r = common(p);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		return c;
	}
}

int cli_opt_exit(int result)
{
	return result == CLI_OPT_SHOWN ? CLI_OK : CLI_USAGE;
}

int cli_opt_check(const cli_command *cmd, cli_context *ctx, int argc, char **argv)
{
	cli_opt_parser p;
	int c;
	cli_opt_init(&p, cmd, ctx, argc, argv);
	p.keep_argv = 1;
	while ((c = cli_opt_next(&p)) > 0)
		;
	return c;
}

static int has_options(const cli_option *o)
{
	for (; o && (o->long_name || o->short_name); o++)
		if (o->help)
			return 1;
	return 0;
}

void cli_opt_print_usage(FILE *out, const cli_command *cmd)
{
	const char *u = cmd->usage ? cmd->usage : "";
	fprintf(out, "usage: stance %s%s%s%s\n", cmd->name, has_options(cmd->options) ? " [OPTIONS]" : "",
		*u ? " " : "", u);
}

static void print_table(FILE *out, const cli_option *o)
{
	for (; o->long_name || o->short_name; o++) {
		char left[64];
		const char *v = o->value_name ? o->value_name :
			o->arg == CLI_ARG_NUMBER ? "N" : o->arg == CLI_ARG_DATE ? "DATE" : "VALUE";
		int n = 0;
		if (!o->help)
			continue;
		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c%s", o->short_name, o->long_name ? ", " : "");
		else
			n = snprintf(left, sizeof(left), "    ");
		if (o->long_name)
			n += snprintf(left + n, sizeof(left) - (size_t)n, "--%s", o->long_name);
		if (o->arg == CLI_ARG_OPTIONAL)
			snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", v);
		else if (o->arg != CLI_ARG_NONE)
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", v);
		if (strlen(left) > 26)
			fprintf(out, "  %s\n  %-26s  %s\n", left, "", o->help);
		else
			fprintf(out, "  %-26s  %s\n", left, o->help);
	}
}

void cli_opt_print_help(FILE *out, const cli_command *cmd)
{
	cli_opt_print_usage(out, cmd);
	fprintf(out, "\n%s\n\nOptions:\n", cli_summary(cmd));
	if (cmd->options)
		print_table(out, cmd->options);
	/* git's difftool arguments are read as they come: only --help alone */
	print_table(out, cmd->raw_args ? common_options + 1 : common_options);
	fprintf(out, "\nSee docs/commands/%s.md for the whole page.\n", cmd->name);
}

static void print_words(FILE *out, const cli_option *o)
{
	for (; o && (o->long_name || o->short_name); o++) {
		if (!o->help)
			continue;
		if (o->long_name)
			fprintf(out, "--%s\n", o->long_name);
		if (o->short_name)
			fprintf(out, "-%c\n", o->short_name);
	}
}

void cli_opt_print_words(FILE *out, const cli_option *table, int with_common)
{
	print_words(out, table);
	if (with_common)
		print_words(out, common_options);
}

/* As git's levenshtein.c: the cost of turning `from` into `to`, counting a
 * swap of two neighbours apart from a substitution. Three rows suffice. */
int cli_levenshtein(const char *from, const char *to, int w, int s, int a, int d)
{
	size_t len1 = strlen(from), len2 = strlen(to), i, j;
	int *row0 = calloc(len2 + 1, sizeof(int)), *row1 = calloc(len2 + 1, sizeof(int));
	int *row2 = calloc(len2 + 1, sizeof(int)), result = -1;
	if (!row0 || !row1 || !row2)
		goto done;
	for (j = 0; j <= len2; j++)
		row1[j] = (int)j * a;
	for (i = 0; i < len1; i++) {
		int *t;
		row2[0] = (int)(i + 1) * d;
		for (j = 0; j < len2; j++) {
			row2[j + 1] = row1[j] + s * (from[i] != to[j]);                 /* substitution */
			if (i > 0 && j > 0 && from[i - 1] == to[j] && from[i] == to[j - 1] &&
			    row2[j + 1] > row0[j - 1] + w)
				row2[j + 1] = row0[j - 1] + w;                           /* swap */
			if (row2[j + 1] > row1[j + 1] + d)
				row2[j + 1] = row1[j + 1] + d;                           /* deletion */
			if (row2[j + 1] > row2[j] + a)
				row2[j + 1] = row2[j] + a;                               /* insertion */
		}
		t = row0;
		row0 = row1;
		row1 = row2;
		row2 = t;
	}
	result = row1[len2];
done:
	free(row0);
	free(row1);
	free(row2);
	return result;
}
