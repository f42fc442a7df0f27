/*
 * history_blobs.c: a document's revisions' blobs read in order, ahead of the
 * reader on a second thread (history.h, stance_history_blobs_*). A walk over
 * thousands of revisions (blame) spends about as long in libgit2's inflating
 * of deltas as in its own work; reading the next blobs while the caller works
 * on the last one overlaps the two.
 */
#include "git_internal.h"
#include "stance/history.h"

#include <pthread.h>
#include <stdio.h>

/* Blobs read ahead of the caller: enough to ride out a slow revision. */
#define AHEAD 8

struct stance_history_blobs {
	stance_repo *repo;
	char (*ids)[41];
	size_t count;
	size_t next_read, next_given; /* blobs read by the thread, given to the caller */
	stance_buf slot[AHEAD];
	int failed;                   /* the thread stopped at next_read on an error */
	int error_code;
	char *error_message;
	int stop, threaded, verify_before;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static int read_one(stance_buf *out, stance_repo *repo, const char *id)
{
	stance_buf_clear(out);
	if (!id[0])
		return 0; /* a revision that removed the document */
	return stance_history_read_blob(out, repo, id);
}

static void *read_ahead(void *payload)
{
	stance_history_blobs *r = payload;
	stance_buf buf = STANCE_BUF_INIT;
	size_t i;
	for (;;) {
		int error;
		pthread_mutex_lock(&r->lock);
		while (!r->stop && r->next_read < r->count && r->next_read - r->next_given >= AHEAD)
			pthread_cond_wait(&r->changed, &r->lock);
		if (r->stop || r->next_read == r->count) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		i = r->next_read;
		pthread_mutex_unlock(&r->lock);

		error = read_one(&buf, r->repo, r->ids[i]);

		pthread_mutex_lock(&r->lock);
		if (error < 0) {
			/* the message is this thread's; the caller's thread sets it again */
			r->failed = 1;
			r->error_code = error;
			r->error_message = strdup(stance_error_last());
		} else {
			stance_buf t = r->slot[i % AHEAD];
			r->slot[i % AHEAD] = buf;
			buf = t;
			r->next_read++;
		}
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		if (error < 0)
			break;
	}
	stance_buf_dispose(&buf);
	return NULL;
}

int stance_history_blobs_open(stance_history_blobs **out, stance_repo *repo,
	const char *const *blobs, size_t count)
{
	stance_history_blobs *r;
	size_t i;
	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))) || !(r->ids = calloc(count + 1, sizeof(*r->ids)))) {
		free(r);
		return stance_error_oom();
	}
	r->repo = repo;
	r->count = count;
	for (i = 0; i < count; i++)
		snprintf(r->ids[i], sizeof(r->ids[i]), "%s", blobs[i] ? blobs[i] : "");
	/* the objects are the repository's own: no re-hashing, as git reads them */
	r->verify_before = stance_git_verify_reads(0);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	/* with no second thread, stance_history_blobs_next reads each blob itself */
	r->threaded = count > 1 && pthread_create(&r->thread, NULL, read_ahead, r) == 0;
	*out = r;
	return 0;
}

int stance_history_blobs_next(stance_buf *out, stance_history_blobs *r)
{
	size_t i = r->next_given;
	int error = 0;
	if (i >= r->count)
		return stance_error_set(STANCE_ENOTFOUND, "no blob after the %zu read", r->count);
	if (!r->threaded) {
		if ((error = read_one(out, r->repo, r->ids[i])) < 0)
			return error;
		r->next_given++;
		return 0;
	}
	pthread_mutex_lock(&r->lock);
	while (r->next_read <= i && !r->failed)
		pthread_cond_wait(&r->changed, &r->lock);
	if (r->next_read > i) {
		stance_buf t = r->slot[i % AHEAD];
		r->slot[i % AHEAD] = *out;
		*out = t;
		r->next_given++;
		pthread_cond_broadcast(&r->changed);
	} else {
		error = stance_error_set(r->error_code < 0 ? r->error_code : STANCE_ERROR, "%s",
			r->error_message ? r->error_message : "cannot read a blob");
	}
	pthread_mutex_unlock(&r->lock);
	return error;
}

void stance_history_blobs_free(stance_history_blobs *r)
{
	size_t i;
	if (!r)
		return;
	if (r->threaded) {
		pthread_mutex_lock(&r->lock);
		r->stop = 1;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	stance_git_verify_reads(r->verify_before);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->changed);
	for (i = 0; i < AHEAD; i++)
		stance_buf_dispose(&r->slot[i]);
	free(r->error_message);
	free(r->ids);
	free(r);
}
