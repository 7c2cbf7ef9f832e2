// SPDX-License-Identifier: GPL-2.0
/* Client history records for bftctl bench --history (see history.h). */
#include <inttypes.h>
#include <stdlib.h>

#include "history.h"

uint64_t hist_hash(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

void hist_add(struct hist *h, const struct hist_rec *r)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 4096;
		struct hist_rec *n = realloc(h->r, cap * sizeof(*n));

		if (!n) {
			h->oom = true;
			return;
		}
		h->r = n;
		h->cap = cap;
	}
	h->r[h->n++] = *r;
}

void hist_write(FILE *f, const struct hist *h, uint32_t id)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct hist_rec *r = &h->r[i];

		fprintf(f, "%u %" PRIu64 " ", id, r->t0);
		if (r->res == HIST_PENDING)
			fprintf(f, "- ");
		else
			fprintf(f, "%" PRIu64 " ", r->t1);
		if (r->put)
			fprintf(f, "put b%u-%u %016" PRIx64 " ", id, r->key,
				r->vh);
		else
			fprintf(f, "get b%u-%u - ", id, r->key);
		switch (r->res) {
		case HIST_OK:
			fprintf(f, "ok\n");
			break;
		case HIST_FOUND:
			fprintf(f, "=%016" PRIx64 "\n", r->vh);
			break;
		case HIST_NOT_FOUND:
			fprintf(f, "nf\n");
			break;
		default:
			fprintf(f, "?\n");
			break;
		}
	}
}

void hist_free(struct hist *h)
{
	free(h->r);
	h->r = NULL;
	h->n = h->cap = 0;
}
