/*
 * json_out.h: the commands' --json output, built with jansson: strings that
 * are always JSON (bytes that are not UTF-8 become U+FFFD), and values
 * written in the layout of each command's page (docs/commands/).
 */
#ifndef STANCE_CLI_JSON_OUT_H
#define STANCE_CLI_JSON_OUT_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "stance.h"

/* The spacing of the values: ", " and ": " (list, log, show, ...), or none
 * at all (sync, pull, push, clone, remote). Keys keep the order they were
 * added in. */
#define CLI_JSON_SPACED JSON_PRESERVE_ORDER
#define CLI_JSON_COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* A JSON string holding `s`; JSON null for NULL. A byte sequence that is
 * not UTF-8 is replaced by U+FFFD, so the output stays JSON. NULL only when
 * out of memory. */
json_t *cli_json_str(const char *s);

/* A commit message or a sentence as a JSON string, without the trailing
 * newline (and other trailing white space) of the text; null for NULL. */
json_t *cli_json_message(const char *s);

/* The one date format of every --json output: a moment (Unix time `t`, at
 * `tz_minutes` east of UTC) in RFC 3339 with seconds and zone,
 * "2021-03-04T10:20:30+01:00", or "…Z" at UTC. */
json_t *cli_json_time(int64_t t, int tz_minutes);

/* An array of the `n` strings of `v`. */
json_t *cli_json_strings(const char *const *v, size_t n);

/* Appends `v` as JSON (one line, `flags` one of the above) to `out`, then
 * releases `v`. -1 when `v` is NULL (a value could not be built) or out of
 * memory. */
int cli_json_append(stance_buf *out, json_t *v, size_t flags);

/* The same, written to `out`. */
int cli_json_write(FILE *out, json_t *v, size_t flags);

#endif
