/*
 * test_sync_memory.c: the memory bound of a large fetch (sync_memory.c) on
 * real maps of real files under objects/pack/, mapped as libgit2 maps a
 * pack (read-only, shared): their pages are given back and read again
 * unchanged, and memory that took the place of a closed pack map is never
 * wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "sync_internal.h"

#define MAP_BYTES ((size_t)8 << 20)

/* File-backed resident memory of this process in bytes (statm's "shared");
 * 0 when it cannot be read. Read into the stack: no allocation between
 * two looks. */
static size_t file_resident(void)
{
	unsigned long size = 0, resident = 0, shared = 0;
	char buf[256];
	ssize_t n = 0;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		n = read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu %lu", &size, &resident, &shared) != 3)
		return 0;
	return (size_t)shared * (size_t)sysconf(_SC_PAGESIZE);
}

/* Bytes that differ from page to page and within a page. */
static unsigned char *pattern(unsigned seed)
{
	unsigned char *p = malloc(MAP_BYTES);
	size_t i;
	cr_assert(p);
	for (i = 0; i < MAP_BYTES; i++)
		p[i] = (unsigned char)(((i + seed) * 2654435761u) >> 24);
	return p;
}

/* Writes `bytes` to dir/objects/pack/name and maps the file read-only and
 * shared, as libgit2 maps a pack window. */
static unsigned char *map_pack(const char *dir, const char *name, const unsigned char *bytes)
{
	char path[4096];
	void *p;
	int fd;
	snprintf(path, sizeof(path), "%s/objects", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/objects/pack", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/objects/pack/%s", dir, name);
	cr_assert((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644)) >= 0);
	cr_assert_eq(write(fd, bytes, MAP_BYTES), (ssize_t)MAP_BYTES);
	p = mmap(NULL, MAP_BYTES, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert(p != MAP_FAILED, "cannot map %s: %s", path, strerror(errno));
	return p;
}

/* Reads one byte of every page: the map's pages become resident. */
static unsigned touch(const unsigned char *p)
{
	unsigned sum = 0;
	size_t i;
	for (i = 0; i < MAP_BYTES; i += 4096)
		sum += ((const volatile unsigned char *)p)[i];
	return sum;
}

/* A look at every checked-out file, as during a clone's checkout. */
static void look(sync_ctx *c)
{
	sync_checkout_progress("kl/web.md", 1, 2, c);
}

Test(sync_memory, the_pages_of_a_pack_map_are_given_back_and_read_again_unchanged, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	unsigned char *bytes = pattern(1), *map = map_pack(dir, "pack-a.pack", bytes);
	size_t before, touched;
	sync_ctx c;

	memset(&c, 0, sizeof(c));
	look(&c);
	before = file_resident();
	touch(map);
	touched = file_resident();
	cr_assert(before > 0);
	cr_assert_geq(touched, before + MAP_BYTES - ((size_t)1 << 20), "reading the map made it resident");
	look(&c);
	cr_assert_leq(file_resident() + MAP_BYTES - ((size_t)2 << 20), touched,
		"the map's pages were given back: %zu KB resident after %zu KB", file_resident() >> 10, touched >> 10);
	/* again (through the maps remembered, unless something grew the
	 * virtual size meanwhile) */
	touch(map);
	touched = file_resident();
	look(&c);
	cr_assert_leq(file_resident() + MAP_BYTES - ((size_t)2 << 20), touched, "given back a second time");
	cr_assert(memcmp(map, bytes, MAP_BYTES) == 0, "the map reads the file as before");
	sync_ctx_dispose(&c);
	munmap(map, MAP_BYTES);
	free(bytes);
	free(dir);
}

/* libgit2 closes a pack window and something else is mapped at its
 * addresses, of the same size and as read-only (a library's relocated
 * pages are such): the remembered range must not be dropped, or the
 * memory now there reads back as zeros. */
Test(sync_memory, memory_in_the_place_of_a_closed_pack_map_is_kept, .fini = th_cleanup)
{
	char *dir = th_tmpdir();
	unsigned char *a_bytes = pattern(1), *b_bytes = pattern(2), *keep = malloc(MAP_BYTES);
	unsigned char *a = map_pack(dir, "pack-a.pack", a_bytes), *b = map_pack(dir, "pack-b.pack", b_bytes);
	unsigned char *other;
	size_t touched, after;
	int unmapped, protected = -1;
	sync_ctx c;

	cr_assert(keep);
	memset(keep, 0x5a, MAP_BYTES);
	memset(&c, 0, sizeof(c));
	touch(a);
	touch(b);
	look(&c);
	look(&c);
	/* a closed, and private memory written then made read-only in its
	 * place; nothing else allocates until the next look (an assertion
	 * could), so statm's figures of the maps stay as they were */
	unmapped = munmap(a, MAP_BYTES);
	other = mmap(a, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (other != MAP_FAILED) {
		memset(other, 0x5a, MAP_BYTES);
		protected = mprotect(other, MAP_BYTES, PROT_READ);
	}
	touch(b);
	touched = file_resident();
	look(&c);
	after = file_resident();
	cr_assert_eq(unmapped, 0);
	cr_assert(other == a, "cannot map memory where the pack was: %s", strerror(errno));
	cr_assert_eq(protected, 0);
	cr_assert(touched > 0);
	cr_assert(memcmp(other, keep, MAP_BYTES) == 0, "the memory where a pack map was is intact");
	cr_assert_leq(after + MAP_BYTES - ((size_t)2 << 20), touched, "the pack map still open was given back");
	cr_assert(memcmp(b, b_bytes, MAP_BYTES) == 0);
	sync_ctx_dispose(&c);
	munmap(other, MAP_BYTES);
	munmap(b, MAP_BYTES);
	free(keep);
	free(a_bytes);
	free(b_bytes);
	free(dir);
}
