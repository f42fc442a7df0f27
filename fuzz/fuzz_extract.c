/*
 * fuzz_extract.c: an HTML page extracted as a document
 * (stance_extract_html), by the built-in main-content finder for inputs of
 * even length and by XPath select and remove rules for odd ones.
 * Properties: the document is at most EXTRACT_RATIO × the input plus
 * EXTRACT_SLACK bytes when serialised (no blow-up), and it serialises,
 * parses back and is a fixed point.
 */
#include "fuzz.h"

/* The bound on what extraction makes of a page: EXTRACT_RATIO bytes of
 * serialised document per input byte, plus EXTRACT_SLACK for the front
 * matter (the source URL, the title) and the smallest pages. */
#define EXTRACT_RATIO 16
#define EXTRACT_SLACK 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const select[] = { "//main | //article", "//div[@id='content']" };
	static const char *const remove[] = { "//nav | //footer", "//*[contains(@class, 'share')]" };
	stance_extract_options opts = STANCE_EXTRACT_OPTIONS_INIT;
	stance_document *doc = NULL;
	stance_buf s1 = STANCE_BUF_INIT;
	int rc;

	opts.url = "https://user:pw@example.org/news/2020/article.html?utm_source=x#top";
	if (size & 1) {
		opts.select = select;
		opts.select_count = STANCE_ARRAY_SIZE(select);
		opts.remove = remove;
		opts.remove_count = STANCE_ARRAY_SIZE(remove);
	}
	if ((rc = stance_extract_html(&doc, (const char *)data, size, &opts)) < 0) {
		if (!*stance_error_last())
			FUZZ_FAIL("stance_extract_html failed (%d) without a message", rc);
		return 0;
	}
	fuzz_serialize(&s1, doc, "extracted document");
	if (s1.size > (size_t)EXTRACT_RATIO * size + EXTRACT_SLACK)
		FUZZ_FAIL("%zu bytes of HTML extracted to %zu bytes, over %d × input + %d",
			size, s1.size, EXTRACT_RATIO, EXTRACT_SLACK);
	fuzz_check_fixed_point(&s1, "extracted document");
	stance_buf_dispose(&s1);
	stance_document_free(doc);
	return 0;
}
