/*
 * fuzz_manifest.c: an import manifest read line by line
 * (stance_manifest_next, stance_manifest_check; manifest.h), after the
 * UTF-8 check `stance import --manifest` makes. Properties: every line read
 * has 3 to 5 fields and a line number above the one before; a refusal
 * names the manifest and carries a message; a line that passes has a
 * valid id and, when it names an author, a non-empty name and email.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *p;
	size_t lineno = 0, last = 0;
	int rc;

	if (stance_utf8_validate((const char *)data, size, "fuzz.tsv") < 0)
		return 0;
	p = text = fuzz_strndup(data, size);
	for (;;) {
		stance_manifest_line l;
		stance_date date;
		char *name = NULL, *email = NULL;

		rc = stance_manifest_next(&l, &p, &lineno, "fuzz.tsv");
		if (rc == 0)
			break;
		if (rc < 0) {
			if (strncmp(stance_error_last(), "fuzz.tsv:", 9))
				FUZZ_FAIL("a refused line is not named: %s", stance_error_last());
			break;
		}
		if (rc != 1)
			FUZZ_FAIL("stance_manifest_next returned %d", rc);
		if (l.fields < 3 || l.fields > 5 || !l.file || !l.id || !l.date || !l.author || !l.message)
			FUZZ_FAIL("line %zu read with %zu fields", l.line, l.fields);
		if (l.line <= last || l.line > lineno)
			FUZZ_FAIL("line number %zu after %zu (%zu lines counted)", l.line, last, lineno);
		last = l.line;
		if (p < text || p > text + size)
			FUZZ_FAIL("the cursor left the text");
		if (stance_manifest_check(&l, "fuzz.tsv", &date, &name, &email) < 0) {
			if (strncmp(stance_error_last(), "fuzz.tsv:", 9))
				FUZZ_FAIL("a refused line is not named: %s", stance_error_last());
			if (name || email)
				FUZZ_FAIL("a refused line left an author behind");
			continue;
		}
		if (stance_id_validate(l.id) < 0)
			FUZZ_FAIL("line %zu passed with the id '%s': %s", l.line, l.id, stance_error_last());
		if (*l.author && (!name || !email || !*name || !*email))
			FUZZ_FAIL("line %zu passed with the author '%s' but no name or email", l.line, l.author);
		if (!*l.author && (name || email))
			FUZZ_FAIL("line %zu has no author but one was read", l.line);
		free(name);
		free(email);
	}
	free(text);
	return 0;
}
