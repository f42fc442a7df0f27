/*
 * common.h: error codes, the last-error message and the version of libstance.
 *
 * Every libstance function returns 0 on success or a negative STANCE_E* code.
 * After a failure, stance_error_last() holds a sentence that names the file,
 * document, URL or line concerned. The message is per thread and stays valid
 * until the next failing call on that thread.
 */
#ifndef STANCE_COMMON_H
#define STANCE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STANCE_VERSION "0.1.0"

/*
 * STANCE_PRINTF_LIKE(f, a): tells GCC and Clang that argument f is a printf
 * format whose arguments start at a, so they check the calls. Empty for any
 * other compiler, and when STANCE_NO_ATTRIBUTES is defined, so this header
 * is plain C99 for every compiler. Every attribute of the public headers goes
 * through a macro like this one (tests/install/header.sh checks it).
 */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(STANCE_NO_ATTRIBUTES)
#define STANCE_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define STANCE_PRINTF_LIKE(f, a)
#endif

typedef enum {
	STANCE_OK = 0,
	STANCE_ERROR = -1,      /* generic failure (I/O, out of memory, git) */
	STANCE_ENOTFOUND = -3,  /* no such document, revision, file or source */
	STANCE_EEXISTS = -4,    /* it is already there */
	STANCE_EAMBIGUOUS = -5, /* a prefix names more than one document */
	STANCE_EPARSE = -6,     /* malformed input: front matter, date, UTF-8 */
	STANCE_ENETWORK = -7,   /* could not reach a host */
	STANCE_EHTTP = -8,      /* the server answered with an error status */
	STANCE_ECONFLICT = -9,  /* a merge needs a person to decide */
	STANCE_ELOCKED = -10,   /* another stance is writing to the repository */
	STANCE_EINVALID = -11,  /* an argument is not acceptable (bad id, bad option) */
	STANCE_ENOTREPO = -12   /* the folder is not a stance repository */
} stance_error_code;

/* The message of the last failure on this thread, or "" if none. Borrowed. */
const char *stance_error_last(void);

/* Clears the last-error message. */
void stance_error_clear(void);

/*
 * A growable, NUL-terminated byte string. Initialise with STANCE_BUF_INIT;
 * release with stance_buf_dispose(). `ptr` is never NULL after a successful
 * append; it is NULL for an empty, never-grown buffer.
 */
typedef struct {
	char *ptr;
	size_t size;  /* bytes used, not counting the terminating NUL */
	size_t asize; /* bytes allocated */
} stance_buf;

#define STANCE_BUF_INIT { NULL, 0, 0 }

/* Makes room for `extra` more bytes (and the NUL). Fails, the buffer left as
 * it was, when the size would overflow size_t or memory runs out. */
int stance_buf_grow(stance_buf *buf, size_t extra);
int stance_buf_put(stance_buf *buf, const char *data, size_t len);
int stance_buf_puts(stance_buf *buf, const char *str);
int stance_buf_putc(stance_buf *buf, char c);
int stance_buf_printf(stance_buf *buf, const char *fmt, ...) STANCE_PRINTF_LIKE(2, 3);
void stance_buf_clear(stance_buf *buf);
/* Returns the string (never NULL; "" for an empty buffer); the caller now owns
 * it and frees it with free(). The buffer is left empty. */
char *stance_buf_detach(stance_buf *buf);
/* The contents as a C string; "" for an empty buffer. Borrowed. */
const char *stance_buf_cstr(const stance_buf *buf);
void stance_buf_dispose(stance_buf *buf);

/* Appends `s` with JSON string escaping, in double quotes. */
int stance_buf_put_json_string(stance_buf *buf, const char *s);

/* Bounded string-to-integer conversion: the whole of `s` must be a decimal
 * integer in [min, max]; STANCE_EINVALID otherwise. */
int stance_parse_int(long *out, const char *s, long min, long max);

#define STANCE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Grows an array of `elem_size`-byte items so that it holds at least `need`
 * of them. `array` is the address of the array's pointer (a `T **`, NULL for
 * an array never grown); `*cap` its capacity in items. The capacity at least
 * doubles (16 items the first time), so appending one item at a time costs
 * amortised constant time. The items already there are kept; new room is not
 * initialised. Returns 0, or STANCE_ERROR with a message when `need` items
 * would not fit in size_t bytes or memory runs out; on failure the array and
 * `*cap` are left as they were.
 */
int stance_array_grow(void *array, size_t *cap, size_t need, size_t elem_size);

/*
 * The largest file stance_file_read() reads: 1 GiB, a bound on memory for a
 * file that grows while it is read. Documents have a smaller bound,
 * STANCE_DOCUMENT_MAX_SIZE (document.h), read with stance_file_read_max().
 */
#define STANCE_FILE_MAX_SIZE (1024u * 1024u * 1024u)

/* The largest document file, 32 MiB (document.h says what it bounds); the
 * file reader's message names it when it is the bound refused. */
#define STANCE_DOCUMENT_MAX_SIZE (32u * 1024u * 1024u)

/*
 * Appends a whole regular file to `out`. Anything else (a folder, a device
 * such as /dev/zero, a FIFO, a socket) is refused without waiting on it, as
 * is a file past STANCE_FILE_MAX_SIZE (checked while reading too). Fails
 * with a message naming the path; on failure `out` is left as it was.
 */
int stance_file_read(stance_buf *out, const char *path);

/* stance_file_read(), refusing a file larger than `max` bytes. */
int stance_file_read_max(stance_buf *out, const char *path, size_t max);

/*
 * stance_file_read_max(), also taking a pipe or a device (`diff --files
 * <(cmd) b`), read until its end or past `max` bytes, which is refused. For
 * commands that hold no lock while they wait on it.
 */
int stance_file_read_stream(stance_buf *out, const char *path, size_t max);

/*
 * Writes `data` to `path` atomically: a temporary file beside it is written,
 * flushed and renamed over the target, so a reader never sees half a file.
 */
int stance_file_write_atomic(const char *path, const char *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
