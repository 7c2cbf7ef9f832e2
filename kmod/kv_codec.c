// SPDX-License-Identifier: GPL-2.0
/*
 * Key-value service format: operation and result encoders/decoders and the
 * snapshot walker. No allocation, no state; every length is checked before
 * it is used.
 */
#include "kv_codec.h"

static u32 kv_op_encode(u8 *buf, u32 cap, u8 code, u8 flags,
			const void *key, u32 key_len, const void *val,
			u32 val_len, const void *val2, u32 val2_len)
{
	u64 total = (u64)BFT_KV_OP_HDR_LEN + key_len + val_len + val2_len;
	u8 *p;

	if (key_len > 0xffff || total > cap)
		return 0;
	if ((key_len && !key) || (val2_len && !val2))
		return 0;
	buf[0] = code;
	buf[1] = flags;
	bft_put16(buf + 2, (u16)key_len);
	bft_put32(buf + 4, val_len);
	bft_put32(buf + 8, val2_len);
	p = buf + BFT_KV_OP_HDR_LEN;
	if (key_len)
		memcpy(p, key, key_len);
	p += key_len;
	/* A NOP's padding is zeros. */
	if (val_len && val)
		memcpy(p, val, val_len);
	else if (val_len)
		memset(p, 0, val_len);
	p += val_len;
	if (val2_len)
		memcpy(p, val2, val2_len);
	return (u32)total;
}

u32 bft_kv_enc_nop(u8 *buf, u32 cap, u32 pad)
{
	return kv_op_encode(buf, cap, BFT_KV_OP_NOP, 0, NULL, 0, NULL, pad,
			    NULL, 0);
}

u32 bft_kv_enc_put(u8 *buf, u32 cap, const void *key, u32 key_len,
		   const void *val, u32 val_len)
{
	if (val_len && !val)
		return 0;
	return kv_op_encode(buf, cap, BFT_KV_OP_PUT, 0, key, key_len, val,
			    val_len, NULL, 0);
}

u32 bft_kv_enc_get(u8 *buf, u32 cap, const void *key, u32 key_len)
{
	return kv_op_encode(buf, cap, BFT_KV_OP_GET, 0, key, key_len, NULL, 0,
			    NULL, 0);
}

u32 bft_kv_enc_del(u8 *buf, u32 cap, const void *key, u32 key_len)
{
	return kv_op_encode(buf, cap, BFT_KV_OP_DEL, 0, key, key_len, NULL, 0,
			    NULL, 0);
}

u32 bft_kv_enc_cas(u8 *buf, u32 cap, const void *key, u32 key_len,
		   const void *exp, u32 exp_len, const void *val, u32 val_len,
		   u8 flags)
{
	if ((flags & ~BFT_KV_F_ALL) || (exp_len && !exp) ||
	    ((flags & BFT_KV_F_ABSENT) && exp_len))
		return 0;
	return kv_op_encode(buf, cap, BFT_KV_OP_CAS, flags, key, key_len, exp,
			    exp_len, val, val_len);
}

u8 bft_kv_dec_op(const void *op, u32 len, struct bft_kv_op_view *v)
{
	const u8 *p = op;
	u64 total;

	memset(v, 0, sizeof(*v));
	if (len == 0)
		return BFT_KV_OK;	/* the empty op is a NOP */
	if (len < BFT_KV_OP_HDR_LEN)
		return BFT_KV_E_BAD_OP;
	v->code = p[0];
	v->flags = p[1];
	v->key_len = bft_get16(p + 2);
	v->val_len = bft_get32(p + 4);
	v->val2_len = bft_get32(p + 8);
	total = (u64)BFT_KV_OP_HDR_LEN + v->key_len + v->val_len + v->val2_len;
	if (v->code > BFT_KV_OP_MAX || total != len)
		return BFT_KV_E_BAD_OP;
	v->key = p + BFT_KV_OP_HDR_LEN;
	v->val = v->key + v->key_len;
	v->val2 = v->val + v->val_len;

	switch (v->code) {
	case BFT_KV_OP_NOP:
		if (v->flags || v->key_len || v->val2_len)
			return BFT_KV_E_BAD_OP;
		break;
	case BFT_KV_OP_PUT:
		if (v->flags || v->val2_len)
			return BFT_KV_E_BAD_OP;
		break;
	case BFT_KV_OP_GET:
	case BFT_KV_OP_DEL:
		if (v->flags || v->val_len || v->val2_len)
			return BFT_KV_E_BAD_OP;
		break;
	case BFT_KV_OP_CAS:
		if ((v->flags & ~BFT_KV_F_ALL) ||
		    ((v->flags & BFT_KV_F_ABSENT) && v->val_len))
			return BFT_KV_E_BAD_OP;
		break;
	}
	return BFT_KV_OK;
}

bool bft_kv_op_is_write(u8 code)
{
	return code == BFT_KV_OP_PUT || code == BFT_KV_OP_DEL ||
	       code == BFT_KV_OP_CAS;
}

u32 bft_kv_enc_result(u8 *buf, u32 cap, u8 status, u8 flags,
		      const void *val, u32 val_len)
{
	u64 total = (u64)BFT_KV_RES_HDR_LEN + val_len;

	if (total > cap || (val_len && !val))
		return 0;
	buf[0] = status;
	buf[1] = flags;
	bft_put16(buf + 2, 0);
	bft_put32(buf + 4, val_len);
	if (val_len)
		memcpy(buf + BFT_KV_RES_HDR_LEN, val, val_len);
	return (u32)total;
}

int bft_kv_dec_result(const void *res, u32 len, struct bft_kv_res_view *v)
{
	const u8 *p = res;

	memset(v, 0, sizeof(*v));
	if (len < BFT_KV_RES_HDR_LEN)
		return -EINVAL;
	v->status = p[0];
	v->flags = p[1];
	v->val_len = bft_get32(p + 4);
	if (v->status > BFT_KV_STATUS_MAX || bft_get16(p + 2) ||
	    (v->flags & ~BFT_KV_R_CREATED) ||
	    (u64)BFT_KV_RES_HDR_LEN + v->val_len != len)
		return -EINVAL;
	v->val = p + BFT_KV_RES_HDR_LEN;
	return 0;
}

static const char * const kv_status_names[] = {
	[BFT_KV_OK] = "ok",
	[BFT_KV_E_NOT_FOUND] = "not-found",
	[BFT_KV_E_CAS_MISMATCH] = "cas-mismatch",
	[BFT_KV_E_KEY_EMPTY] = "key-empty",
	[BFT_KV_E_KEY_TOO_LONG] = "key-too-long",
	[BFT_KV_E_VALUE_TOO_LONG] = "value-too-long",
	[BFT_KV_E_FULL] = "full",
	[BFT_KV_E_BAD_OP] = "bad-op",
	[BFT_KV_E_READONLY] = "readonly",
	[BFT_KV_E_RESULT_TOO_BIG] = "result-too-big",
};

static const char * const kv_op_names[] = {
	[BFT_KV_OP_NOP] = "nop",
	[BFT_KV_OP_PUT] = "put",
	[BFT_KV_OP_GET] = "get",
	[BFT_KV_OP_DEL] = "del",
	[BFT_KV_OP_CAS] = "cas",
};

const char *bft_kv_status_name(u32 status)
{
	return status <= BFT_KV_STATUS_MAX ? kv_status_names[status] : "?";
}

const char *bft_kv_op_name(u32 code)
{
	return code <= BFT_KV_OP_MAX ? kv_op_names[code] : "?";
}

int bft_kv_key_cmp(const u8 *a, u32 alen, const u8 *b, u32 blen)
{
	u32 n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

int bft_kv_snap_first(const void *snap, u64 len, u32 *count, u64 *off)
{
	const u8 *p = snap;

	if (len < BFT_KV_SNAP_HDR_LEN || bft_get32(p) != BFT_KV_SNAP_MAGIC ||
	    bft_get64(p + 8) != len)
		return -EINVAL;
	*count = bft_get32(p + 4);
	*off = BFT_KV_SNAP_HDR_LEN;
	return 0;
}

int bft_kv_snap_next(const void *snap, u64 len, u64 *off,
		     struct bft_kv_snap_view *e)
{
	const u8 *p = snap;
	u64 o = *off;

	if (o == len)
		return 0;
	if (o > len || len - o < BFT_KV_SNAP_ENT_LEN)
		return -EINVAL;
	e->key_len = bft_get16(p + o);
	e->val_len = bft_get32(p + o + 4);
	if (!e->key_len || bft_get16(p + o + 2) ||
	    len - o - BFT_KV_SNAP_ENT_LEN < (u64)e->key_len + e->val_len)
		return -EINVAL;
	e->key = p + o + BFT_KV_SNAP_ENT_LEN;
	e->val = e->key + e->key_len;
	*off = o + BFT_KV_SNAP_ENT_LEN + e->key_len + e->val_len;
	return 1;
}

int bft_kv_snap_check(const void *snap, u64 len, u32 max_key, u32 max_value,
		      u32 max_keys)
{
	struct bft_kv_snap_view e, prev = { 0 };
	u32 count, i;
	u64 off;
	int r;

	if (bft_kv_snap_first(snap, len, &count, &off))
		return -EINVAL;
	if (max_keys && count > max_keys)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		r = bft_kv_snap_next(snap, len, &off, &e);
		if (r != 1)
			return -EINVAL;
		if ((max_key && e.key_len > max_key) ||
		    (max_value && e.val_len > max_value))
			return -EINVAL;
		if (i && bft_kv_key_cmp(prev.key, prev.key_len, e.key,
					e.key_len) >= 0)
			return -EINVAL;
		prev = e;
	}
	return off == len ? 0 : -EINVAL;
}
