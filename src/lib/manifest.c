/*
 * manifest.c: the lines of an import manifest (manifest.h): split into
 * fields, counted, and their id, date and author read.
 */
#include "internal.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/manifest.h"
#include "stance/store.h"

/* Splits a TSV line in place; returns the number of fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		char *tab = strchr(p, '\t');
		fields[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

int stance_manifest_next(stance_manifest_line *out, char **cursor, size_t *lineno,
	const char *origin)
{
	char *p = *cursor;
	if (!origin)
		origin = "manifest";
	while (p && *p) {
		char *eol = strchr(p, '\n'), *fields[6];
		size_t nf;

		if (eol)
			*eol = '\0';
		(*lineno)++;
		if (eol && eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		if (!*p || *p == '#' || (*lineno == 1 && !strncmp(p, "file\t", 5))) {
			p = eol ? eol + 1 : p + strlen(p);
			continue;
		}
		nf = split_tabs(p, fields, STANCE_ARRAY_SIZE(fields));
		*cursor = eol ? eol + 1 : p + strlen(p);
		if (nf < 3 || nf > 5)
			return stance_error_set(STANCE_EPARSE, "%s:%zu: expected 3 to 5 tab-separated fields "
				"(file, id, date, author, message), found %s", origin, *lineno,
				nf > 5 ? "more" : (nf == 1 ? "1" : "2"));
		out->line = *lineno;
		out->fields = nf;
		out->file = fields[0];
		out->id = fields[1];
		out->date = fields[2];
		out->author = nf >= 4 ? fields[3] : "";
		out->message = nf >= 5 ? fields[4] : "";
		return 1;
	}
	*cursor = p;
	return 0;
}

/* "Name <email>" into its parts; 0 on success. */
static int parse_identity(char **name, char **email, const char *s)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t nlen = lt ? (size_t)(lt - s) : 0;
	while (nlen && s[nlen - 1] == ' ')
		nlen--;
	if (!lt || !gt || gt[1] || !nlen || gt == lt + 1)
		return -1;
	*name = strndup(s, nlen);
	*email = strndup(lt + 1, (size_t)(gt - lt - 1));
	return *name && *email ? 0 : -1;
}

int stance_manifest_check(const stance_manifest_line *line, const char *origin,
	stance_date *date, char **author_name, char **author_email)
{
	int error;
	*author_name = *author_email = NULL;
	if (!origin)
		origin = "manifest";
	if ((error = stance_id_validate(line->id)) < 0)
		return stance_error_prefix(error, "%s:%zu: '%s' is not a valid id: ", origin, line->line,
			line->id);
	if ((error = stance_date_parse(date, line->date)) < 0)
		return stance_error_prefix(error, "%s:%zu: ", origin, line->line);
	if (*line->author && parse_identity(author_name, author_email, line->author) < 0) {
		free(*author_name);
		free(*author_email);
		*author_name = *author_email = NULL;
		return stance_error_set(STANCE_EPARSE, "%s:%zu: the author '%s' is not 'Name <email>'",
			origin, line->line, line->author);
	}
	if (*author_name && (error = stance_store_check_identity(*author_name, *author_email)) < 0) {
		free(*author_name);
		free(*author_email);
		*author_name = *author_email = NULL;
		return stance_error_prefix(error, "%s:%zu: ", origin, line->line);
	}
	return 0;
}
