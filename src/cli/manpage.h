/*
 * manpage.h: showing a command's man page for `stance help COMMAND`.
 */
#ifndef STANCE_CLI_MANPAGE_H
#define STANCE_CLI_MANPAGE_H

/*
 * Replaces the process with `man stance-COMMAND` (`man stance` for NULL), as
 * git's help does: the page installed with this stance program (at
 * STANCE_MAN_RELPATH from its folder, put first on MANPATH), else one man
 * finds on its own path. Returns -1 when there is no such page or no man,
 * so the caller prints the built-in usage instead.
 */
int cli_show_manpage(const char *command);

#endif
