/*
 * commands.h: the one list of stance's commands, in the order `stance help`
 * lists them. CORE(name) runs in `stance`; WEB(name, summary) reads web
 * pages (HTML, feeds, HTTP) or URLs (the sync commands, through url.c) and runs in stance-web, the one program that
 * links libcurl and libxml2: `stance` hands such a command line over to it
 * (main.c, web_forward.c), so the everyday commands (show, log, diff, ...)
 * start without loading the thirty shared libraries those two bring. A web
 * command's summary is here, for `stance help` to list it without
 * stance-web; its options and usage are in its cmd_NAME.c.
 *
 * CMakeLists.txt reads the WEB( lines (one a line) to build cmd_NAME.c into
 * stance-web only.
 */
#ifndef STANCE_CLI_COMMANDS_H
#define STANCE_CLI_COMMANDS_H

#define CLI_COMMANDS(CORE, WEB) \
	CORE(init) \
	WEB(add, "Add or update documents from Markdown files; one commit per changed document.") \
	WEB(import, "Import saved articles (text, Markdown, HTML), a saved history (--manifest), a git history (--git) or web archives (--warc).") \
	CORE(list) \
	CORE(show) \
	CORE(log) \
	CORE(blame) \
	CORE(grep) \
	CORE(search) \
	CORE(check) \
	WEB(extract, "Print the document stance would store for a saved web page.") \
	WEB(source, "Add, list or remove the web pages and feeds the repository follows.") \
	WEB(fetch, "Fetch the followed pages and feeds; store a version of each document whose text changed.") \
	WEB(reextract, "Rebuild documents from their stored snapshots with the current rules.") \
	WEB(export, "Write the stored snapshots out as a WARC file (--warc), for web-archive tools.") \
	WEB(clone, "Copy a stance repository (main and snapshots) from a remote.") \
	WEB(remote, "List, add or remove the remotes a repository syncs with.") \
	WEB(pull, "Fetch from a remote and merge its main and snapshots branches.") \
	WEB(push, "Send main and snapshots to a remote.") \
	WEB(sync, "Pull, then push; merges documents and never loses a revision.") \
	CORE(diff) \
	CORE(difftool) \
	CORE(positions) \
	CORE(site) \
	CORE(help)

#endif
