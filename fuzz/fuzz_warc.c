/*
 * fuzz_warc.c: WARC records read (stance_warc_reader_next, warc.h) and the
 * HTTP message of each response parsed and decoded
 * (stance_http_response_parse): chunked framing, gzip and deflate.
 *
 * Input: a WARC file, plain or gzip-compressed. Properties: the reader
 * ends (at the end, or with a refusal that has a message naming the
 * input); every record's block lies inside what was read and has its
 * Content-Length; offsets grow; a response's payload, when it parses, is
 * within STANCE_WARC_PAYLOAD_MAX and its status is three digits; a
 * refusal has a message.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stance_warc_reader *r = NULL;
	stance_warc_record rec;
	uint64_t last = 0;
	int more, first = 1;
	if (stance_warc_reader_open_buffer(&r, "input.warc", data, size) < 0) {
		if (!strstr(stance_error_last(), "input.warc"))
			FUZZ_FAIL("a refused file's message does not name it: %s", stance_error_last());
		return 0;
	}
	while ((more = stance_warc_reader_next(r, &rec)) == 1) {
		const char *cl = stance_warc_get(&rec, "Content-Length"), *type = stance_warc_get(&rec, "WARC-Type");
		if (!cl || strtoull(cl, NULL, 10) != rec.block_len)
			FUZZ_FAIL("a record's block has %zu bytes, its Content-Length says %s", rec.block_len, cl ? cl : "none");
		if (!first && rec.offset < last)
			FUZZ_FAIL("record offsets go back: %llu after %llu", (unsigned long long)rec.offset,
				(unsigned long long)last);
		first = 0;
		last = rec.offset;
		if (type && !strcmp(type, "response")) {
			stance_http_response resp;
			if (stance_http_response_parse(&resp, rec.block, rec.block_len, "the record") == 0) {
				if (resp.status < 0 || resp.status > 999 || !resp.status_line)
					FUZZ_FAIL("status %ld", resp.status);
				if (resp.payload.size > STANCE_WARC_PAYLOAD_MAX)
					FUZZ_FAIL("a payload of %zu bytes", resp.payload.size);
				stance_http_response_dispose(&resp);
			} else if (!strstr(stance_error_last(), "the record")) {
				FUZZ_FAIL("an HTTP refusal does not name the record: %s", stance_error_last());
			}
		}
	}
	if (more < 0 && !strstr(stance_error_last(), "input.warc"))
		FUZZ_FAIL("a refused record's message does not name the file: %s", stance_error_last());
	stance_warc_reader_free(r);
	return 0;
}
