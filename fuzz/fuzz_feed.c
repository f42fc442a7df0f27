/*
 * fuzz_feed.c: feed bytes parsed as RSS 2.0 (or RSS 1.0), Atom or a
 * sitemap (stance_feed_parse, extract.h). Properties: a failure carries a
 * message; each item's URL is a string (read to its end, so ASan sees
 * every byte) and so is its title when there is one; a callback's non-zero
 * return stops the walk and comes back.
 */
#include "fuzz.h"

/* Stops the walk after this many items when the second pass asks it to. */
#define STOP_AFTER 2

typedef struct {
	size_t items, bytes, stop_after;
} walk;

static int on_item(const char *url, const char *title, void *payload)
{
	walk *w = payload;
	if (!url)
		FUZZ_FAIL("an item came with a NULL url");
	w->bytes += strlen(url) + (title ? strlen(title) : 0);
	w->items++;
	if (w->stop_after && w->items == w->stop_after)
		return 42;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk all = { 0, 0, 0 }, some = { 0, 0, STOP_AFTER };
	int rc;

	rc = stance_feed_parse((const char *)data, size, "https://example.org/news/feed.xml", on_item, &all);
	if (rc < 0) {
		if (!*stance_error_last())
			FUZZ_FAIL("stance_feed_parse failed (%d) without a message", rc);
		return 0;
	}
	if (rc != 0)
		FUZZ_FAIL("stance_feed_parse returned %d though no callback stopped it", rc);
	rc = stance_feed_parse((const char *)data, size, "https://example.org/news/feed.xml", on_item, &some);
	if (all.items >= STOP_AFTER && (rc != 42 || some.items != STOP_AFTER))
		FUZZ_FAIL("the walk did not stop when the callback said so (%d, after %zu items)", rc, some.items);
	if (all.items < STOP_AFTER && (rc != 0 || some.items != all.items))
		FUZZ_FAIL("a second walk over the same feed differs (%d, %zu items, not %zu)", rc, some.items,
			all.items);
	return 0;
}
