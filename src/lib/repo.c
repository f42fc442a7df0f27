/*
 * repo.c: creating and opening stance repositories, the write lock (and
 * what a killed writer left behind), notices for the user, and
 * .stance/config.
 */
#include "git_internal.h"
#include "embedded.h"
#include "stance/repo.h"
#include "stance/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct stance_repo {
	git_repository *git;
	char *workdir;      /* with trailing '/' */
	char *lock_path;    /* set while the lock is held */
	int lock_fd;        /* the held lock's file, flock()ed; -1 */
	char *language;
	char *command;      /* what runs, named in the update journal */
	stance_buf notices; /* lines for the user (stance_repo_take_notices) */
};

void stance_git_init(void)
{
	static int done;
	if (!done) {
		git_libgit2_init();
		/* Bounded reads of a large pack. libgit2 maps a pack in windows of
		 * up to 1 GB and keeps 8 GB mapped, and every page a walk touched
		 * stays resident while its window does: a walk over a 40,000-commit
		 * archive's trees (the revision table) held its whole 450 MB pack.
		 * 8 MB windows, 32 MB mapped at once, and 20 MB of cached trees and
		 * commits bound that; git's own walks read the same objects. */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)8 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)32 << 20);
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)20 << 20);
		done = 1;
	}
}

int stance_git_verify_reads(int on)
{
	static int current = 1;
	int before = current;
	stance_git_init();
	if (on != current)
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, on ? 1 : 0);
	current = on ? 1 : 0;
	return before;
}

int stance_git_packbuilder_new(git_packbuilder **out, git_repository *git, const char *settings)
{
	stance_buf path = STANCE_BUF_INIT;
	git_config *cfg = NULL;
	int error;

	if ((error = stance_buf_printf(&path, "%sstance-pack-%ld.config", git_repository_path(git),
		(long)getpid())) < 0 ||
	    (error = stance_file_write_replace(path.ptr, settings, strlen(settings), 0)) < 0)
		goto done;
	if ((error = git_repository_config(&cfg, git)) == 0)
		error = git_config_add_file_ondisk(cfg, path.ptr, GIT_CONFIG_LEVEL_APP, git, 1);
	if (error == 0)
		error = git_packbuilder_new(out, git);
	unlink(path.ptr);
done:
	git_config_free(cfg);
	stance_buf_dispose(&path);
	return error;
}

int stance_git_error(int git_code, const char *fmt, ...)
{
	char context[1024];
	const git_error *e = git_error_last();
	va_list ap;
	int code = git_code == GIT_ENOTFOUND ? STANCE_ENOTFOUND :
		git_code == GIT_ELOCKED ? STANCE_ELOCKED :
		git_code == GIT_EEXISTS ? STANCE_EEXISTS : STANCE_ERROR;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	return stance_error_set(code, "%s: %s", context, e && e->message ? e->message : "git error");
}

git_repository *stance_repo_git(stance_repo *repo)
{
	return repo->git;
}

const char *stance_repo_workdir(const stance_repo *repo)
{
	return repo->workdir;
}

const char *stance_repo_gitdir(stance_repo *repo)
{
	return git_repository_path(repo->git);
}

static int has_stance_config(const char *workdir)
{
	stance_buf p = STANCE_BUF_INIT;
	struct stat st;
	int ok;
	stance_buf_printf(&p, "%s.stance/config", workdir);
	ok = stat(stance_buf_cstr(&p), &st) == 0;
	stance_buf_dispose(&p);
	return ok;
}

static int wrap(stance_repo **out, git_repository *git)
{
	stance_repo *repo = calloc(1, sizeof(*repo));
	if (!repo)
		return stance_error_oom();
	repo->git = git;
	repo->lock_fd = -1;
	if (!(repo->workdir = stance_strdup(git_repository_workdir(git)))) {
		free(repo);
		return STANCE_ERROR;
	}
	*out = repo;
	return 0;
}

int stance_repo_open(stance_repo **out, const char *path)
{
	git_repository *git = NULL;
	int error;

	stance_git_init();
	if ((error = git_repository_open_ext(&git, path, 0, NULL)) < 0)
		return stance_error_set(STANCE_ENOTREPO, "'%s' is not in a stance repository "
			"(no git repository here or above; run 'stance init')", path);
	if (git_repository_is_bare(git) || !git_repository_workdir(git)) {
		git_repository_free(git);
		return stance_error_set(STANCE_ENOTREPO, "'%s' is a bare git repository; "
			"stance needs a working folder", path);
	}
	if (!has_stance_config(git_repository_workdir(git))) {
		error = stance_error_set(STANCE_ENOTREPO, "'%s' is a git repository but not a stance "
			"repository (no .stance/config; run 'stance init' there)", git_repository_workdir(git));
		git_repository_free(git);
		return error;
	}
	if ((error = wrap(out, git)) < 0)
		git_repository_free(git);
	return error;
}

void stance_repo_free(stance_repo *repo)
{
	if (!repo)
		return;
	stance_repo_unlock(repo);
	git_repository_free(repo->git);
	free(repo->workdir);
	free(repo->language);
	free(repo->command);
	stance_buf_dispose(&repo->notices);
	free(repo);
}

/* ---- the write lock ---- */

/*
 * The write lock is .git/stance.lock. Its file holds the holder's pid, its
 * start time (clock ticks after boot, from /proc/PID/stat) and the boot id:
 *
 *   4711
 *   start 1234567
 *   boot 3f1c...
 *
 * and the holder keeps it open with flock(LOCK_EX) for as long as it holds
 * it; the kernel drops that flock when the holder dies, however it dies.
 *
 * Taking it: the holder writes that text into a file of its own,
 * .git/stance.lock.N.tmp.PID, flock()s it, and link()s it to stance.lock,
 * which either makes the whole lock appear at once or fails (EEXIST): no
 * one ever sees an empty or half-written lock of this protocol. (Where the
 * file system has no hard links, the lock is made with O_EXCL and written
 * after, flock()ed first.)
 *
 * Judging a lock found there: flock() it without waiting. If that fails
 * with EWOULDBLOCK its holder is alive. If it succeeds the holder is gone,
 * or it is a lock of a stance from before this protocol (no flock): then
 * the text decides, and the lock is stale when the boot id is another one,
 * the pid is gone, or the pid now belongs to a process that started at
 * another moment (a pid used again). An empty or unreadable lock (a stance
 * from before this protocol, killed between making the file and writing
 * its pid) is stale once older than STANCE_LOCK_GRACE_MS.
 *
 * Taking over a stale lock, so that two takers can never both win: the
 * taker holds the flock of the stale lock's inode, and while holding it
 * checks that stance.lock is still that very inode (fstat of its open file
 * against stat of the name); only then it unlinks the name, and tries the
 * link() again, as any writer does. The name of a stale lock changes only
 * by a taker that holds the stale inode's flock (its holder is dead, and a
 * new lock is only link()ed where there is none), so between that check
 * and the unlink nobody else can have changed it: of two takers that found
 * the same stale lock, the second either waits for the first's flock and
 * then finds the name gone or naming another inode (and starts again), or
 * opened the name after the first replaced it and finds a live lock. The
 * new lock itself is made by link(), which only one can win.
 *
 * Where flock() is not supported (it fails with another error than
 * EWOULDBLOCK, as on some network file systems), only the text decides
 * and two takers of one stale lock are no longer kept apart.
 *
 * Releasing: unlink the name (only if it is still this holder's inode),
 * then close the file, which drops the flock.
 *
 * What a killed holder left: under the lock just taken over, libgit2's and
 * git's lock files (.git/index.lock, HEAD.lock, packed-refs.lock and every
 * NAME.lock below .git/refs) no newer than the new holder's lock are
 * removed: they were made before it took the lock, while the dead holder
 * held it. Not index.lock when running under git (git_holds_index: a
 * hook, while git holds its index lock). Without a stale stance lock a git
 * lock is left alone: it may be a running git's. libgit2's half-written
 * packs (objects/pack/pack_git2_NAME) go under the same rule. Then the
 * NAME.tmp.PID files of dead pids in .git go, and an interrupted update is
 * finished (journal.c).
 */

/* Milliseconds an empty or unreadable lock counts as being written. */
#define STANCE_LOCK_GRACE_MS 2000
/* Milliseconds between two looks of a waiting writer. */
#define LOCK_POLL_MS 50
/* Bytes of a lock file read: the pid, start time and boot id take ~70. */
#define LOCK_TEXT_MAX 256
/* Folders below .git/refs searched for leftover ref locks. */
#define REF_LOCK_DEPTH_MAX 16

/* The process's settings (stance_process_settings_set); the library reads
 * no environment variable. */
static stance_process_settings process = STANCE_PROCESS_SETTINGS_INIT;

int stance_process_settings_set(const stance_process_settings *settings)
{
	char *name = NULL, *email = NULL, *index = NULL;
	if ((settings->author_name && !(name = stance_strdup(settings->author_name))) ||
	    (settings->author_email && !(email = stance_strdup(settings->author_email))) ||
	    (settings->index_file && !(index = stance_strdup(settings->index_file)))) {
		free(name);
		free(email);
		return STANCE_ERROR;
	}
	free((char *)process.author_name);
	free((char *)process.author_email);
	free((char *)process.index_file);
	process = *settings;
	process.author_name = name;
	process.author_email = email;
	process.index_file = index;
	return 0;
}

const char *stance_process_index_file(void)
{
	return process.index_file && *process.index_file ? process.index_file : NULL;
}

int stance_repo_lock_timeout(void)
{
	return process.lock_timeout_ms >= 0 ? process.lock_timeout_ms : 5000;
}

static void read_boot_id(char *out, size_t n)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, out, n - 1) : -1;
	out[got > 0 ? got : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (fd >= 0)
		close(fd);
}

/* When process `pid` started (field 22 of /proc/PID/stat, clock ticks
 * after boot); 0 when that cannot be read. */
static unsigned long long proc_start(long pid)
{
	char path[64], text[1024], *p, *end;
	unsigned long long v;
	int fd, field;
	ssize_t n;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	/* the command name (field 2) may hold spaces and parentheses: the
	 * fields after it start after its last ')' with field 3 */
	if (!(p = strrchr(text, ')')))
		return 0;
	for (field = 2; field < 22; field++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
	}
	v = strtoull(p, &end, 10);
	return end == p ? 0 : v;
}

/* Milliseconds since `st` was last written. */
static long long age_ms(const struct stat *st)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return ((long long)now.tv_sec - st->st_mtim.tv_sec) * 1000 + (now.tv_nsec - st->st_mtim.tv_nsec) / 1000000;
}

/* Whether the lock text `text` (of the file `st`) names a live holder. */
static int holder_alive(char *text, const struct stat *st)
{
	char boot[64] = "", mine[64];
	unsigned long long start = 0, now;
	char *line, *nl = strchr(text, '\n');
	long pid;

	if (!nl)
		return age_ms(st) < STANCE_LOCK_GRACE_MS;
	*nl = '\0';
	if (stance_parse_int(&pid, text, 1, 1L << 30) < 0) {
		stance_error_clear();
		return age_ms(st) < STANCE_LOCK_GRACE_MS;
	}
	for (line = nl + 1; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		if (!strncmp(line, "start ", 6))
			start = strtoull(line + 6, NULL, 10);
		else if (!strncmp(line, "boot ", 5))
			snprintf(boot, sizeof(boot), "%s", line + 5);
	}
	read_boot_id(mine, sizeof(mine));
	if (*boot && *mine && strcmp(boot, mine))
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	if (start && (now = proc_start(pid)) && now != start)
		return 0;
	return 1;
}

/*
 * Looks at the lock at `path` that a link() just found. 1: a live holder
 * has it. 0: look again (it was stale and is gone now, or it changed under
 * us). Removing a stale lock sets *took.
 */
static int examine_lock(const char *path, int *took)
{
	char text[LOCK_TEXT_MAX + 1];
	struct stat a, b;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), live = 0;

	if (fd < 0)
		return 0; /* released in the meantime */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		close(fd);
		return 1;
	}
	/* the flock is ours (or the file system has none): is the name still
	 * this inode? */
	if (fstat(fd, &a) < 0 || stat(path, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		goto done;
	n = pread(fd, text, LOCK_TEXT_MAX, 0);
	text[n > 0 ? n : 0] = '\0';
	if ((live = holder_alive(text, &a)))
		goto done;
	if (unlink(path) == 0)
		*took = 1;
done:
	close(fd);
	return live;
}

/* Our own lock file at `tmp`, written and flock()ed; its descriptor. */
static int make_own_lock(int *out, const char *tmp)
{
	char text[LOCK_TEXT_MAX], boot[64];
	int fd, n;

	read_boot_id(boot, sizeof(boot));
	n = snprintf(text, sizeof(text), "%ld\nstart %llu\nboot %s\n", (long)getpid(),
		proc_start((long)getpid()), *boot ? boot : "unknown");
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return stance_error_set(STANCE_ERROR, "%s: cannot make the lock: %s", tmp, strerror(errno));
	if ((flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) ||
	    write(fd, text, (size_t)n) != n) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return stance_error_set(STANCE_ERROR, "%s: cannot write the lock: %s", tmp, strerror(e));
	}
	*out = fd;
	return 0;
}

/* 1 when the file `st` is no newer than `t`. */
static int not_newer(const struct stat *st, const struct timespec *t)
{
	return st->st_mtim.tv_sec < t->tv_sec ||
		(st->st_mtim.tv_sec == t->tv_sec && st->st_mtim.tv_nsec <= t->tv_nsec);
}

static void remove_git_lock(stance_repo *repo, const char *rel, const struct timespec *before)
{
	stance_buf path = STANCE_BUF_INIT;
	struct stat st;
	if (stance_buf_printf(&path, "%s%s", git_repository_path(repo->git), rel) == 0 &&
	    lstat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) && not_newer(&st, before) &&
	    unlink(path.ptr) == 0)
		stance_repo_notice(repo, "removed .git/%s, left by a stance that was killed", rel);
	stance_buf_dispose(&path);
}

/* Every *.lock below .git/<rel> (a folder of refs). */
static void remove_ref_locks(stance_repo *repo, const char *rel, const struct timespec *before, int depth)
{
	stance_buf dir = STANCE_BUF_INIT, sub = STANCE_BUF_INIT;
	DIR *d;
	struct dirent *e;

	if (depth > REF_LOCK_DEPTH_MAX ||
	    stance_buf_printf(&dir, "%s%s", git_repository_path(repo->git), rel) < 0 ||
	    !(d = opendir(dir.ptr))) {
		stance_buf_dispose(&dir);
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		if (e->d_name[0] == '.' && (n == 1 || (n == 2 && e->d_name[1] == '.')))
			continue;
		stance_buf_clear(&sub);
		if (stance_buf_printf(&sub, "%s/%s", rel, e->d_name) < 0)
			break;
		if (n > 5 && !strcmp(e->d_name + n - 5, ".lock")) {
			remove_git_lock(repo, sub.ptr, before);
			continue;
		}
		stance_buf_clear(&dir);
		if (stance_buf_printf(&dir, "%s%s", git_repository_path(repo->git), sub.ptr) == 0 &&
		    lstat(dir.ptr, &st) == 0 && S_ISDIR(st.st_mode))
			remove_ref_locks(repo, sub.ptr, before, depth + 1);
	}
	closedir(d);
	stance_buf_dispose(&dir);
	stance_buf_dispose(&sub);
}

/* libgit2's half-written packs (pack_git2_*) in .git/objects/pack, and the
 * batch's packer settings (batch.c), no newer than `before`. */
static void remove_pack_leftovers(stance_repo *repo, const struct timespec *before)
{
	stance_buf dir = STANCE_BUF_INIT, full = STANCE_BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (stance_buf_printf(&full, "%sstance-batch-pack.config", git_repository_path(repo->git)) == 0 &&
	    lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) && not_newer(&st, before))
		unlink(full.ptr);
	if (stance_buf_printf(&dir, "%sobjects/pack/", git_repository_path(repo->git)) < 0 ||
	    !(d = opendir(dir.ptr)))
		goto done;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "pack_git2_", 10))
			continue;
		stance_buf_clear(&full);
		if (stance_buf_printf(&full, "%s%s", dir.ptr, e->d_name) == 0 &&
		    lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) && not_newer(&st, before))
			unlink(full.ptr);
	}
	closedir(d);
done:
	stance_buf_dispose(&dir);
	stance_buf_dispose(&full);
}

static void remove_git_locks(stance_repo *repo, const struct timespec *before)
{
	if (!process.git_holds_index)
		remove_git_lock(repo, "index.lock", before);
	remove_git_lock(repo, "HEAD.lock", before);
	remove_git_lock(repo, "packed-refs.lock", before);
	remove_ref_locks(repo, "refs", before, 0);
	remove_pack_leftovers(repo, before);
	stance_error_clear();
}

/* Links `tmp` (the lock text, fd `fd`) into place at `path`: 0 done,
 * 1 a lock is there, < 0 an error. */
static int place_lock(const char *tmp, int *fd, const char *path)
{
	static int no_links;
	int lfd;
	if (!no_links) {
		if (link(tmp, path) == 0)
			return 0;
		if (errno == EEXIST)
			return 1;
		if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
			return stance_error_set(STANCE_ERROR, "%s: cannot take the lock: %s", path, strerror(errno));
		no_links = 1;
	}
	/* no hard links here: made empty, flock()ed, then written (readers
	 * give an empty lock its grace period) */
	if ((lfd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return errno == EEXIST ? 1 :
			stance_error_set(STANCE_ERROR, "%s: cannot take the lock: %s", path, strerror(errno));
	{
		char text[LOCK_TEXT_MAX];
		ssize_t n = pread(*fd, text, sizeof(text), 0);
		flock(lfd, LOCK_EX | LOCK_NB);
		if (n <= 0 || write(lfd, text, (size_t)n) != n) {
			int e = errno;
			close(lfd);
			unlink(path);
			return stance_error_set(STANCE_ERROR, "%s: cannot write the lock: %s", path, strerror(e));
		}
	}
	close(*fd);
	*fd = lfd;
	return 0;
}

int stance_repo_lock(stance_repo *repo, int timeout_ms)
{
	stance_buf path = STANCE_BUF_INIT, tmp = STANCE_BUF_INIT;
	static unsigned counter;
	struct stat st;
	int waited = 0, error = 0, fd = -1, took = 0;

	if (repo->lock_path)
		return 0;
	if ((error = stance_buf_printf(&path, "%sstance.lock", git_repository_path(repo->git))) < 0 ||
	    (error = stance_buf_printf(&tmp, "%sstance.lock.%u.tmp.%ld", git_repository_path(repo->git),
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED), (long)getpid())) < 0 ||
	    (error = make_own_lock(&fd, tmp.ptr)) < 0)
		goto done;
	for (;;) {
		if ((error = place_lock(tmp.ptr, &fd, path.ptr)) <= 0)
			break;
		if (!examine_lock(path.ptr, &took))
			continue;
		if (waited >= timeout_ms) {
			error = stance_error_set(STANCE_ELOCKED, "the repository at %s is busy: another stance "
				"is writing to it (lock %s); try again when it has finished", repo->workdir, path.ptr);
			break;
		}
		struct timespec ts = { 0, LOCK_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
		waited += LOCK_POLL_MS;
	}
	unlink(tmp.ptr);
	if (error < 0)
		goto done;
	repo->lock_fd = fd;
	fd = -1;
	repo->lock_path = stance_buf_detach(&path);
	/* what a killed holder left behind */
	if (took && fstat(repo->lock_fd, &st) == 0)
		remove_git_locks(repo, &st.st_mtim);
	stance_remove_dead_tmp(git_repository_path(repo->git), NULL, NULL);
	if ((error = stance_journal_finish(repo)) < 0)
		stance_repo_unlock(repo);
done:
	if (fd >= 0)
		close(fd);
	stance_buf_dispose(&path);
	stance_buf_dispose(&tmp);
	return error;
}

void stance_repo_unlock(stance_repo *repo)
{
	struct stat a, b;
	if (!repo || !repo->lock_path)
		return;
	/* only our own lock: never one that replaced it */
	if (fstat(repo->lock_fd, &a) == 0 && stat(repo->lock_path, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		unlink(repo->lock_path);
	close(repo->lock_fd);
	repo->lock_fd = -1;
	free(repo->lock_path);
	repo->lock_path = NULL;
}

int stance_repo_recover(stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error = 0, there;
	if (repo->lock_path)
		return 0; /* done when the lock was taken */
	if ((error = stance_buf_printf(&path, "%s%s", git_repository_path(repo->git), STANCE_JOURNAL)) < 0)
		return error;
	there = access(path.ptr, F_OK) == 0;
	stance_buf_dispose(&path);
	if (!there)
		return 0;
	/* A live writer's journal is its own business: only a lock free now,
	 * or stale, is taken. */
	if ((error = stance_repo_lock(repo, 0)) == STANCE_ELOCKED) {
		stance_error_clear();
		return 0;
	}
	stance_repo_unlock(repo);
	return error;
}

void stance_repo_set_command(stance_repo *repo, const char *name)
{
	free(repo->command);
	repo->command = name ? stance_strdup(name) : NULL;
}

const char *stance_repo_command(const stance_repo *repo)
{
	return repo->command ? repo->command : "update";
}

void stance_repo_notice(stance_repo *repo, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (stance_buf_puts(&repo->notices, line) < 0 || stance_buf_putc(&repo->notices, '\n') < 0)
		stance_error_clear();
}

int stance_repo_take_notices(stance_buf *out, stance_repo *repo)
{
	int had = repo->notices.size > 0;
	if (had && stance_buf_put(out, repo->notices.ptr, repo->notices.size) < 0)
		return STANCE_ERROR;
	stance_buf_clear(&repo->notices);
	return had;
}

/* ---- .stance/config ---- */

static int open_config(git_config **out, stance_repo *repo)
{
	stance_buf path = STANCE_BUF_INIT;
	int error;
	stance_buf_printf(&path, "%s.stance/config", repo->workdir);
	if ((error = git_config_open_ondisk(out, path.ptr)) < 0)
		error = stance_git_error(error, "%s", path.ptr);
	stance_buf_dispose(&path);
	return error;
}

int stance_repo_config_get(stance_buf *out, stance_repo *repo, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if ((error = git_config_get_string_buf(&value, cfg, key)) < 0) {
		if (error == GIT_ENOTFOUND)
			error = stance_error_set(STANCE_ENOTFOUND, ".stance/config: '%s' is not set", key);
		else
			error = stance_git_error(error, ".stance/config: cannot read '%s'", key);
	} else {
		error = stance_buf_puts(out, value.ptr);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

int stance_repo_config_set(stance_repo *repo, const char *key, const char *value)
{
	git_config *cfg = NULL;
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if (value)
		error = git_config_set_string(cfg, key, value);
	else if ((error = git_config_delete_entry(cfg, key)) == GIT_ENOTFOUND)
		error = 0;
	if (error < 0)
		error = stance_git_error(error, ".stance/config: cannot set '%s'", key);
	git_config_free(cfg);
	return error;
}

typedef struct {
	int (*cb)(const char *name, const char *value, void *payload);
	void *payload;
	int stopped; /* the value cb stopped the walk with */
} config_walk;

static int config_walk_entry(const git_config_entry *e, void *payload)
{
	config_walk *w = payload;
	return w->stopped = w->cb(e->name, e->value, w->payload);
}

int stance_repo_config_foreach(stance_repo *repo, const char *regex,
	int (*cb)(const char *name, const char *value, void *payload), void *payload)
{
	git_config *cfg = NULL;
	config_walk w = { cb, payload, 0 };
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if ((error = git_config_foreach_match(cfg, regex, config_walk_entry, &w)) != 0)
		error = w.stopped ? w.stopped : stance_git_error(error, ".stance/config: cannot read it");
	git_config_free(cfg);
	return error;
}

int stance_repo_config_unset_all(stance_repo *repo, const char *key)
{
	git_config *cfg = NULL;
	int error;
	if ((error = open_config(&cfg, repo)) < 0)
		return error;
	if ((error = git_config_delete_multivar(cfg, key, ".*")) == GIT_ENOTFOUND)
		error = 0;
	if (error < 0)
		error = stance_git_error(error, ".stance/config: cannot remove '%s'", key);
	git_config_free(cfg);
	return error;
}

const char *stance_repo_language(stance_repo *repo)
{
	stance_buf b = STANCE_BUF_INIT;
	if (!repo->language) {
		if (stance_repo_config_get(&b, repo, "stance.language") == 0 && b.size)
			repo->language = stance_buf_detach(&b);
		else
			repo->language = stance_strdup("en");
		stance_buf_dispose(&b);
		stance_error_clear();
	}
	return repo->language ? repo->language : "en";
}

/* ---- init ---- */

int stance_git_signature(git_signature **out, git_repository *git, const char *name,
	const char *email, int64_t time, int tz_minutes)
{
	git_config *cfg = NULL;
	git_buf cname = GIT_BUF_INIT, cemail = GIT_BUF_INIT;
	int error;

	if (!name || !*name)
		name = process.author_name;
	if (!email || !*email)
		email = process.author_email;
	if ((!name || !*name || !email || !*email) && git_repository_config_snapshot(&cfg, git) == 0) {
		if ((!name || !*name) && git_config_get_string_buf(&cname, cfg, "user.name") == 0)
			name = cname.ptr;
		if ((!email || !*email) && git_config_get_string_buf(&cemail, cfg, "user.email") == 0)
			email = cemail.ptr;
	}
	if (!name || !*name)
		name = "stance";
	if (!email || !*email)
		email = "stance@localhost";
	if ((error = stance_store_check_identity(name, email)) < 0)
		goto done;
	if (time == 0)
		error = git_signature_now(out, name, email);
	else
		error = git_signature_new(out, name, email, (git_time_t)time, tz_minutes);
	if (error < 0)
		error = stance_git_error(error, "cannot make a commit signature for '%s <%s>'", name, email);
done:
	git_buf_dispose(&cname);
	git_buf_dispose(&cemail);
	git_config_free(cfg);
	return error;
}

int stance_git_commit_tree(git_oid *out, git_repository *git, const char *ref,
	const git_signature *author, const char *message, const git_oid *tree_id)
{
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *committer = NULL;
	git_oid parent_id;
	int error, nparents = 0;

	if ((error = git_reference_name_to_id(&parent_id, git, ref)) == 0) {
		if ((error = git_commit_lookup(&parent, git, &parent_id)) < 0)
			goto done;
		nparents = 1;
	} else if (error != GIT_ENOTFOUND && error != GIT_EUNBORNBRANCH) {
		goto done;
	}
	if ((error = git_tree_lookup(&tree, git, tree_id)) < 0)
		goto done;
	if ((error = git_signature_now(&committer, author->name, author->email)) < 0)
		goto done;
	error = git_commit_create(out, git, ref, author, committer, NULL, message, tree,
		(size_t)nparents, (const git_commit **)&parent);
done:
	if (error < 0)
		error = stance_git_error(error, "cannot commit to %s", ref);
	git_signature_free(committer);
	git_tree_free(tree);
	git_commit_free(parent);
	git_reference_free(head);
	return error;
}

/* See git_internal.h. */
int stance_repo_install_hooks(git_repository *git)
{
	const stance_embedded_file *f;
	stance_buf file = STANCE_BUF_INIT;
	int error = 0;
	for (f = stance_embedded_files; f->path && !error; f++) {
		if (strncmp(f->path, "hooks/", 6))
			continue;
		stance_buf_clear(&file);
		if ((error = stance_buf_printf(&file, "%shooks/%s", git_repository_path(git), f->path + 6)) < 0 ||
		    (error = stance_mkdirs_for(file.ptr)) < 0 ||
		    (error = stance_file_write_atomic(file.ptr, (const char *)f->data, f->len)) < 0)
			break;
		if (chmod(file.ptr, 0755) < 0)
			error = stance_error_set(STANCE_ERROR, "%s: cannot make it executable: %s", file.ptr, strerror(errno));
	}
	stance_buf_dispose(&file);
	return error;
}

int stance_repo_init(stance_repo **out, const char *path)
{
	git_repository *git = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	stance_repo *repo = NULL;
	const stance_embedded_file *f;
	stance_buf file = STANCE_BUF_INIT;
	git_oid tree_id, commit_id;
	int error;

	stance_git_init();
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return stance_error_set(STANCE_ERROR, "%s: cannot create the folder: %s", path, strerror(errno));
	if (git_repository_open_ext(&git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_repository_init_options opts;
		git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		opts.flags = GIT_REPOSITORY_INIT_MKPATH;
		opts.initial_head = "main";
		if ((error = git_repository_init_ext(&git, path, &opts)) < 0) {
			error = stance_git_error(error, "%s: cannot create a git repository", path);
			goto done;
		}
	}
	if (git_repository_is_bare(git)) {
		error = stance_error_set(STANCE_EINVALID, "%s is a bare git repository; stance needs a "
			"working folder (clone it first)", path);
		goto done;
	}
	if (has_stance_config(git_repository_workdir(git))) {
		error = stance_error_set(STANCE_EEXISTS, "%s is a stance repository already", git_repository_workdir(git));
		goto done;
	}
	if ((error = wrap(&repo, git)) < 0)
		goto done;
	git = NULL;
	if ((error = stance_repo_lock(repo, stance_repo_lock_timeout())) < 0)
		goto done;
	if ((error = git_repository_index(&index, repo->git)) < 0) {
		error = stance_git_error(error, "%s: cannot read the git index", repo->workdir);
		goto done;
	}
	/* Write the skeleton into the working folder and stage exactly those files. */
	for (f = stance_embedded_files; f->path; f++) {
		const char *rel;
		if (strncmp(f->path, "repo-template/", 14))
			continue;
		rel = f->path + 14;
		stance_buf_clear(&file);
		if ((error = stance_buf_printf(&file, "%s%s", repo->workdir, rel)) < 0 ||
		    (error = stance_mkdirs_for(file.ptr)) < 0 ||
		    (error = stance_file_write_atomic(file.ptr, (const char *)f->data, f->len)) < 0)
			goto done;
		if ((error = git_index_add_bypath(index, rel)) < 0) {
			error = stance_git_error(error, "%s: cannot stage %s", repo->workdir, rel);
			goto done;
		}
	}
	if ((error = stance_repo_install_hooks(repo->git)) < 0)
		goto done;
	if ((error = git_index_write(index)) < 0 || (error = git_index_write_tree(&tree_id, index)) < 0) {
		error = stance_git_error(error, "%s: cannot write the git index", repo->workdir);
		goto done;
	}
	if ((error = stance_git_signature(&sig, repo->git, NULL, NULL, 0, 0)) < 0 ||
	    (error = stance_git_commit_tree(&commit_id, repo->git, "HEAD", sig,
		"Initialize stance repository\n", &tree_id)) < 0)
		goto done;
	if (out) {
		*out = repo;
		repo = NULL;
	}
done:
	stance_buf_dispose(&file);
	git_signature_free(sig);
	git_index_free(index);
	git_repository_free(git);
	stance_repo_free(repo);
	return error;
}

int stance_repo_set_program(stance_repo *repo, const char *program)
{
	git_config *cfg = NULL;
	stance_buf cmd = STANCE_BUF_INIT;
	int error;
	if ((error = git_repository_config(&cfg, repo->git)) < 0)
		return stance_git_error(error, "%s: cannot open .git/config", repo->workdir);
	/* The hook and git's diff driver find this very binary even when it is
	 * not on PATH (run from a build folder). */
	if ((error = stance_buf_printf(&cmd, "'%s' difftool", program)) < 0)
		goto done;
	if ((error = git_config_set_string(cfg, "stance.program", program)) < 0 ||
	    (error = git_config_set_string(cfg, "diff.stance.command", cmd.ptr)) < 0)
		error = stance_git_error(error, "%s: cannot write .git/config", repo->workdir);
done:
	stance_buf_dispose(&cmd);
	git_config_free(cfg);
	return error;
}
