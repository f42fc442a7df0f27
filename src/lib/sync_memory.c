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
 *
 * A look costs one read of /proc/self/statm, kept open. The pack maps are
 * listed from /proc/self/maps (300 lines in stance-web, half a millisecond)
 * only when the size of the maps other than private writable ones (statm's
 * size minus data: a new pack window grows it, the heap and malloc's maps
 * do not) changed since the last list, or a map listed is gone; otherwise
 * the maps listed are dropped again.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sync_internal.h"

/* How often (progress calls) a transfer looks, and how much memory grown
 * since the last look makes us give some back. Looking often keeps what
 * grows between two looks small, so a larger step (fewer drops, each
 * followed by pages read again) keeps the same peak: a 40,000-revision
 * clone dropped 980 times at 32 calls and 2 MB, 550 at 16 and 4 MB, and
 * its peak fell by 1.5 MB. */
#define TRIM_EVERY 16
#define FILE_ABOVE ((size_t)4 << 20)
#define HEAP_ABOVE ((size_t)4 << 20)

/* Resident memory of this process in bytes: file-backed (statm's
 * "shared") and the rest; 0, 0 when it cannot be read. Keeps the pages of
 * the maps that are not private and writable in c->nondata_pages. */
static void resident_bytes(sync_ctx *c, size_t *file, size_t *anon)
{
	char buf[256], *p;
	unsigned long size, resident, shared, data;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	ssize_t n;
	*file = *anon = 0;
	if (!c->mem_open) {
		c->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
		c->mem_open = 1;
	}
	if (c->statm_fd < 0 || (n = pread(c->statm_fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return;
	buf[n] = '\0';
	/* size resident shared text lib data dt */
	size = strtoul(buf, &p, 10);
	resident = strtoul(p, &p, 10);
	shared = strtoul(p, &p, 10);
	strtoul(p, &p, 10);
	strtoul(p, &p, 10);
	data = strtoul(p, NULL, 10);
	c->nondata_pages = size >= data ? size - data : 0;
	if (resident >= shared) {
		*file = (size_t)shared * page;
		*anon = (size_t)(resident - shared) * page;
	}
}

/* Drops the resident pages of every read-only map of a pack file, listed
 * from /proc/self/maps, and remembers the maps. */
static void list_and_drop(sync_ctx *c)
{
	char line[4096 + 128], perms[8], path[4096];
	unsigned long start, end;
	FILE *f = fopen("/proc/self/maps", "r");
	c->npacks = 0;
	c->packs_listed = 0;
	if (!f)
		return;
	c->packs_listed = 1;
	while (fgets(line, sizeof(line), f)) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &start, &end, perms, path) < 4)
			continue;
		/* libgit2's pack windows: read-only maps of objects/pack/ files
		 * (the pack being received is pack_git2_* there) */
		if (perms[0] != 'r' || perms[1] != '-' || !strstr(path, "/objects/pack/"))
			continue;
		madvise((void *)start, end - start, MADV_DONTNEED);
		if (c->npacks < SYNC_PACK_MAPS) {
			c->packs[c->npacks].start = start;
			c->packs[c->npacks].end = end;
			c->npacks++;
		} else {
			c->packs_listed = 0;
		}
	}
	fclose(f);
}

/* Each map listed is still there, a map of a pack file: libgit2 may have
 * closed one and its addresses may now hold memory that MADV_DONTNEED
 * would wipe. /proc/self/map_files names a file's map by its exact range. */
static int listed_still_mapped(const sync_ctx *c)
{
	char name[64], target[4096];
	size_t i;
	ssize_t n;
	for (i = 0; i < c->npacks; i++) {
		snprintf(name, sizeof(name), "/proc/self/map_files/%lx-%lx", c->packs[i].start, c->packs[i].end);
		if ((n = readlink(name, target, sizeof(target) - 1)) <= 0)
			return 0;
		target[n] = '\0';
		if (!strstr(target, "/objects/pack/"))
			return 0;
	}
	return 1;
}

/* Drops the resident pages of the pack maps: those listed before while
 * no map came or went, else a new list (1). */
static int drop_pack_pages(sync_ctx *c)
{
	size_t i;
	/* a new pack window changes c->nondata_pages */
	if (!c->packs_listed || c->nondata_pages != c->listed_nondata_pages || !listed_still_mapped(c)) {
		list_and_drop(c);
		return 1;
	}
	for (i = 0; i < c->npacks; i++)
		madvise((void *)c->packs[i].start, c->packs[i].end - c->packs[i].start, MADV_DONTNEED);
	return 0;
}

/* Gives back what has grown since the last look. */
static void bound_now(sync_ctx *c)
{
	size_t file, anon;
	int listed = 0;
	resident_bytes(c, &file, &anon);
	if (file >= c->trim_file + FILE_ABOVE) {
		listed = drop_pack_pages(c);
		resident_bytes(c, &file, &anon);
		c->trim_file = file;
	}
#ifdef __GLIBC__
	/* the delta base cache frees and allocates objects of up to 150 KB
	 * all the time: half of the heap ends up free, in the middle of it,
	 * where only malloc_trim gives it back */
	if (anon >= c->trim_anon + HEAP_ABOVE) {
		malloc_trim(0);
		resident_bytes(c, &file, &anon);
		c->trim_anon = anon;
	}
#endif
	/* the size after the list's own buffer and the trim */
	if (listed)
		c->listed_nondata_pages = c->nondata_pages;
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

void sync_memory_dispose(sync_ctx *c)
{
	if (c->mem_open && c->statm_fd >= 0)
		close(c->statm_fd);
	c->mem_open = 0;
	c->statm_fd = -1;
	c->packs_listed = 0;
	c->npacks = 0;
}
