/*
 * web_forward.c: in `stance`, the entries of the commands that run in
 * stance-web (see web_commands.h). An entry without run() tells main() to
 * hand the whole command line over to stance-web.
 */
#include "cli.h"
#include "web_commands.h"

#define FORWARD(id, cmdname, USAGE, SUMMARY) \
	const cli_command cmd_##id##_entry = { .name = cmdname, .usage = USAGE, .summary = SUMMARY }

FORWARD(add, "add", CLI_ADD_USAGE, CLI_ADD_SUMMARY);
FORWARD(import, "import", CLI_IMPORT_USAGE, CLI_IMPORT_SUMMARY);
FORWARD(extract, "extract", CLI_EXTRACT_USAGE, CLI_EXTRACT_SUMMARY);
FORWARD(source, "source", CLI_SOURCE_USAGE, CLI_SOURCE_SUMMARY);
FORWARD(fetch, "fetch", CLI_FETCH_USAGE, CLI_FETCH_SUMMARY);
FORWARD(reextract, "reextract", CLI_REEXTRACT_USAGE, CLI_REEXTRACT_SUMMARY);
FORWARD(clone, "clone", CLI_CLONE_USAGE, CLI_CLONE_SUMMARY);
FORWARD(remote, "remote", CLI_REMOTE_USAGE, CLI_REMOTE_SUMMARY);
FORWARD(pull, "pull", CLI_PULL_USAGE, CLI_PULL_SUMMARY);
FORWARD(push, "push", CLI_PUSH_USAGE, CLI_PUSH_SUMMARY);
FORWARD(sync, "sync", CLI_SYNC_USAGE, CLI_SYNC_SUMMARY);
