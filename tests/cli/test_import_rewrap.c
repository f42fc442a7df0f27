/*
 * test_import_rewrap.c: an archivist imports an article saved as plain
 * text, then the same article saved again, hard-wrapped at 40 columns by
 * another tool: stance reads it as the same document and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char unwrapped[] =
	"Opinion: Councils need room to plan for the sea\n\n"
	"By Priya Okafor\n\n"
	"4 December 2020\n\n"
	"Coastal councils face rising seas, heavier rain and more frequent storm surges, and they "
	"are asked to plan for all of it one budget year at a time.\n\n"
	"What we ask for\n\n"
	"We ask national government for three things:\n"
	"- a fund with a guaranteed floor for every coastal area;\n"
	"- one point of contact for coastal risk;\n"
	"- open flood and erosion data for every council.\n\n"
	"Adaptation must be planned for decades, not budget cycles, and the costs must be shared "
	"fairly between the state, the councils and the owners who are protected.\n";

static const char wrapped[] =
	"Opinion: Councils need room to plan for\n"
	"the sea\n\n"
	"By Priya Okafor\n\n"
	"4 December 2020\n\n"
	"Coastal councils face rising seas,\n"
	"heavier rain and more frequent storm\n"
	"surges, and they are asked to plan for\n"
	"all of it one budget year at a time.\n\n"
	"What we ask for\n\n"
	"We ask national government for three\n"
	"things:\n"
	"- a fund with a guaranteed floor for\n"
	"  every coastal area;\n"
	"- one point of contact for coastal risk;\n"
	"- open flood and erosion data for every\n"
	"  council.\n\n"
	"Adaptation must be planned for decades,\n"
	"not budget cycles, and the costs must be\n"
	"shared fairly between the state, the\n"
	"councils and the owners who are\n"
	"protected.\n";

Test(import_rewrap, the_same_article_wrapped_is_unchanged, .fini = th_cleanup)
{
	char *dir = th_tmpdir(), *doc;
	th_result r;
	OK(&r, dir, "init");
	th_result_free(&r);
	th_write(dir, "saved/first.txt", unwrapped);
	th_write(dir, "saved/again.txt", wrapped);

	OK(&r, dir, "import", "--id", "opinion/room-to-plan", "saved/first.txt");
	th_result_free(&r);
	doc = th_read(dir, "opinion/room-to-plan.md");
	cr_expect(strstr(doc, "title: \"Opinion: Councils need room to plan for the sea\"\n") ||
		strstr(doc, "title: Councils need room to plan for the sea\n"), "%s", doc);
	cr_expect(strstr(doc, "\n## What we ask for\n"), "%s", doc);
	cr_expect(strstr(doc, "  - a fund with a guaranteed floor for every coastal area;\n"), "%s", doc);
	free(doc);

	OK(&r, dir, "import", "--id", "opinion/room-to-plan", "saved/again.txt");
	cr_expect(strstr(r.out.ptr, "unchanged, nothing committed"), "the wrapped copy changed the "
		"document:\n%s%s", r.out.ptr, r.err.ptr);
	th_result_free(&r);
	free(dir);
}
