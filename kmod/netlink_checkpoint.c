// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint export (CHECKPOINT_GET, a dump) and import (CHECKPOINT_PUT)
 * of the "bft" family. The export copies the stream of the latest stable
 * checkpoint once, in steps that each take the locks briefly, so the dump
 * is consistent however slowly userspace reads it; a few exports at most
 * are open at once in a namespace. The import collects a stream,
 * checks it against its digest and hands it to the engine, which
 * installs it only once Q replicas certify that very checkpoint.
 */
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/bft.h>

#include "bft.h"
#include "netlink.h"
#include "replica.h"
#include "engine/statedigest.h"

/* Looks up the replica named by @name; bn->lock held. */
static struct bft_replica *ckpt_replica(struct bft_net *bn,
					struct nlattr *name,
					struct netlink_ext_ack *extack)
{
	struct bft_replica *r;

	if (!name) {
		NL_SET_ERR_MSG(extack, "replica name (BFT_A_NAME) is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, BFT_A_NAME);
		return ERR_PTR(-EINVAL);
	}
	r = bft_replica_find(bn, nla_data(name));
	if (!r) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "no replica of that name in this namespace");
		return ERR_PTR(-ENOENT);
	}
	return r;
}

/* The export: a private copy of the stream, freed in .done. */
struct ckpt_dump {
	struct bft_stable_info si;
	struct bft_net *bn;	/* counts this dump in ckpt_dumps */
	char name[BFT_NAME_MAX];
	u32 id;
	u32 n;
	u64 gen;		/* of the replica being copied */
	u8 *buf;
	u64 off;
	bool header_sent;
};

/* Caller holds r->lock: the stable checkpoint to export, and its buffer. */
static int ckpt_begin(struct bft_replica *r, struct ckpt_dump *d,
		      struct netlink_ext_ack *extack)
{
	int err;

	err = bft_engine_stable(r->engine, &d->si);
	if (err == -ENOENT) {
		NL_SET_ERR_MSG(extack,
			       "no stable checkpoint yet (sequence number 0)");
		return err;
	}
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "the replica is still fetching its stable checkpoint; retry");
		return -EAGAIN;
	}
	if (d->si.size > BFT_CKPT_MAX_STREAM) {
		NL_SET_ERR_MSG(extack, "checkpoint larger than BFT_CKPT_MAX_STREAM");
		return -EFBIG;
	}
	strscpy(d->name, r->name, sizeof(d->name));
	d->id = r->id;
	d->n = r->n;
	d->gen = r->gen;
	/* Charged to the caller, who keeps it until the dump ends. */
	d->buf = kvmalloc(d->si.size, BFT_GFP_BIG);
	return d->buf ? 0 : -ENOMEM;
}

/* Bytes copied per hold of the locks: the worker waits for at most this. */
#define CKPT_COPY_STEP	SZ_1M

/* One step of the copy; caller holds bn->lock and r->lock. */
static int ckpt_copy_step(struct bft_replica *r, struct ckpt_dump *d,
			  u64 *off, struct netlink_ext_ack *extack)
{
	u64 end = min_t(u64, d->si.size, *off + CKPT_COPY_STEP);
	long got;

	while (*off < end) {
		got = bft_engine_stable_read(r->engine, d->si.seq, *off,
					     d->buf + *off,
					     (u32)min_t(u64, end - *off,
							BFT_CKPT_MAX_CHUNK));
		if (got == -ENOENT) {
			NL_SET_ERR_MSG(extack,
				       "the stable checkpoint moved on during the export; retry");
			return -EAGAIN;
		}
		if (got <= 0) {
			NL_SET_ERR_MSG(extack, "cannot read the checkpoint snapshot");
			return got ? (int)got : -EIO;
		}
		*off += got;
	}
	return 0;
}

/*
 * Copies the stream in steps and drops both locks between them, so neither
 * the worker nor configuration waits for a 64 MiB copy. The replica is
 * looked up again each step; @gen tells a re-created namesake apart.
 */
static int ckpt_copy(struct bft_net *bn, struct nlattr *name,
		     struct ckpt_dump *d, struct netlink_ext_ack *extack)
{
	struct bft_replica *r;
	u64 off = 0;
	int err;

	do {
		mutex_lock(&bn->lock);
		r = ckpt_replica(bn, name, extack);
		if (IS_ERR(r)) {
			err = PTR_ERR(r);
		} else if (d->buf && r->gen != d->gen) {
			NL_SET_ERR_MSG(extack, "the replica was deleted during the export");
			err = -ENOENT;
		} else {
			mutex_lock(&r->lock);
			err = d->buf ? 0 : ckpt_begin(r, d, extack);
			if (!err)
				err = ckpt_copy_step(r, d, &off, extack);
			mutex_unlock(&r->lock);
		}
		mutex_unlock(&bn->lock);
		cond_resched();
	} while (!err && off < d->si.size);
	return err;
}

static void ckpt_dump_free(struct ckpt_dump *d)
{
	atomic_dec(&d->bn->ckpt_dumps);
	kvfree(d->buf);
	kfree(d);
}

int bft_nl_checkpoint_get_start(struct netlink_callback *cb)
{
	struct bft_net *bn = bft_pernet(sock_net(cb->skb->sk));
	struct nlattr **a = bft_genl_dump_attrs(cb);
	struct ckpt_dump *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return -ENOMEM;
	/* Each open export holds a copy of up to BFT_CKPT_MAX_STREAM. */
	d->bn = bn;
	if (atomic_inc_return(&bn->ckpt_dumps) > BFT_CKPT_MAX_DUMPS) {
		NL_SET_ERR_MSG(cb->extack,
			       "too many checkpoint exports open in this network namespace; retry");
		ckpt_dump_free(d);
		return -EBUSY;
	}
	err = ckpt_copy(bn, a[BFT_A_NAME], d, cb->extack);
	if (err) {
		ckpt_dump_free(d);
		return err;
	}
	cb->args[0] = (long)d;
	return 0;
}

int bft_nl_checkpoint_get_done(struct netlink_callback *cb)
{
	struct ckpt_dump *d = (struct ckpt_dump *)cb->args[0];

	if (d)
		ckpt_dump_free(d);
	return 0;
}

static int put_header(struct sk_buff *skb, struct ckpt_dump *d)
{
	struct nlattr *nest;

	if (nla_put_string(skb, BFT_A_NAME, d->name) ||
	    nla_put_u32(skb, BFT_A_REPLICA_ID, d->id) ||
	    nla_put_u32(skb, BFT_A_N, d->n))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, BFT_A_CHECKPOINT);
	if (!nest ||
	    nla_put_u64_64bit(skb, BFT_CKPT_A_SEQ, d->si.seq, BFT_CKPT_A_PAD) ||
	    nla_put_u64_64bit(skb, BFT_CKPT_A_VIEW, d->si.view,
			      BFT_CKPT_A_PAD) ||
	    nla_put(skb, BFT_CKPT_A_DIGEST, BFT_DIGEST_LEN, d->si.digest) ||
	    nla_put_u64_64bit(skb, BFT_CKPT_A_ATTEST, d->si.attest,
			      BFT_CKPT_A_PAD) ||
	    nla_put_u64_64bit(skb, BFT_CKPT_A_TOTAL, d->si.size,
			      BFT_CKPT_A_PAD) ||
	    nla_put_u32(skb, BFT_CKPT_A_ESZ, d->si.esz))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Room for one message's headers and attributes other than DATA. */
#define CKPT_MSG_OVERHEAD	128

static int put_chunk(struct sk_buff *skb, struct ckpt_dump *d)
{
	int room = skb_tailroom(skb) - CKPT_MSG_OVERHEAD;
	struct nlattr *nest;
	u32 len;

	if (room < 64)
		return -EMSGSIZE;
	len = min_t(u64, d->si.size - d->off,
		    min_t(u32, room, BFT_CKPT_MAX_CHUNK));
	nest = nla_nest_start(skb, BFT_A_CHECKPOINT);
	if (!nest ||
	    nla_put_u64_64bit(skb, BFT_CKPT_A_OFFSET, d->off, BFT_CKPT_A_PAD) ||
	    nla_put(skb, BFT_CKPT_A_DATA, len, d->buf + d->off))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	d->off += len;
	return 0;
}

int bft_nl_checkpoint_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ckpt_dump *d = (struct ckpt_dump *)cb->args[0];
	void *hdr;
	int err;

	while (!d->header_sent || d->off < d->si.size) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &bft_genl_family,
				  NLM_F_MULTI, BFT_CMD_CHECKPOINT_GET);
		if (!hdr)
			break;
		err = d->header_sent ? put_chunk(skb, d) : put_header(skb, d);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		d->header_sent = true;
		genlmsg_end(skb, hdr);
	}
	/* Nothing fits in an empty skb: fatal, not an endless dump. */
	return skb->len ? skb->len : -EMSGSIZE;
}

/* CHECKPOINT_PUT: seed buffer callbacks of struct bft_ops. */
long bft_seed_read(void *ctx, u64 off, void *buf, u32 cap)
{
	struct bft_replica *r = ctx;
	u64 len, done = 0;
	u32 k, at;

	if (!r->seed.chunk || off > r->seed.total)
		return -ENOENT;
	len = min_t(u64, cap, r->seed.total - off);
	while (done < len) {
		at = (off + done) % BFT_SEED_CHUNK;
		k = min_t(u64, len - done, BFT_SEED_CHUNK - at);
		memcpy((u8 *)buf + done,
		       r->seed.chunk[(off + done) / BFT_SEED_CHUNK] + at, k);
		done += k;
	}
	return (long)len;
}

static u32 seed_nchunks(u64 total)
{
	return DIV_ROUND_UP_ULL(total, BFT_SEED_CHUNK);
}

void bft_seed_free(void *ctx)
{
	struct bft_replica *r = ctx;
	u32 i;

	for (i = 0; r->seed.chunk && i < seed_nchunks(r->seed.total); i++)
		kvfree(r->seed.chunk[i]);
	kvfree(r->seed.chunk);
	memset(&r->seed, 0, sizeof(r->seed));
}

/* The complete stream must hash to the digest it came with. */
static bool seed_hash_ok(struct bft_replica *r)
{
	u32 i, n = seed_nchunks(r->seed.total);
	struct bft_sdig sd;
	u8 d[BFT_DIGEST_LEN];

	/* bft.ko replicas use the default part size (engine.c). */
	bft_sdig_init(&sd, BFT_STATE_PART);
	for (i = 0; i < n; i++)
		bft_sdig_update(&sd, r->seed.chunk[i],
				min_t(u64, BFT_SEED_CHUNK,
				      r->seed.total - (u64)i * BFT_SEED_CHUNK));
	bft_sdig_final(&sd, d);
	return !memcmp(d, r->seed.digest, BFT_DIGEST_LEN);
}

/* Stores @len bytes at r->seed.filled, allocating pieces as they fill. */
static int seed_store(struct bft_replica *r, const u8 *p, u32 len)
{
	u64 off = r->seed.filled;
	u32 idx, at, k;

	while (len) {
		idx = off / BFT_SEED_CHUNK;
		at = off % BFT_SEED_CHUNK;
		if (!r->seed.chunk[idx]) {
			r->seed.chunk[idx] =
				kvmalloc(min_t(u64, BFT_SEED_CHUNK,
					       r->seed.total - off),
					 BFT_GFP_BIG);
			if (!r->seed.chunk[idx])
				return -ENOMEM;
		}
		k = min_t(u32, len, BFT_SEED_CHUNK - at);
		memcpy(r->seed.chunk[idx] + at, p, k);
		p += k;
		len -= k;
		off += k;
		r->seed.filled = off;
	}
	return 0;
}

/* Caller holds r->lock. */
static int seed_chunk(struct bft_replica *r, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	u64 off = nla_get_u64(tb[BFT_CKPT_A_OFFSET]);
	struct nlattr *data = tb[BFT_CKPT_A_DATA];
	u64 total = nla_get_u64(tb[BFT_CKPT_A_TOTAL]);
	u64 seq = nla_get_u64(tb[BFT_CKPT_A_SEQ]);
	const u8 *digest = nla_data(tb[BFT_CKPT_A_DIGEST]);
	struct bft_info info;
	u32 len = nla_len(data);

	if (r->seed.engine_owns) {
		NL_SET_ERR_MSG(extack, "the replica already holds an imported checkpoint");
		return -EBUSY;
	}
	bft_engine_info(r->engine, &info);
	if (info.last_exec) {
		NL_SET_ERR_MSG(extack,
			       "only a replica that has executed nothing can be seeded");
		return -EBUSY;
	}
	if (!off) {
		/* A new import replaces an unfinished one. */
		bft_seed_free(r);
		/* Only the index now; the data as it arrives. */
		r->seed.chunk = kvcalloc(seed_nchunks(total), sizeof(u8 *),
					 GFP_KERNEL_ACCOUNT);
		if (!r->seed.chunk)
			return -ENOMEM;
		r->seed.total = total;
		r->seed.seq = seq;
		memcpy(r->seed.digest, digest, BFT_DIGEST_LEN);
	} else if (!r->seed.chunk || off != r->seed.filled ||
		   total != r->seed.total || seq != r->seed.seq ||
		   memcmp(digest, r->seed.digest, BFT_DIGEST_LEN)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[BFT_CKPT_A_OFFSET],
				    "chunk does not continue the import in progress");
		return -EINVAL;
	}
	if (!len || len > total - off) {
		NL_SET_ERR_MSG_ATTR(extack, data, "chunk runs past the stream total");
		return -EINVAL;
	}
	return seed_store(r, nla_data(data), len);
}

static int seed_commit(struct bft_replica *r, struct netlink_ext_ack *extack)
{
	int err;

	if (!seed_hash_ok(r)) {
		NL_SET_ERR_MSG(extack, "snapshot does not match its digest");
		return -EBADMSG;
	}
	r->seed.engine_owns = true;
	err = bft_engine_seed(r->engine, r->seed.seq, r->seed.digest,
			      r->seed.total);
	if (!err)
		return 0;
	r->seed.engine_owns = false;
	if (err == -EBUSY)
		NL_SET_ERR_MSG(extack,
			       "only a replica that has executed nothing can be seeded");
	else if (err == -EINVAL)
		NL_SET_ERR_MSG(extack,
			       "not a checkpoint of this replica's configuration (K or client count)");
	else
		NL_SET_ERR_MSG(extack, "the engine cannot take a seed");
	return err;
}

/*
 * What the spec's checkpoint nest cannot say: it serves the export too,
 * and 6.12's ynl-gen-c has no max-len for a binary attribute.
 */
static int ckpt_put_check(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	static const int export_only[] = {
		BFT_CKPT_A_VIEW, BFT_CKPT_A_ATTEST, BFT_CKPT_A_ESZ,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(export_only); i++) {
		if (tb[export_only[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[export_only[i]],
					    "attribute of the export only");
			return -EINVAL;
		}
	}
	if (tb[BFT_CKPT_A_DATA] &&
	    nla_len(tb[BFT_CKPT_A_DATA]) > BFT_CKPT_MAX_CHUNK) {
		NL_SET_ERR_MSG_ATTR(extack, tb[BFT_CKPT_A_DATA],
				    "chunk larger than BFT_CKPT_MAX_CHUNK");
		return -ERANGE;
	}
	return 0;
}

int bft_nl_checkpoint_put_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct nlattr *nest = info->attrs[BFT_A_CHECKPOINT];
	struct nlattr *tb[BFT_CKPT_A_MAX + 1];
	struct bft_replica *r;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "checkpoint (BFT_A_CHECKPOINT) is required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, BFT_A_CHECKPOINT);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, BFT_CKPT_A_MAX, nest, bft_checkpoint_nl_policy,
			       info->extack);
	if (err)
		return err;
	err = ckpt_put_check(tb, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, BFT_CKPT_A_SEQ) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, BFT_CKPT_A_DIGEST) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, BFT_CKPT_A_TOTAL) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, BFT_CKPT_A_OFFSET) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, BFT_CKPT_A_DATA)) {
		NL_SET_ERR_MSG(info->extack,
			       "a checkpoint chunk needs seq, digest, total, offset and data");
		return -EINVAL;
	}

	mutex_lock(&bn->lock);
	r = ckpt_replica(bn, info->attrs[BFT_A_NAME], info->extack);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	mutex_lock(&r->lock);
	err = seed_chunk(r, tb, info->extack);
	if (!err && r->seed.filled == r->seed.total)
		err = seed_commit(r, info->extack);
	if (err && !r->seed.engine_owns)
		bft_seed_free(r);
	mutex_unlock(&r->lock);
	/* Let the worker send what the engine queued and re-arm. */
	if (!err)
		queue_work(r->wq, &r->work);
out:
	mutex_unlock(&bn->lock);
	return err;
}
