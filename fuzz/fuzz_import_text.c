/*
 * fuzz_import_text.c: plain text imported as a document (stance_import_text)
 * with the shipped word lists, read as Danish or English by the input's
 * length (odd: English). Properties: a refusal carries a message; what is
 * imported is a document that serialises, parses back and is a fixed point.
 */
#include "fuzz.h"

static stance_import_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (stance_import_rules_load(&rules, NULL) < 0) {
		fprintf(stderr, "fuzz_import_text: %s\n", stance_error_last());
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stance_import_options opts = STANCE_IMPORT_OPTIONS_INIT;
	stance_document *doc = NULL;
	stance_buf report = STANCE_BUF_INIT, s1 = STANCE_BUF_INIT;

	opts.rules = rules;
	opts.language = size & 1 ? "en" : "da";
	if (stance_import_text(&doc, (const char *)data, size, "fuzz.txt", &opts, &report) < 0) {
		if (!*stance_error_last())
			FUZZ_FAIL("stance_import_text failed without a message");
		stance_buf_dispose(&report);
		return 0;
	}
	fuzz_serialize(&s1, doc, "imported document");
	fuzz_check_fixed_point(&s1, "imported document");
	stance_buf_dispose(&s1);
	stance_buf_dispose(&report);
	stance_document_free(doc);
	return 0;
}
