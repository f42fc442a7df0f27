/*
 * common.c: the last-error message, the growable string buffer and arrays,
 * and file I/O.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static _Thread_local char error_message[2048];

const char *stance_error_last(void)
{
	return error_message;
}

void stance_error_clear(void)
{
	error_message[0] = '\0';
}

int stance_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error_message, sizeof(error_message), fmt, ap);
	va_end(ap);
	return code;
}

int stance_error_prefix(int code, const char *fmt, ...)
{
	char prefix[1024], old[sizeof(error_message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, error_message, sizeof(old));
	{
		/* prefix + old message, cut to fit */
		size_t p = strlen(prefix), o = strlen(old), room = sizeof(error_message) - 1;
		if (p > room)
			p = room;
		if (o > room - p)
			o = room - p;
		memcpy(error_message, prefix, p);
		memcpy(error_message + p, old, o);
		error_message[p + o] = '\0';
	}
	return code;
}

int stance_error_oom(void)
{
	return stance_error_set(STANCE_ERROR, "out of memory");
}

char *stance_strdup(const char *s)
{
	char *copy;
	if (!s)
		return NULL;
	if (!(copy = strdup(s)))
		stance_error_oom();
	return copy;
}

char *stance_strndup(const char *s, size_t n)
{
	char *copy;
	if (!s)
		return NULL;
	if (!(copy = strndup(s, n)))
		stance_error_oom();
	return copy;
}

uint32_t stance_fnv32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = STANCE_FNV32_BASIS;
	size_t i;
	for (i = 0; i < len; i++)
		h = stance_fnv32_step(h, p[i]);
	return h;
}

uint64_t stance_fnv64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = STANCE_FNV64_BASIS;
	size_t i;
	for (i = 0; i < len; i++)
		h = stance_fnv64_step(h, p[i]);
	return h;
}

uint64_t stance_checksum64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = STANCE_FNV64_BASIS ^ (uint64_t)len, w;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = stance_fnv64_step(h, p[i]);
	return h;
}

int stance_parse_int(long *out, const char *s, long min, long max)
{
	char *end;
	long v;
	if (!s || !*s)
		return STANCE_EINVALID;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return STANCE_EINVALID;
	*out = v;
	return 0;
}

/* The largest object stance allocates: pointer differences within it must
 * fit in ptrdiff_t, and no malloc hands out more. */
#define ALLOC_MAX ((size_t)PTRDIFF_MAX)

int stance_array_grow(void *array, size_t *cap, size_t need, size_t elem_size)
{
	void *items, *grown;
	size_t n = *cap ? *cap : 16, most = ALLOC_MAX / (elem_size ? elem_size : 1);
	if (need <= *cap)
		return 0;
	if (need > most)
		return stance_error_set(STANCE_ERROR,
			"out of memory: %zu items of %zu bytes are more than one allocation may hold", need, elem_size);
	while (n < need)
		n = n > most / 2 ? need : n * 2;
	/* a `T **` is read and written as the bytes of a pointer, not through a
	 * `void **`, which may not alias it */
	memcpy(&items, array, sizeof(items));
	if (!(grown = realloc(items, elem_size ? n * elem_size : 1)))
		return stance_error_oom();
	memcpy(array, &grown, sizeof(grown));
	*cap = n;
	return 0;
}

int stance_buf_grow(stance_buf *buf, size_t extra)
{
	size_t need, asize;
	char *p;
	if (extra > ALLOC_MAX - 1 - buf->size)
		return stance_error_set(STANCE_ERROR,
			"out of memory: a string of %zu bytes cannot grow by %zu more", buf->size, extra);
	need = buf->size + extra + 1;
	if (need <= buf->asize)
		return 0;
	asize = buf->asize ? buf->asize : 64;
	while (asize < need)
		asize = asize > (ALLOC_MAX - 64) / 3 * 2 ? need : asize + asize / 2 + 64;
	if (!(p = realloc(buf->ptr, asize)))
		return stance_error_oom();
	buf->ptr = p;
	buf->asize = asize;
	return 0;
}

int stance_buf_put(stance_buf *buf, const char *data, size_t len)
{
	if (stance_buf_grow(buf, len) < 0)
		return STANCE_ERROR;
	if (len)
		memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int stance_buf_puts(stance_buf *buf, const char *str)
{
	return stance_buf_put(buf, str, strlen(str));
}

int stance_buf_putc(stance_buf *buf, char c)
{
	return stance_buf_put(buf, &c, 1);
}

int stance_buf_printf(stance_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return stance_error_set(STANCE_ERROR, "cannot format a message");
	if (stance_buf_grow(buf, (size_t)n) < 0)
		return STANCE_ERROR;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
	return 0;
}

void stance_buf_clear(stance_buf *buf)
{
	buf->size = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

char *stance_buf_detach(stance_buf *buf)
{
	char *p = buf->ptr;
	if (!p)
		p = stance_strdup("");
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	return p;
}

const char *stance_buf_cstr(const stance_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}

void stance_buf_dispose(stance_buf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

int stance_buf_put_json_string(stance_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int error = stance_buf_putc(buf, '"');
	for (; !error && *p; p++) {
		switch (*p) {
		case '"': error = stance_buf_puts(buf, "\\\""); break;
		case '\\': error = stance_buf_puts(buf, "\\\\"); break;
		case '\n': error = stance_buf_puts(buf, "\\n"); break;
		case '\r': error = stance_buf_puts(buf, "\\r"); break;
		case '\t': error = stance_buf_puts(buf, "\\t"); break;
		default:
			if (*p < 0x20)
				error = stance_buf_printf(buf, "\\u%04x", *p);
			else
				error = stance_buf_putc(buf, (char)*p);
		}
	}
	return error ? error : stance_buf_putc(buf, '"');
}

static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a folder" : S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ? "a character device" :
		S_ISBLK(mode) ? "a block device" : S_ISSOCK(mode) ? "a socket" : "not a file";
}

static int file_read(stance_buf *out, const char *path, size_t max, int streams)
{
	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one, since
	 * a file that must be regular is refused once opened. A stream is read as
	 * cat reads it: opening a FIFO waits for its writer, or a writer that
	 * opens it a moment later finds nobody reading (and the reader read an
	 * empty text). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (streams ? 0 : O_NONBLOCK)), flags, error = 0;
	size_t start = out->size, total = 0;
	struct stat st;

	if (fd < 0)
		return stance_error_set(errno == ENOENT ? STANCE_ENOTFOUND : STANCE_ERROR,
			"%s: cannot read: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = stance_error_set(STANCE_ERROR, "%s: cannot read: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) && !(streams && !S_ISDIR(st.st_mode))) {
		error = stance_error_set(STANCE_EINVALID, "%s: cannot read: not a regular file (%s)", path,
			file_kind(st.st_mode));
		goto done;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		error = stance_error_set(STANCE_ERROR, "%s: cannot read: %s", path, strerror(errno));
		goto done;
	}
	if (S_ISREG(st.st_mode) && (st.st_size < 0 || (uint64_t)st.st_size > max))
		goto too_large;
	/* room for the whole file at once, so reading does not grow (and copy)
	 * the buffer step by step */
	if ((error = stance_buf_grow(out, S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536)) < 0)
		goto done;
	for (;;) {
		ssize_t n;
		size_t room;
		if (out->asize - out->size < 4096 && (error = stance_buf_grow(out, 65536)) < 0)
			goto done;
		room = out->asize - out->size - 1;
		if (room > max - total + 1)
			room = max - total + 1; /* one byte past the bound tells a file that grew */
		if ((n = read(fd, out->ptr + out->size, room)) < 0) {
			if (errno == EINTR)
				continue;
			error = stance_error_set(STANCE_ERROR, "%s: cannot read: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		out->size += (size_t)n;
		total += (size_t)n;
		if (total > max)
			goto too_large;
	}
	out->ptr[out->size] = '\0';
	goto done;
too_large:
	error = stance_error_set(STANCE_EINVALID, "%s: cannot read: the file is larger than %zu MiB%s", path,
		max >> 20, max == STANCE_DOCUMENT_MAX_SIZE ? ", the most a document may be" : "");
done:
	close(fd);
	if (error) {
		out->size = start;
		if (out->ptr)
			out->ptr[start] = '\0';
	}
	return error;
}

int stance_file_read_max(stance_buf *out, const char *path, size_t max)
{
	return file_read(out, path, max, 0);
}

int stance_file_read_stream(stance_buf *out, const char *path, size_t max)
{
	return file_read(out, path, max, 1);
}

int stance_file_read(stance_buf *out, const char *path)
{
	return stance_file_read_max(out, path, STANCE_FILE_MAX_SIZE);
}

int stance_mkdirs_for(const char *file)
{
	char *copy = stance_strdup(file), *slash;
	int error = 0;
	if (!copy)
		return STANCE_ERROR;
	for (slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			error = stance_error_set(STANCE_ERROR, "%s: cannot create the folder: %s", copy, strerror(errno));
			break;
		}
		*slash = '/';
	}
	free(copy);
	return error;
}

int stance_file_write_atomic(const char *path, const char *data, size_t len)
{
	return stance_file_write_replace(path, data, len, 1);
}

int stance_file_write_replace(const char *path, const char *data, size_t len, int durable)
{
	stance_buf tmp = STANCE_BUF_INIT;
	int fd = -1, error = 0;
	size_t done = 0;

	if ((error = stance_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid())) < 0)
		goto done;
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", path, strerror(errno));
		goto done;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", path, strerror(errno));
			goto done;
		}
		done += (size_t)n;
	}
	if ((durable && fsync(fd) < 0) || close(fd) < 0) {
		fd = -1;
		error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0)
		error = stance_error_set(STANCE_ERROR, "%s: cannot write: %s", path, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (error && tmp.ptr)
		unlink(tmp.ptr);
	stance_buf_dispose(&tmp);
	return error;
}

int stance_options_version_error(const char *type, unsigned int got, unsigned int want)
{
	return stance_error_set(STANCE_EINVALID, "%s of version %u is not one this library knows (version %u): "
		"fill it from this release's header (its _INIT macro)", type, got, want);
}
