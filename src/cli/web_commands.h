/*
 * web_commands.h: name, usage and summary of the commands that read web
 * pages (HTML, feeds, HTTP) or URLs (the sync commands). They run in stance-web, the one program that
 * links libcurl and libxml2; `stance` forwards them there (web_forward.c), so
 * the everyday commands (show, log, diff, ...) start without loading the
 * thirty shared libraries those two bring. Both programs print the same help.
 */
#ifndef STANCE_CLI_WEB_COMMANDS_H
#define STANCE_CLI_WEB_COMMANDS_H

#define CLI_ADD_USAGE \
	"FILE... [--id ID] [--kind K] [--title T] [--author A]... [--organization O]\n" \
	"       [--publication P] [--published DATE] [--language L] [--source URL]\n" \
	"       [--date DATE] [-m MESSAGE] [--commit-author 'NAME <EMAIL>']"
#define CLI_ADD_SUMMARY "Add or update documents from Markdown files; one commit per changed document."

#define CLI_IMPORT_USAGE \
	"DIR|FILE... [--collection C] [--id ID] [--kind K] [--title T] [--author A]...\n" \
	"       [--organization O] [--publication P] [--published DATE] [--language L]\n" \
	"       [--date DATE] [-m MESSAGE] [--dry-run] [--quiet]\n" \
	"   or: stance import --manifest FILE [--quiet] [--dry-run]"
#define CLI_IMPORT_SUMMARY "Import saved articles (text, Markdown, HTML) or a saved history (--manifest)."

#define CLI_EXTRACT_USAGE "FILE.html... [--url BASE] [--select XPATH]... [--remove XPATH]... [--json | --raw]"
#define CLI_EXTRACT_SUMMARY "Print the document stance would store for a saved web page."

#define CLI_SOURCE_USAGE \
	"add [--feed] ID URL [--select XPATH]... [--remove XPATH]... [--noise REGEX]... " \
	"[--kind K] [--organization O] | list [--json] | remove ID"
#define CLI_SOURCE_SUMMARY "Add, list or remove the web pages and feeds the repository follows."

#define CLI_FETCH_USAGE \
	"[ID...] [--jobs N] [--delay MS] [--jitter MS] [--timeout S] [--connect-timeout S] " \
	"[--retries N] [--backoff MS] [--retry-after-max S] [--max-size SIZE] [--max-redirects N] " \
	"[--user-agent UA] [--ignore-robots] [--private-range CIDR]... [--resolve HOST:PORT:ADDRESS]... " \
	"[--json] [--no-progress]"
#define CLI_FETCH_SUMMARY "Fetch the followed pages and feeds; store a version of each document whose text changed."

#define CLI_REEXTRACT_USAGE "[ID...]"
#define CLI_REEXTRACT_SUMMARY "Rebuild documents from their stored snapshots with the current rules."

/* The sync commands: sync reads URLs through the URL module, on libcurl. */
#define CLI_CLONE_USAGE "[--json] URL [DIR]"
#define CLI_CLONE_SUMMARY "Copy a stance repository (main and snapshots) from a remote."

#define CLI_REMOTE_USAGE "[--json] [list] | add NAME URL | remove NAME"
#define CLI_REMOTE_SUMMARY "List, add or remove the remotes a repository syncs with."

#define CLI_PULL_USAGE "[--json] [REMOTE]"
#define CLI_PULL_SUMMARY "Fetch from a remote and merge its main and snapshots branches."

#define CLI_PUSH_USAGE "[--json] [REMOTE]"
#define CLI_PUSH_SUMMARY "Send main and snapshots to a remote."

#define CLI_SYNC_USAGE "[--json] [REMOTE] | --continue [--ours|--theirs] | --abort"
#define CLI_SYNC_SUMMARY "Pull, then push; merges documents and never loses a revision."

#endif
