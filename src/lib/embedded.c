/*
 * embedded.c: lookup in the table of files compiled into the library.
 */
#include <string.h>

#include "embedded.h"

const stance_embedded_file *stance_embedded_find(const char *path)
{
	const stance_embedded_file *f;
	for (f = stance_embedded_files; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}
