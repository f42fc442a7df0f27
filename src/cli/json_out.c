/*
 * json_out.c: --json values built and written with jansson.
 */
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "cli.h"
#include "json_out.h"

/* `s` with every sequence that is not UTF-8 replaced by U+FFFD. */
static json_t *repaired(const char *s)
{
	stance_buf b = STANCE_BUF_INIT;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s), n;
	json_t *v = NULL;
	int error = 0;

	while (left > 0 && !error) {
		utf8proc_int32_t cp;
		n = utf8proc_iterate(p, left, &cp);
		if (n < 1) {
			error = stance_buf_puts(&b, "\xEF\xBF\xBD");
			n = 1;
		} else {
			error = stance_buf_put(&b, (const char *)p, (size_t)n);
		}
		p += n;
		left -= n;
	}
	if (!error)
		v = json_stringn(stance_buf_cstr(&b), b.size);
	stance_buf_dispose(&b);
	return v;
}

json_t *cli_json_str(const char *s)
{
	json_t *v;
	if (!s)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	return repaired(s);
}

json_t *cli_json_message(const char *s)
{
	stance_buf b = STANCE_BUF_INIT;
	size_t n;
	json_t *v = NULL;
	if (!s)
		return json_null();
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (stance_buf_put(&b, s, n) == 0)
		v = cli_json_str(stance_buf_cstr(&b));
	stance_buf_dispose(&b);
	return v;
}

json_t *cli_json_time(int64_t t, int tz_minutes)
{
	char out[40];
	struct tm tm;
	time_t local = (time_t)(t + (int64_t)tz_minutes * 60);
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	if (!gmtime_r(&local, &tm))
		return json_null();
	if (!tz_minutes)
		strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	else {
		size_t n = strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(out + n, sizeof(out) - n, "%c%02d:%02d", tz_minutes < 0 ? '-' : '+', off / 60, off % 60);
	}
	return json_string(out);
}

json_t *cli_json_strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;
	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, cli_json_str(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int cli_json_append(stance_buf *out, json_t *v, size_t flags)
{
	char *text;
	int error;
	if (!v)
		return -1;
	text = json_dumps(v, flags | JSON_ENCODE_ANY);
	json_decref(v);
	if (!text)
		return -1;
	error = stance_buf_puts(out, text);
	free(text);
	return error < 0 ? -1 : 0;
}

int cli_json_write(FILE *out, json_t *v, size_t flags)
{
	stance_buf b = STANCE_BUF_INIT;
	int error = cli_json_append(&b, v, flags);
	if (!error)
		fwrite(stance_buf_cstr(&b), 1, b.size, out);
	stance_buf_dispose(&b);
	return error;
}
