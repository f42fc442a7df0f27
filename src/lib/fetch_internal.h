/*
 * fetch_internal.h: the fetch module's pure parts, for its unit tests and
 * fuzz targets: robots.txt matching. Not part of the API.
 */
#ifndef STANCE_FETCH_INTERNAL_H
#define STANCE_FETCH_INTERNAL_H

#include <stddef.h>

/*
 * Whether `path` (NUL-terminated) matches the robots.txt pattern
 * pattern[0, len): '*' stands for any sequence of bytes, a '$' that ends the
 * pattern anchors it at the end of the path, every other byte stands for
 * itself (percent-escapes are compared as written); a pattern without '$'
 * matches every path it is a prefix of. 1 or 0. Linear time, no recursion.
 */
int stance_robots_match(const char *pattern, size_t len, const char *path);

/*
 * stance_robots_allowed() on robots.txt text robots[0, len), which need not
 * be NUL-terminated and may hold any bytes (a NUL ends a line): the entry
 * point for fuzzing the robots.txt reader.
 */
int stance_robots_allowed_len(const char *robots, size_t len, const char *agent, const char *path);

#endif
