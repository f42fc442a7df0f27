/*
 * sync_memory.c: keeps the memory of a large fetch (a clone of a long
 * history) bounded.
 *
 * libgit2 (1.5 at least) reads the pack it is receiving through memory
 * maps of the file, and the indexer takes that file out of the list of
 * maps libgit2 closes when GIT_OPT_SET_MWINDOW_MAPPED_LIMIT is reached (it
 * unmaps everything on each append and never puts the file back). While it
 * resolves the deltas nothing unmaps, so every page of the pack it reads
 * stays in the process: a 450 MB pack gave a clone 500 MB of resident
 * memory. The pages are the file's and are clean, so from the progress
 * callbacks of the transfer and of the checkout after it we tell the
 * kernel we do not need them (MADV_DONTNEED): the maps stay valid, a page
 * read again comes back from the page cache, and resident memory stays
 * near what the indexer itself allocates.
 */
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sync_internal.h"

/* How often (progress calls) a transfer looks, and how much memory grown
 * since the last look makes us give some back. */
#define TRIM_EVERY 32
#define FILE_ABOVE ((size_t)2 << 20)
#define HEAP_ABOVE ((size_t)4 << 20)

/* Resident memory of this process in bytes: file-backed (statm's
 * "shared") and the rest; 0, 0 when it cannot be read. */
static void resident_bytes(size_t *file, size_t *anon)
{
	unsigned long size = 0, resident = 0, shared = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/self/statm", "r");
	*file = *anon = 0;
	if (!f)
		return;
	if (fscanf(f, "%lu %lu %lu", &size, &resident, &shared) == 3 && resident >= shared) {
		*file = (size_t)shared * page;
		*anon = (size_t)(resident - shared) * page;
	}
	fclose(f);
}

/* Drops the resident pages of every read-only map of a pack file. */
static void drop_pack_pages(void)
{
	char line[4096 + 128], perms[8], path[4096];
	unsigned long start, end;
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &start, &end, perms, path) < 4)
			continue;
		/* libgit2's pack windows: read-only maps of objects/pack/ files
		 * (the pack being received is pack_git2_* there) */
		if (perms[0] == 'r' && perms[1] == '-' && strstr(path, "/objects/pack/"))
			madvise((void *)start, end - start, MADV_DONTNEED);
	}
	fclose(f);
}

/* Gives back what has grown since the last look. */
static void bound_now(sync_ctx *c)
{
	size_t file, anon;
	resident_bytes(&file, &anon);
	if (file >= c->trim_file + FILE_ABOVE) {
		drop_pack_pages();
		resident_bytes(&file, &anon);
		c->trim_file = file;
	}
#ifdef __GLIBC__
	/* the delta base cache frees and allocates objects of up to 150 KB
	 * all the time: half of the heap ends up free, in the middle of it,
	 * where only malloc_trim gives it back */
	if (anon >= c->trim_anon + HEAP_ABOVE) {
		malloc_trim(0);
		resident_bytes(&file, &anon);
		c->trim_anon = anon;
	}
#endif
}

void sync_bound_pack_memory(sync_ctx *c)
{
	if (++c->trim_calls % TRIM_EVERY == 0)
		bound_now(c);
}

void sync_checkout_progress(const char *path, size_t completed, size_t total, void *payload)
{
	(void)path;
	(void)completed;
	(void)total;
	/* a file checked out can read a long chain of deltas: look each time */
	bound_now(payload);
}
