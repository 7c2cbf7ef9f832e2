// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in replicated service: a bounded key-value store.
 *
 * Live data sits in a table preallocated at create: max_keys fixed-size
 * slots plus an index of slot ids kept sorted by key. Execution therefore
 * never allocates, so memory pressure cannot make one replica's result
 * differ from another's, and the canonical (sorted) snapshot is a plain
 * walk of the index. Snapshots are byte copies taken at checkpoints, at
 * most max_snaps at once. State transfer parses chunks into a second table
 * and swaps it in only when the whole snapshot has arrived and was
 * accepted.
 */
#include "kv.h"
#include "engine/engine.h"
#include <linux/bft_wire.h>

/* Upper bound for one table, so limits cannot ask for absurd memory. */
#define KV_TABLE_MAX	(256ULL << 20)

struct kv_table {
	u32 n;			/* entries */
	u32 nfree;
	u64 bytes;		/* key + value bytes of all entries */
	u32 *order;		/* n slot ids, sorted by key */
	u32 *free;		/* nfree free slot ids, a stack */
	u32 *vlen;		/* per slot */
	u16 *klen;		/* per slot */
	u8 *data;		/* per slot: max_key key bytes, then the value */
	u32 max_keys;
	u32 max_key;
	u32 stride;
};

struct kv_snap {
	u64 seq;
	u64 len;
	u8 *buf;		/* NULL: free */
};

enum { IN_HDR, IN_ENT, IN_KEY, IN_VAL, IN_END };

/* An install in progress: a streaming parser into a staging table. */
struct kv_install {
	struct kv_table *t;	/* NULL when idle */
	u64 seq;
	u64 off;		/* bytes accepted so far */
	u64 total;		/* announced snapshot length */
	u32 count;		/* announced entries */
	u32 phase;		/* IN_* */
	u32 need;		/* bytes of the current field */
	u32 have;		/* of which received */
	u32 slot;		/* entry being filled */
	bool failed;
	u8 hbuf[BFT_KV_SNAP_HDR_LEN];
};

struct bft_kv {
	struct bft_kv_limits lim;
	struct kv_table *live;
	struct kv_snap *snaps;	/* max_snaps */
	struct kv_install in;
	struct bft_kv_stats st;
	/* bft_kv_digest() of live, valid until live changes. */
	u8 digest[BFT_DIGEST_LEN];
	bool digest_ok;
};

void bft_kv_limits_default(struct bft_kv_limits *lim)
{
	if (!lim->max_key)
		lim->max_key = BFT_KV_DEFAULT_MAX_KEY;
	if (!lim->max_value)
		lim->max_value = BFT_KV_DEFAULT_MAX_VALUE;
	if (!lim->max_keys)
		lim->max_keys = BFT_KV_DEFAULT_MAX_KEYS;
	if (!lim->max_snaps)
		lim->max_snaps = BFT_KV_DEFAULT_MAX_SNAPS;
}

static u64 kv_table_size(const struct bft_kv_limits *lim)
{
	u64 slot = (u64)lim->max_key + lim->max_value + 3 * sizeof(u32) +
		   sizeof(u16);

	return sizeof(struct kv_table) + lim->max_keys * slot;
}

int bft_kv_limits_check(const struct bft_kv_limits *lim)
{
	/* A CAS carries two values; a GET or CAS result carries one. */
	u64 op = BFT_KV_OP_HDR_LEN + (u64)lim->max_key + 2ULL * lim->max_value;
	u64 res = BFT_KV_RES_HDR_LEN + (u64)lim->max_value;

	if (!lim->max_key || lim->max_key > BFT_KV_KEY_MAX ||
	    !lim->max_keys || lim->max_keys > BFT_KV_KEYS_MAX ||
	    !lim->max_snaps || lim->max_snaps > BFT_KV_SNAPS_MAX ||
	    op > BFT_MAX_OP || res > BFT_MAX_RESULT ||
	    kv_table_size(lim) > KV_TABLE_MAX)
		return -EINVAL;
	return 0;
}

static void kv_table_reset(struct kv_table *t)
{
	u32 i;

	t->n = 0;
	t->bytes = 0;
	/* Pop order 0, 1, 2...: slot use is deterministic (not required). */
	for (i = 0; i < t->max_keys; i++)
		t->free[i] = t->max_keys - 1 - i;
	t->nfree = t->max_keys;
}

static struct kv_table *kv_table_alloc(const struct bft_kv_limits *lim)
{
	size_t mk = lim->max_keys;
	struct kv_table *t;
	u8 *p;

	p = bft_zalloc(kv_table_size(lim));
	if (!p)
		return NULL;
	t = (struct kv_table *)p;
	p += sizeof(*t);
	t->order = (u32 *)p;
	p += mk * sizeof(u32);
	t->free = (u32 *)p;
	p += mk * sizeof(u32);
	t->vlen = (u32 *)p;
	p += mk * sizeof(u32);
	t->klen = (u16 *)p;
	p += mk * sizeof(u16);
	t->data = p;
	t->max_keys = lim->max_keys;
	t->max_key = lim->max_key;
	t->stride = lim->max_key + lim->max_value;
	kv_table_reset(t);
	return t;
}

static u8 *kv_key(const struct kv_table *t, u32 slot)
{
	return t->data + (size_t)slot * t->stride;
}

static u8 *kv_val(const struct kv_table *t, u32 slot)
{
	return kv_key(t, slot) + t->max_key;
}

/* Binary search; *pos is the match or the insertion point. */
static bool kv_find(const struct kv_table *t, const u8 *key, u32 klen,
		    u32 *pos)
{
	u32 lo = 0, hi = t->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u32 s = t->order[mid];
		int c = bft_kv_key_cmp(kv_key(t, s), t->klen[s], key, klen);

		if (!c) {
			*pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return false;
}

static void kv_set_val(struct kv_table *t, u32 slot, const u8 *val, u32 vlen)
{
	t->bytes -= t->vlen[slot];
	t->bytes += vlen;
	t->vlen[slot] = vlen;
	if (vlen)
		memcpy(kv_val(t, slot), val, vlen);
}

/* Caller checked there is room (n < max_keys). */
static void kv_insert(struct kv_table *t, u32 pos, const u8 *key, u32 klen,
		      const u8 *val, u32 vlen)
{
	u32 slot = t->free[--t->nfree];

	memmove(&t->order[pos + 1], &t->order[pos],
		(size_t)(t->n - pos) * sizeof(u32));
	t->order[pos] = slot;
	t->n++;
	t->klen[slot] = (u16)klen;
	memcpy(kv_key(t, slot), key, klen);
	t->vlen[slot] = 0;
	t->bytes += klen;
	kv_set_val(t, slot, val, vlen);
}

static void kv_remove(struct kv_table *t, u32 pos)
{
	u32 slot = t->order[pos];

	t->bytes -= (u64)t->klen[slot] + t->vlen[slot];
	t->n--;
	memmove(&t->order[pos], &t->order[pos + 1],
		(size_t)(t->n - pos) * sizeof(u32));
	t->free[t->nfree++] = slot;
}

struct bft_kv *bft_kv_create(const struct bft_kv_limits *lim, int *err)
{
	struct bft_kv *kv;

	kv = bft_zalloc(sizeof(*kv));
	if (!kv) {
		*err = -ENOMEM;
		return NULL;
	}
	kv->lim = *lim;
	bft_kv_limits_default(&kv->lim);
	*err = bft_kv_limits_check(&kv->lim);
	if (*err)
		goto fail;
	*err = -ENOMEM;
	kv->live = kv_table_alloc(&kv->lim);
	kv->snaps = bft_zalloc(kv->lim.max_snaps * sizeof(*kv->snaps));
	if (!kv->live || !kv->snaps)
		goto fail;
	*err = 0;
	return kv;
fail:
	bft_kv_destroy(kv);
	return NULL;
}

static void kv_install_drop(struct bft_kv *kv)
{
	bft_free(kv->in.t);
	memset(&kv->in, 0, sizeof(kv->in));
}

void bft_kv_destroy(struct bft_kv *kv)
{
	u32 i;

	if (!kv)
		return;
	if (kv->snaps)
		for (i = 0; i < kv->lim.max_snaps; i++)
			bft_free(kv->snaps[i].buf);
	bft_free(kv->snaps);
	kv_install_drop(kv);
	bft_free(kv->live);
	bft_free(kv);
}

void bft_kv_get_limits(const struct bft_kv *kv, struct bft_kv_limits *lim)
{
	*lim = kv->lim;
}

/* Checks run in a fixed order so every replica reports the same status. */
static u8 kv_apply(struct bft_kv *kv, const struct bft_kv_op_view *v,
		   bool readonly, u8 *flags, const u8 **out, u32 *out_len)
{
	struct kv_table *t = kv->live;
	bool found;
	u32 pos, s;

	if (readonly && bft_kv_op_is_write(v->code))
		return BFT_KV_E_READONLY;
	if (v->code == BFT_KV_OP_NOP)
		return BFT_KV_OK;
	if (!v->key_len)
		return BFT_KV_E_KEY_EMPTY;
	if (v->key_len > kv->lim.max_key)
		return BFT_KV_E_KEY_TOO_LONG;
	if (v->val_len > kv->lim.max_value || v->val2_len > kv->lim.max_value)
		return BFT_KV_E_VALUE_TOO_LONG;

	found = kv_find(t, v->key, v->key_len, &pos);
	s = found ? t->order[pos] : 0;
	switch (v->code) {
	case BFT_KV_OP_GET:
		if (!found)
			return BFT_KV_E_NOT_FOUND;
		*out = kv_val(t, s);
		*out_len = t->vlen[s];
		return BFT_KV_OK;
	case BFT_KV_OP_DEL:
		if (!found)
			return BFT_KV_E_NOT_FOUND;
		kv_remove(t, pos);
		return BFT_KV_OK;
	case BFT_KV_OP_PUT:
		if (found) {
			kv_set_val(t, s, v->val, v->val_len);
			return BFT_KV_OK;
		}
		break;
	case BFT_KV_OP_CAS:
		if (found) {
			if ((v->flags & BFT_KV_F_ABSENT) ||
			    t->vlen[s] != v->val_len ||
			    (v->val_len &&
			     memcmp(kv_val(t, s), v->val, v->val_len))) {
				*out = kv_val(t, s);
				*out_len = t->vlen[s];
				return BFT_KV_E_CAS_MISMATCH;
			}
			kv_set_val(t, s, v->val2, v->val2_len);
			return BFT_KV_OK;
		}
		if (!(v->flags & BFT_KV_F_ABSENT))
			return BFT_KV_E_NOT_FOUND;
		break;
	}

	/* PUT or CAS-if-absent of a new key. */
	if (t->n >= kv->lim.max_keys)
		return BFT_KV_E_FULL;
	if (v->code == BFT_KV_OP_PUT)
		kv_insert(t, pos, v->key, v->key_len, v->val, v->val_len);
	else
		kv_insert(t, pos, v->key, v->key_len, v->val2, v->val2_len);
	*flags = BFT_KV_R_CREATED;
	return BFT_KV_OK;
}

u32 bft_kv_execute(struct bft_kv *kv, const void *op, u32 op_len,
		   bool readonly, void *result, u32 cap)
{
	struct bft_kv_op_view v;
	const u8 *out = NULL;
	u32 out_len = 0;
	u8 flags = 0;
	u8 st;

	if (readonly)
		kv->st.readonly++;
	st = bft_kv_dec_op(op, op_len, &v);
	if (st == BFT_KV_OK) {
		kv->st.ops[v.code]++;
		st = kv_apply(kv, &v, readonly, &flags, &out, &out_len);
		if (st == BFT_KV_OK && bft_kv_op_is_write(v.code))
			kv->digest_ok = false;
	}
	/* Only GET and a CAS mismatch return a value; neither mutated. */
	if ((u64)BFT_KV_RES_HDR_LEN + out_len > cap) {
		st = BFT_KV_E_RESULT_TOO_BIG;
		out_len = 0;
	}
	if (cap < BFT_KV_RES_HDR_LEN)
		return 0;
	kv->st.status[st]++;
	return bft_kv_enc_result(result, cap, st, flags, out, out_len);
}

static u64 kv_snap_len(const struct kv_table *t)
{
	return BFT_KV_SNAP_HDR_LEN + (u64)t->n * BFT_KV_SNAP_ENT_LEN + t->bytes;
}

static void kv_snap_hdr(const struct kv_table *t, u8 *p)
{
	/* Bytes, not bft_put32(): sparse flags truncating casts of constants. */
	static const u8 magic[4] = { 'B', 'K', 'V', '1' };

	memcpy(p, magic, sizeof(magic));
	bft_put32(p + 4, t->n);
	bft_put64(p + 8, kv_snap_len(t));
}

static void kv_ent_hdr(const struct kv_table *t, u32 slot, u8 *p)
{
	bft_put16(p, t->klen[slot]);
	bft_put16(p + 2, 0);
	bft_put32(p + 4, t->vlen[slot]);
}

static void kv_serialize(const struct kv_table *t, u8 *p)
{
	u32 i, s;

	kv_snap_hdr(t, p);
	p += BFT_KV_SNAP_HDR_LEN;
	for (i = 0; i < t->n; i++) {
		s = t->order[i];
		kv_ent_hdr(t, s, p);
		p += BFT_KV_SNAP_ENT_LEN;
		memcpy(p, kv_key(t, s), t->klen[s]);
		p += t->klen[s];
		if (t->vlen[s])
			memcpy(p, kv_val(t, s), t->vlen[s]);
		p += t->vlen[s];
	}
}

/*
 * Hashing the whole store under the replica lock stalls the worker, so a
 * status read only pays for it after the state changed.
 */
void bft_kv_digest(struct bft_kv *kv, u8 *digest)
{
	const struct kv_table *t = kv->live;
	u8 hdr[BFT_KV_SNAP_HDR_LEN];
	struct bft_sha_ctx sha;
	u32 i, s;

	if (kv->digest_ok) {
		memcpy(digest, kv->digest, BFT_DIGEST_LEN);
		return;
	}
	kv->st.digests++;
	/* Same bytes as kv_serialize, streamed: no allocation. */
	bft_sha_init(&sha);
	kv_snap_hdr(t, hdr);
	bft_sha_update(&sha, hdr, sizeof(hdr));
	for (i = 0; i < t->n; i++) {
		s = t->order[i];
		kv_ent_hdr(t, s, hdr);
		bft_sha_update(&sha, hdr, BFT_KV_SNAP_ENT_LEN);
		bft_sha_update(&sha, kv_key(t, s), t->klen[s]);
		bft_sha_update(&sha, kv_val(t, s), t->vlen[s]);
	}
	bft_sha_final(&sha, kv->digest);
	kv->digest_ok = true;
	memcpy(digest, kv->digest, BFT_DIGEST_LEN);
}

u64 bft_kv_snapshot_max(const struct bft_kv *kv)
{
	const struct bft_kv_limits *l = &kv->lim;

	return BFT_KV_SNAP_HDR_LEN + (u64)l->max_keys *
	       (BFT_KV_SNAP_ENT_LEN + l->max_key + l->max_value);
}

u64 bft_kv_state_len(const struct bft_kv *kv)
{
	return kv_snap_len(kv->live);
}

static struct kv_snap *kv_snap_find(const struct bft_kv *kv, u64 seq)
{
	u32 i;

	for (i = 0; i < kv->lim.max_snaps; i++)
		if (kv->snaps[i].buf && kv->snaps[i].seq == seq)
			return &kv->snaps[i];
	return NULL;
}

int bft_kv_checkpoint(struct bft_kv *kv, u64 seq)
{
	struct kv_snap *sn = kv_snap_find(kv, seq);
	u64 len = kv_snap_len(kv->live);
	u32 i;

	if (sn) {
		bft_free(sn->buf);
		sn->buf = NULL;
	}
	for (i = 0; !sn && i < kv->lim.max_snaps; i++)
		if (!kv->snaps[i].buf)
			sn = &kv->snaps[i];
	if (!sn) {
		kv->st.snaps_failed++;
		return -ENOSPC;
	}
	sn->buf = bft_zalloc(len);
	if (!sn->buf) {
		kv->st.snaps_failed++;
		return -ENOMEM;
	}
	sn->seq = seq;
	sn->len = len;
	kv_serialize(kv->live, sn->buf);
	kv->st.snaps_taken++;
	return 0;
}

long bft_kv_snapshot_read(struct bft_kv *kv, u64 seq, u64 off, void *buf,
			  u32 cap)
{
	struct kv_snap *sn = kv_snap_find(kv, seq);
	u64 n;

	if (!sn)
		return -ENOENT;
	if (off >= sn->len)
		return off == sn->len ? 0 : -EINVAL;
	n = sn->len - off;
	if (n > cap)
		n = cap;
	memcpy(buf, sn->buf + off, n);
	return (long)n;
}

u64 bft_kv_snapshot_len(const struct bft_kv *kv, u64 seq)
{
	struct kv_snap *sn = kv_snap_find(kv, seq);

	return sn ? sn->len : 0;
}

int bft_kv_snapshot_digest(const struct bft_kv *kv, u64 seq, u8 *digest)
{
	struct kv_snap *sn = kv_snap_find(kv, seq);
	struct bft_sha_ctx sha;
	u64 off;
	u32 n;

	if (!sn)
		return -ENOENT;
	bft_sha_init(&sha);
	for (off = 0; off < sn->len; off += n) {
		n = sn->len - off > 0x40000000 ? 0x40000000 :
		    (u32)(sn->len - off);
		bft_sha_update(&sha, sn->buf + off, n);
	}
	bft_sha_final(&sha, digest);
	return 0;
}

void bft_kv_snapshot_release(struct bft_kv *kv, u64 seq)
{
	struct kv_snap *sn = kv_snap_find(kv, seq);

	if (sn) {
		bft_free(sn->buf);
		sn->buf = NULL;
	}
}

/* A complete header field or entry header is in in->hbuf. */
static int kv_in_header(struct bft_kv *kv, struct kv_install *in)
{
	const struct bft_kv_limits *lim = &kv->lim;
	struct kv_table *t = in->t;
	u32 klen, vlen, prev;

	if (in->phase == IN_HDR) {
		if (bft_get32(in->hbuf) != BFT_KV_SNAP_MAGIC)
			return -EINVAL;
		in->count = bft_get32(in->hbuf + 4);
		in->total = bft_get64(in->hbuf + 8);
		if (in->count > lim->max_keys ||
		    in->total < BFT_KV_SNAP_HDR_LEN +
				(u64)in->count * BFT_KV_SNAP_ENT_LEN ||
		    in->total > BFT_KV_SNAP_HDR_LEN + (u64)in->count *
				(BFT_KV_SNAP_ENT_LEN + t->stride))
			return -EINVAL;
		in->phase = in->count ? IN_ENT : IN_END;
		in->need = BFT_KV_SNAP_ENT_LEN;
		return 0;
	}
	if (in->phase == IN_ENT) {
		klen = bft_get16(in->hbuf);
		vlen = bft_get32(in->hbuf + 4);
		if (!klen || klen > lim->max_key || bft_get16(in->hbuf + 2) ||
		    vlen > lim->max_value)
			return -EINVAL;
		in->slot = t->free[t->nfree - 1];
		t->klen[in->slot] = (u16)klen;
		t->vlen[in->slot] = vlen;
		in->phase = IN_KEY;
		in->need = klen;
		return 0;
	}
	/* IN_KEY done: keys must strictly increase (canonical, unique). */
	if (in->phase == IN_KEY && t->n) {
		prev = t->order[t->n - 1];
		if (bft_kv_key_cmp(kv_key(t, prev), t->klen[prev],
				   kv_key(t, in->slot), t->klen[in->slot]) >= 0)
			return -EINVAL;
	}
	if (in->phase == IN_KEY && t->vlen[in->slot]) {
		in->phase = IN_VAL;
		in->need = t->vlen[in->slot];
		return 0;
	}
	/* Entry complete. */
	t->nfree--;
	t->order[t->n++] = in->slot;
	t->bytes += (u64)t->klen[in->slot] + t->vlen[in->slot];
	in->phase = t->n < in->count ? IN_ENT : IN_END;
	in->need = BFT_KV_SNAP_ENT_LEN;
	return 0;
}

static int kv_in_feed(struct bft_kv *kv, struct kv_install *in, const u8 *p,
		      u32 len)
{
	u32 take;
	u8 *dst;
	int err;

	while (len) {
		if (in->phase == IN_END)
			return -EINVAL;	/* bytes past the announced end */
		if (in->phase == IN_KEY)
			dst = kv_key(in->t, in->slot);
		else if (in->phase == IN_VAL)
			dst = kv_val(in->t, in->slot);
		else
			dst = in->hbuf;
		take = in->need - in->have;
		if (take > len)
			take = len;
		memcpy(dst + in->have, p, take);
		in->have += take;
		in->off += take;
		p += take;
		len -= take;
		if (in->have < in->need)
			break;
		in->have = 0;
		err = kv_in_header(kv, in);
		if (err)
			return err;
	}
	if (in->phase == IN_END && in->off != in->total)
		return -EINVAL;
	return 0;
}

int bft_kv_install(struct bft_kv *kv, u64 seq, u64 off, const void *buf,
		   u32 len)
{
	struct kv_install *in = &kv->in;
	int err;

	if (!off) {
		if (!in->t)
			in->t = kv_table_alloc(&kv->lim);
		if (!in->t)
			return -ENOMEM;
		kv_table_reset(in->t);
		memset(in->hbuf, 0, sizeof(in->hbuf));
		in->seq = seq;
		in->off = 0;
		in->total = 0;
		in->count = 0;
		in->phase = IN_HDR;
		in->need = BFT_KV_SNAP_HDR_LEN;
		in->have = 0;
		in->failed = false;
	} else if (!in->t || in->failed || seq != in->seq || off != in->off) {
		return -EINVAL;
	}
	if (len && !buf)
		return -EINVAL;
	err = kv_in_feed(kv, in, buf, len);
	if (err)
		in->failed = true;
	return err;
}

int bft_kv_install_done(struct bft_kv *kv, u64 seq, bool ok)
{
	struct kv_install *in = &kv->in;
	struct kv_table *old;

	if (!in->t || in->seq != seq) {
		kv->st.installs_aborted++;
		return -EINVAL;
	}
	if (!ok || in->failed || in->phase != IN_END) {
		kv->st.installs_aborted++;
		kv_install_drop(kv);
		return ok ? -EINVAL : -ECANCELED;
	}
	old = kv->live;
	kv->live = in->t;
	kv->digest_ok = false;
	in->t = NULL;
	bft_free(old);
	kv_install_drop(kv);
	kv->st.installs++;
	return 0;
}

void bft_kv_get_stats(const struct bft_kv *kv, struct bft_kv_stats *st)
{
	u32 i;

	*st = kv->st;
	st->keys = kv->live->n;
	st->bytes = kv->live->bytes;
	st->snaps_retained = 0;
	for (i = 0; i < kv->lim.max_snaps; i++)
		if (kv->snaps[i].buf)
			st->snaps_retained++;
}

/* The engine's service callbacks; svc is the struct bft_kv. */
static u32 kv_svc_execute(void *svc, u32 client, u64 ts, const void *op,
			  u32 op_len, bool readonly, void *result, u32 cap)
{
	(void)client;
	(void)ts;
	return bft_kv_execute(svc, op, op_len, readonly, result, cap);
}

static int kv_svc_checkpoint(void *svc, u64 seq)
{
	return bft_kv_checkpoint(svc, seq);
}

static long kv_svc_snapshot_read(void *svc, u64 seq, u64 off, void *buf,
				 u32 cap)
{
	return bft_kv_snapshot_read(svc, seq, off, buf, cap);
}

static void kv_svc_snapshot_release(void *svc, u64 seq)
{
	bft_kv_snapshot_release(svc, seq);
}

static u64 kv_svc_snapshot_max(void *svc)
{
	return bft_kv_snapshot_max(svc);
}

static int kv_svc_install(void *svc, u64 seq, u64 off, const void *buf,
			  u32 len)
{
	return bft_kv_install(svc, seq, off, buf, len);
}

static void kv_svc_install_done(void *svc, u64 seq, bool ok)
{
	bft_kv_install_done(svc, seq, ok);
}

const struct bft_service_ops bft_kv_service = {
	.execute = kv_svc_execute,
	.checkpoint = kv_svc_checkpoint,
	.snapshot_read = kv_svc_snapshot_read,
	.snapshot_release = kv_svc_snapshot_release,
	.snapshot_max = kv_svc_snapshot_max,
	.install = kv_svc_install,
	.install_done = kv_svc_install_done,
};
