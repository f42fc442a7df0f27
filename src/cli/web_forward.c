/*
 * web_forward.c: in `stance`, the entries of the commands that run in
 * stance-web (the WEB lines of commands.h). An entry without run() tells
 * main() to hand the whole command line over to stance-web, --help and
 * the completion words included: the option tables are there.
 */
#include "cli.h"
#include "commands.h"

#define CORE(id)
#define WEB(id, summary_) const cli_command cmd_##id##_entry = { .name = #id, .summary = summary_ };
CLI_COMMANDS(CORE, WEB)
#undef CORE
#undef WEB
