/*
 * fetch_internal.h: the fetch module's pure parts, for its unit tests and
 * fuzz targets: robots.txt matching and the classification of addresses as
 * private. Not part of the API.
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

/*
 * Whether `address` (an IPv4 or IPv6 address in text form, e.g. "10.1.2.3",
 * "::ffff:127.0.0.1", "fe80::1") lies in one of `ranges`, as
 * stance_fetch_options.private_ranges has them (NULL-terminated CIDR ranges
 * such as "10.0.0.0/8" or "fc00::/7", single addresses, "default" for the
 * default list; NULL: the default list). An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is also tried as its IPv4 address. 1 private, 0 not;
 * STANCE_EINVALID naming what does not parse. The pure part of the check
 * that keeps a redirect from a public source off private addresses.
 */
int stance_address_is_private(const char *address, const char *const *ranges);

#endif
