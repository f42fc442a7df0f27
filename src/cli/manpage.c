/*
 * manpage.c: `stance help COMMAND` shows the command's man page through man,
 * as git's help does, from the pages installed with this stance program or
 * else from man's own path (see manpage.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "manpage.h"
#include "stance.h"

extern char **environ;

/* 1 when `man -w PAGE` finds the page on man's path; 0 when it does not or
 * there is no man to ask. */
static int man_finds(const char *page)
{
	char *argv[] = { "man", "-w", (char *)page, NULL };
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int status = 0, rc;
	if (posix_spawn_file_actions_init(&actions) != 0)
		return 0;
	rc = posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawnp(&pid, "man", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc != 0)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The man folder installed beside this program: <its folder>/STANCE_MAN_RELPATH,
 * into `out`; -1 when the program cannot find its own folder. */
static int installed_mandir(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	if (n <= 0)
		return -1;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')))
		*slash = '\0';
	return snprintf(out, size, "%s/%s", self, STANCE_MAN_RELPATH) < (int)size ? 0 : -1;
}

int cli_show_manpage(const char *command)
{
	char page[128], mandir[PATH_MAX], file[PATH_MAX + 160];
	stance_buf manpath = STANCE_BUF_INIT;
	const char *old;
	int n = command ? snprintf(page, sizeof(page), "stance-%s", command)
		: snprintf(page, sizeof(page), "stance");
	if (n < 0 || (size_t)n >= sizeof(page))
		return -1;
	if (installed_mandir(mandir, sizeof(mandir)) == 0 &&
	    snprintf(file, sizeof(file), "%s/man1/%s.1", mandir, page) < (int)sizeof(file) &&
	    access(file, R_OK) == 0) {
		/* as git: this stance's pages first, then man's own path (which
		 * man appends for the trailing colon) */
		old = getenv("MANPATH");
		if (stance_buf_printf(&manpath, "%s:%s", mandir, old ? old : "") < 0 ||
		    setenv("MANPATH", manpath.ptr, 1) != 0) {
			stance_buf_dispose(&manpath);
			return -1;
		}
		stance_buf_dispose(&manpath);
	} else if (!man_finds(page)) {
		return -1;
	}
	fflush(NULL);
	execlp("man", "man", page, (char *)NULL);
	return -1; /* no man to run: the caller prints the usage */
}
