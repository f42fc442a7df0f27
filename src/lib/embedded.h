/* embedded.h: files of repo-template/, hooks/ and data/, compiled in. */
#ifndef STANCE_EMBEDDED_H
#define STANCE_EMBEDDED_H
#include <stddef.h>

typedef struct {
	const char *path;           /* e.g. "repo-template/.gitattributes"; NULL ends the table */
	const unsigned char *data;  /* NUL-terminated */
	size_t len;
	int executable;
} stance_embedded_file;

extern const stance_embedded_file stance_embedded_files[];

/* The embedded file at `path`, or NULL. */
const stance_embedded_file *stance_embedded_find(const char *path);
#endif
