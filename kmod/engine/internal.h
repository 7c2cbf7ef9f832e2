/* SPDX-License-Identifier: GPL-2.0 */
/* Engine internals shared by the engine's own .c files only. */
#ifndef _BFT_INTERNAL_H
#define _BFT_INTERNAL_H

#include "engine.h"
#include "quorum.h"
#include "statedigest.h"

/* Slot flags. */
#define SL_PP		0x01	/* accepted pre-prepare for (view, digest) */
#define SL_AUTH_WAIT	0x02	/* have batch, own auth entry failed */
#define SL_BATCH	0x04	/* batch content present (content_digest) */
#define SL_PREPARED	0x08
#define SL_COMMITTED	0x10
#define SL_SENT_PREP	0x20
#define SL_SENT_COMMIT	0x40
#define SL_FETCH	0x80	/* fetching the batch for digest */
#define SL_EARLY	0x100	/* pre-prepare seen before its NEW-VIEW */

struct bft_vote {
	u64 view;
	u8 digest[BFT_DIGEST_LEN];
	bool valid;
};

/* One log entry, seq in (h, h + L]; storage fixed at create. */
struct bft_slot {
	u64 seq;		/* 0: unused */
	u64 view;
	u8 digest[BFT_DIGEST_LEN];
	u32 flags;
	/* Content, possibly from an older view (kept for NEW-VIEW). */
	u8 content_digest[BFT_DIGEST_LEN];
	u32 batch_len;
	u32 count;
	u8 *batch;
	/* What a VIEW-CHANGE reports: last pre-prepared and prepared. */
	bool pp_valid;
	bool p_valid;
	u64 pp_view;
	u64 p_view;
	u8 pp_digest[BFT_DIGEST_LEN];
	u8 p_digest[BFT_DIGEST_LEN];
	struct bft_vote *prep;	/* max_n entries */
	struct bft_vote *commit;	/* max_n entries */
	u64 fetch_at;
};

enum { PEND_NONE, PEND_QUEUED, PEND_ORDERED };

struct bft_client {
	u64 last_ts;		/* replicated: last executed timestamp */
	u64 reply_view;
	u32 reply_len;
	bool have_reply;
	u8 *reply;		/* max_result bytes */
	u64 pend_ts;
	u32 pend_len;
	u8 pend_state;
	u8 *pend;		/* req_max bytes */
	u64 fwd_ts;		/* last request relayed to the primary, */
	u64 fwd_view;		/* and in which view: relay once per view */
	u64 fresh_ts;		/* newest timestamp ops->client_fresh took */
	u64 exec_seq;		/* batch that set last_ts; 0: committed */
	u64 strike_ts;		/* last request that failed here in a PP */
	u64 throttle_until;	/* ms: new requests dropped before this */
	u32 strikes;		/* backoff exponent */
	u64 pend_at;		/* when the pending request came (expect.c) */
	bool pend_seen;		/* and a PRE-PREPARE of it was seen */
};

/* Checkpoint record: own digest and every replica's CHECKPOINT vote. */
struct bft_ckpt {
	u64 seq;
	bool valid;
	bool mine;		/* own snapshot taken (release it later) */
	u64 size;		/* snapshot stream bytes, when mine */
	u8 digest[BFT_DIGEST_LEN];
	u64 vote_mask;
	u8 *votes;		/* max_n * 32 */
	u8 *ts_snap;		/* n_clients * 8: engine part of the state */
};

/*
 * A state transfer: first the part table of (seq, digest), checked
 * against the certified digest, then the parts in order, each checked
 * against the table as it arrives.
 */
struct bft_xfer {
	bool active;
	bool parts;		/* table checked (or a local seed): parts */
	u64 seq;
	u8 digest[BFT_DIGEST_LEN];
	u64 off;		/* next byte wanted, of the table or stream */
	u64 total;		/* stream bytes, once parts */
	u32 peer;
	u32 alt;		/* also asked after a quarter retry (!= peer) */
	u64 asked;		/* when peer was asked */
	u64 moved;		/* when it began or last took a part */
	u64 deadline;		/* ask alt, or give up on both */
	u64 bad;		/* peers caught sending a bad part or table */
	u64 tbl_from;		/* who sent the table's chunks */
	u64 tbl_len;
	u8 *table;		/* tbl_len bytes, allocated per transfer */
	struct bft_sdig sd;	/* of the stream installed so far */
	u8 *staging;		/* engine section being received */
};

/* What a FETCH(STATE/BATCH) asker was last answered, for the rate limit. */
struct bft_fetch_rl {
	u64 seq;
	u64 next;		/* end of the last answer at seq */
	u64 last;		/* bft_answer_due() stamp */
};

/* The log and the normal case (normal.c, batch.c). */
struct bft_log {
	u64 h;			/* stable checkpoint = low watermark */
	u8 h_digest[BFT_DIGEST_LEN];
	u64 view_base;		/* this view's NEW-VIEW checkpoint: O above */
	u64 last_exec;		/* last committed batch executed */
	u64 tent_seq;		/* last_exec + 1 run tentatively, or 0 */
	u8 tent_digest[BFT_DIGEST_LEN];	/* the batch it ran */
	u32 tent_reqs;		/* requests it ran, counted at commit */
	u64 next_seq;		/* primary: next sequence number to assign */
	u64 max_seq;		/* highest seq with an accepted pre-prepare */
	struct bft_slot *slots;	/* L */
	struct bft_vote *votes;	/* 2 * L * max_n */
	u8 *batches;		/* L * batch_bytes */
};

/* Answering FETCH(STATE, TABLE, BATCH) (xferserve.c). */
struct bft_xfer_serve {
	struct bft_fetch_rl state_answered[BFT_MAX_REPLICAS];
	struct bft_fetch_rl table_answered[BFT_MAX_REPLICAS];
	struct bft_fetch_rl batch_answered[BFT_MAX_REPLICAS];
	u8 *tbl_io;		/* xfer_chunk bytes: a DATA(TABLE) answer */
};

/* Recently stable checkpoints, for clients that confirm an export. */
#define BFT_STABLE_RING		8
/*
 * FETCH(STABLE) rounds of a fresh replica that has executed nothing; the
 * gap doubles up to vc_timeout_max_ms, so about three minutes of asking.
 */
#define BFT_PROBE_FRESH		12

/* An acker's word on an author's VIEW-CHANGE (at the new primary). */
struct bft_vc_ack_rec {
	u64 view;		/* 0: none */
	u8 digest[BFT_DIGEST_LEN];
};

struct bft_stable_rec {
	u64 seq;		/* 0: unused */
	u8 digest[BFT_DIGEST_LEN];
};

/* An imported checkpoint, installed only once Q replicas certify it. */
struct bft_seed {
	bool active;
	u64 seq;
	u8 digest[BFT_DIGEST_LEN];
	u64 total;		/* stream bytes, read via ops->seed_read */
};

/* Checkpoint records and the peers' latest CHECKPOINTs (checkpoint.c). */
struct bft_ckpts {
	u32 n_rec;
	struct bft_ckpt *rec;	/* n_rec */
	u8 *mem;		/* their votes and client timestamp snapshots */
	u64 *peer_seq;		/* latest CHECKPOINT per replica */
	u8 *peer_digest;	/* max_n * 32 */
};

/* Stable checkpoints: recent ones, who certified the latest (stable.c). */
struct bft_stable {
	struct bft_stable_rec ring[BFT_STABLE_RING];
	u64 attest;		/* replicas whose CHECKPOINT made h stable */
	u64 view;		/* view in which h became stable */
	u64 answered[BFT_MAX_REPLICAS];	/* rate limit, ms */
	u32 probe_left;		/* FETCH(STABLE) rounds left (fresh) */
	u64 probe_at;		/* next round, BFT_NO_DEADLINE if none */
	u64 probe_gap;		/* ms until the round after */
	struct bft_seed seed;
};

/* Clients (replycache.c) and the primary's batching queue (batch.c). */
struct bft_clients {
	struct bft_client *tab;	/* n_clients */
	u8 *mem;		/* their reply and pending-request buffers */
	u32 n_pend;		/* clients with a pending request */
	u32 *queue;		/* ring of client ids, n_clients */
	u32 q_head;
	u32 q_len;
	u32 q_bytes;
	u64 batch_deadline;
};

/* View change and view following (viewchange.c). */
struct bft_viewchange {
	u64 timeout;		/* current, after backoff */
	u64 deadline;		/* view-change timer, BFT_NO_DEADLINE if off */
	u64 armed;		/* in view change: Q VCs in, give up then */
	u64 view_heard;		/* peers seen in our view (created empty) */
	bool view_known;	/* by a NEW-VIEW, or Q - 1 peers in it */
	/* Latest VIEW-CHANGE per replica (own included). */
	u32 max;
	u8 *mem;		/* n * max */
	u32 *len;
	u64 *view;
	u8 *dig;		/* n * 32: digest of each, taken when stored */
	u64 nv_tried_view;	/* primary: the acked set last computed on */
	u64 nv_tried_mask;
	u8 *nv_buf;		/* latest NEW-VIEW (pending or sent) */
	u32 nv_len;
	u64 nv_view;
	bool nv_pending;	/* waiting for the VIEW-CHANGEs it names */
	u64 *view_hint;		/* per replica: highest view seen */
	struct bft_vc_view *vcv;	/* n parsed views, scratch */
	struct bft_ckpt_h *o_scratch;	/* L */
	struct bft_vc_entry_h *e_scratch;	/* L */
	struct bft_nv_vc_h *vv_scratch;	/* n */
	u64 *helped;		/* per replica: 1 + view we last helped */
	u64 help_at[BFT_MAX_REPLICAS];	/* and when, ms */
	struct bft_vc_ack_rec *acks;	/* [author * n + acker] */
};

/* Named VIEW-CHANGEs a backup keeps or fetches (vcfetch.c). */
struct bft_vcfetch {
	u8 *vk_mem;		/* n * vc_max: a second copy per author */
	u32 *vk_len;
	u64 *vk_view;
	struct bft_vcf_want *want;	/* n: per author */
	u64 view;		/* view of the NEW-VIEW they are for */
	u64 at;			/* next FETCH(VC) round, BFT_NO_DEADLINE */
	u64 *answered;		/* [asker * n + author]: rate limit, ms */
};

/* Retransmission (retx.c): ask when stuck, answer with what we sent. */
struct bft_retx {
	u64 at;			/* next check, BFT_NO_DEADLINE if none */
	u64 mark;		/* last_exec at the previous check */
	bool tail_ask;		/* joined a view late: ask for its log once */
	u64 answered[BFT_MAX_REPLICAS];	/* rate limit, ms */
};

/* What a backup expects of the primary (expect.c). */
struct bft_expect {
	u64 hb_at;		/* next look at waiting requests */
	u64 win_at;		/* end of the throughput window */
	u64 win_exec;		/* requests_executed when it started */
	u64 demand;		/* requests clients sent us directly in it */
	u64 view_peak;		/* best window of this view */
	u64 peak;		/* best window of earlier views, decaying */
	bool win_first;		/* the view's first window: not judged */
	u64 suspect_view;	/* the view suspects are about */
	u64 suspects;		/* replicas that sent SUSPECT for it */
};

/*
 * Membership epochs (reconfig.c). rec is replicated state (part of the
 * engine section of every checkpoint): the epoch in force after the
 * checkpoint, where it began, which ids it gave new hosts. pend is the
 * RECONFIG executed but not yet switched to; it never outlives the
 * checkpoint interval it was executed in, so no checkpoint holds one.
 */
struct bft_ep_rec {
	u64 epoch;
	u64 base;		/* checkpoint seq the epoch began after */
	u64 replace;		/* ids given a new host at base */
	u32 n;
	u8 config[BFT_DIGEST_LEN];
};

#define BFT_EP_SECTION		(8 + 8 + 8 + 4 + 4 + BFT_DIGEST_LEN)

struct bft_epoch {
	struct bft_ep_rec rec;	/* replicated: in force */
	bool pend;		/* replicated: a RECONFIG waits for at */
	u64 pend_at;
	struct bft_ep_rec next;	/* what it switches to */
	bool left;		/* this replica was replaced: stopped */
	u64 tx_epoch;		/* stamped on sends (an old asker's answers) */
	u64 helped[BFT_MAX_REPLICAS];	/* old-epoch askers answered, ms */
	u64 ahead;		/* peers heard (MAC checked) in the next epoch */
};

/*
 * One replica's protocol state. Each phase keeps its state in its own
 * sub-struct (see Documentation/engine.rst); what all phases share (the
 * configuration, the view, the send buffer) sits at the top.
 */
struct bft_engine {
	struct bft_config cfg;
	struct bft_wire_limits lim;
	const struct bft_ops *ops;
	void *ctx;
	const struct bft_service_ops *svc_ops;
	void *svc;
	u64 now;

	u32 n, f, q, id;		/* n, f, Q: of the epoch in force */
	u32 max_n;		/* per-replica arrays are sized by it */
	u32 req_max;		/* largest REQUEST datagram */
	u32 esz;		/* engine section of the state, bytes */
	u64 view;
	u32 status;		/* enum bft_status */
	u64 epoch;		/* epoch whose messages we take and send */

	struct bft_log log;		/* normal.c, batch.c */
	struct bft_clients cl;		/* replycache.c, batch.c */
	struct bft_ckpts ck;		/* checkpoint.c */
	struct bft_stable st;		/* stable.c */
	struct bft_viewchange vc;	/* viewchange.c */
	struct bft_vcfetch vcf;		/* vcfetch.c */
	struct bft_retx retx;		/* retx.c */
	struct bft_expect ex;		/* expect.c */
	struct bft_xfer xfer;		/* xfer.c */
	struct bft_xfer_serve xs;	/* xferserve.c */
	struct bft_epoch ep;		/* reconfig.c */

	/* Scratch buffers, allocated at create. */
	u8 *io;			/* xfer_chunk bytes */
	u8 *tx;			/* BFT_WIRE_MAX_DGRAM */
	u8 *result;		/* max_result */

	struct bft_counters ctr;
};

static inline u32 bft_primary(const struct bft_engine *e, u64 view)
{
	return (u32)(view % e->n);
}

static inline bool bft_is_primary(const struct bft_engine *e)
{
	return bft_primary(e, e->view) == e->id;
}

static inline struct bft_slot *bft_slot_of(struct bft_engine *e, u64 seq)
{
	return &e->log.slots[seq % e->cfg.log_size];
}

static inline bool bft_in_window(const struct bft_engine *e, u64 seq)
{
	return seq > e->log.h && seq <= e->log.h + e->cfg.log_size;
}

/*
 * A host that joined in this epoch and holds no state yet. It learns the
 * base it starts from by the members' CHECKPOINTs only, far above its
 * empty window; until it holds it, it has no log to ask about and no
 * grounds to suspect a primary. Epoch 0 replicas all start empty.
 */
static inline bool bft_joining(const struct bft_engine *e)
{
	return e->epoch && !e->log.last_exec && !e->log.h;
}

/* engine.c */
void bft_set_n(struct bft_engine *e, u32 n);
void bft_send_replica(struct bft_engine *e, u32 j, u8 *buf, u32 len);
void bft_multicast(struct bft_engine *e, u8 *buf, u32 len);
void bft_send_client(struct bft_engine *e, u32 c, u8 *buf, u32 len);
bool bft_verify_auth(struct bft_engine *e, const struct bft_req_view *r);
void bft_client_strike(struct bft_engine *e, u32 c, u64 ts);
bool bft_client_throttled(const struct bft_engine *e, u32 c);
void bft_emit(struct bft_engine *e, u32 type, u32 replica, u64 view, u64 seq,
	      const u8 *digest);
void bft_evidence(struct bft_engine *e, u32 replica, u32 kind, u64 view,
		  u64 seq, const u8 *digest);
void bft_timer_update(struct bft_engine *e);
struct bft_slot *bft_slot_get(struct bft_engine *e, u64 seq);
void bft_slot_clear(struct bft_engine *e, struct bft_slot *s);

/* replycache.c */
int bft_clients_alloc(struct bft_engine *e);
void bft_clients_free(struct bft_engine *e);
void bft_cache_reply(struct bft_engine *e, u32 c, u64 view, const u8 *res,
		     u32 len);
void bft_send_cached_reply(struct bft_engine *e, u32 c);
void bft_send_reply(struct bft_engine *e, u32 c, u64 ts, u8 flags,
		    const u8 *res, u32 len);
u32 bft_clients_state_size(const struct bft_config *cfg);
void bft_clients_save(const struct bft_engine *e, u8 *out);
void bft_clients_load(struct bft_engine *e, const u8 *in);
bool bft_has_pending(const struct bft_engine *e);
bool bft_work_outstanding(const struct bft_engine *e);
void bft_pend_clear(struct bft_engine *e, u32 c);
void bft_pend_sweep(struct bft_engine *e);

/* batch.c */
void bft_queue_request(struct bft_engine *e, const struct bft_req_view *r);
void bft_try_batch(struct bft_engine *e);
void bft_queue_reset(struct bft_engine *e);

/* normal.c */
int bft_on_request(struct bft_engine *e, const struct bft_req_view *r);
int bft_on_preprepare(struct bft_engine *e, u32 from,
		      const struct bft_pp_view *pp);
int bft_on_agree(struct bft_engine *e, u8 kind, u32 from,
		 const struct bft_agree_view *a);
void bft_accept_pp(struct bft_engine *e, struct bft_slot *s);
void bft_check_slot(struct bft_engine *e, struct bft_slot *s);
void bft_try_execute(struct bft_engine *e);
void bft_execute_batch(struct bft_engine *e, struct bft_slot *s, u8 flags);
void bft_send_agree(struct bft_engine *e, struct bft_slot *s, u8 kind);

/* tentative.c: tentative execution and its rollback */
#define BFT_EXEC_TENTATIVE	BFT_REPLY_F_TENTATIVE
#define BFT_EXEC_REPLAY		0x80	/* rollback re-execution: no reply */
bool bft_tent_ready(struct bft_engine *e, struct bft_slot *s);
void bft_tent_run(struct bft_engine *e, struct bft_slot *s);
bool bft_tent_commit(struct bft_engine *e, struct bft_slot *s);
void bft_tent_abort(struct bft_engine *e);
void bft_tent_new_view(struct bft_engine *e, const struct bft_ckpt_h *o,
		       u32 n_o);
bool bft_tent_reply(const struct bft_engine *e, u32 c);

/* checkpoint.c */
int bft_ckpt_alloc(struct bft_engine *e);
void bft_ckpt_free(struct bft_engine *e);
int bft_take_checkpoint(struct bft_engine *e, u64 seq);
void bft_send_ckpt(struct bft_engine *e, u32 to, u64 seq, const u8 *digest);
int bft_on_checkpoint(struct bft_engine *e, u32 from,
		      const struct bft_ckpt_view *c);
void bft_make_stable(struct bft_engine *e, u64 seq, const u8 *digest);
void bft_ckpt_need(struct bft_engine *e, u64 seq, const u8 *digest);
void bft_ckpt_fetch_weak(struct bft_engine *e);
struct bft_ckpt *bft_ckpt_find(struct bft_engine *e, u64 seq);

/* stable.c */
void bft_stable_note(struct bft_engine *e, u64 seq, const u8 *digest);
int bft_on_fetch_stable(struct bft_engine *e, u32 from,
			const struct bft_fetch_view *f);
void bft_stable_query(struct bft_engine *e, u32 client, u64 seq);
void bft_probe_tick(struct bft_engine *e);
bool bft_probing(const struct bft_engine *e);
bool bft_stable_resend(struct bft_engine *e, u32 j);
bool bft_answer_due(struct bft_engine *e, u64 *last);

/* retx.c */
void bft_retx_arm(struct bft_engine *e);
void bft_retx_tick(struct bft_engine *e);
void bft_retx_ask(struct bft_engine *e);
int bft_on_fetch_log(struct bft_engine *e, u32 from,
		     const struct bft_fetch_view *f);
bool bft_seed_try(struct bft_engine *e, u64 seq, const u8 *digest);
void bft_seed_passed(struct bft_engine *e, u64 seq);

/* expect.c */
void bft_expect_request(struct bft_engine *e, u32 c);
void bft_expect_proposed(struct bft_engine *e, const struct bft_req_view *r);
void bft_expect_arm(struct bft_engine *e);
void bft_expect_new_view(struct bft_engine *e);
void bft_expect_tick(struct bft_engine *e);
int bft_on_suspect(struct bft_engine *e, u32 from, u64 view);
u64 bft_expect_deadline(const struct bft_engine *e);

/* viewchange.c */
int bft_vc_alloc(struct bft_engine *e);
void bft_vc_free(struct bft_engine *e);
void bft_start_view_change(struct bft_engine *e, u64 new_view);
void bft_vc_timeout(struct bft_engine *e);
int bft_on_vc(struct bft_engine *e, u32 from, const u8 *buf, u32 len);
int bft_on_vc_ack(struct bft_engine *e, u32 from,
		  const struct bft_vc_ack_view *a);
int bft_on_nv(struct bft_engine *e, u32 from, const u8 *buf, u32 len);
void bft_peer_view(struct bft_engine *e, u32 from, u64 view);

void bft_nv_retry(struct bft_engine *e);
void bft_vc_epoch_reset(struct bft_engine *e);

/* vcfetch.c */
struct bft_vcf_want;
int bft_vcf_alloc(struct bft_engine *e);
void bft_vcf_free(struct bft_engine *e);
const u8 *bft_vc_copy(struct bft_engine *e, u32 j, u64 v, const u8 *digest,
		      u32 *len);
void bft_vc_keep(struct bft_engine *e, u32 j);
void bft_vcf_want(struct bft_engine *e, u64 v, u32 j, const u8 *digest);
void bft_vcf_tick(struct bft_engine *e);
int bft_on_fetch_vc(struct bft_engine *e, u32 from,
		    const struct bft_fetch_view *f);
int bft_on_vc_data(struct bft_engine *e, u32 from,
		   const struct bft_data_view *d);
void bft_vcf_reset(struct bft_engine *e);

/* nvcompute.c: pure NEW-VIEW decision, see Documentation/engine.rst. */
int bft_nv_compute(u32 n, u32 f, u32 q, u32 log_size,
		   const struct bft_vc_view *vcs, u32 m,
		   struct bft_ckpt_h *ckpt, struct bft_ckpt_h *o, u32 *n_o);

/* xfer.c: fetching a checkpoint's state */
void bft_xfer_start(struct bft_engine *e, u64 seq, const u8 *digest);
void bft_xfer_begin(struct bft_engine *e, u64 seq, const u8 *digest);
void bft_xfer_tick(struct bft_engine *e);
int bft_on_data(struct bft_engine *e, u32 from, const struct bft_data_view *d);
void bft_fetch_batch(struct bft_engine *e, struct bft_slot *s);
bool bft_xfer_total_ok(struct bft_engine *e, u64 total);
int bft_xfer_chunk(struct bft_engine *e, u64 off, u64 total, const u8 *p,
		   u32 len);
bool bft_xfer_finish(struct bft_engine *e);
void bft_xfer_restart(struct bft_engine *e);

/* reconfig.c: membership epochs and RECONFIG */
u32 bft_section_size(const struct bft_config *cfg);
void bft_section_save(const struct bft_engine *e, u8 *out);
void bft_section_load(struct bft_engine *e, const u8 *in);
u32 bft_reconf_exec(struct bft_engine *e, u64 seq,
		    const struct bft_req_view *r, u8 *res, u32 cap);
void bft_reconf_boundary(struct bft_engine *e, u64 seq);
int bft_epoch_admit(struct bft_engine *e, const struct bft_msg_hdr *h,
		    const u8 *buf, u32 len);
bool bft_epoch_old_asker(const struct bft_engine *e);
bool bft_epoch_left_helps(const struct bft_engine *e,
			  const struct bft_msg_hdr *h);
void bft_epoch_help(struct bft_engine *e, u32 from);
void bft_reconf_stable(struct bft_engine *e, u64 seq);
void bft_reconf_installed(struct bft_engine *e, u64 seq);
bool bft_reconf_waiting(const struct bft_engine *e);
bool bft_epoch_behind(const struct bft_engine *e);
void bft_reconf_resend(struct bft_engine *e);
u64 bft_epoch_floor(const struct bft_engine *e);
u64 bft_batch_limit(const struct bft_engine *e);
bool bft_is_admin(const struct bft_engine *e, u32 client);
void bft_staged_answer(struct bft_engine *e, const struct bft_req_view *r);

/* xferserve.c: answering FETCH(STATE, TABLE, BATCH) */
int bft_on_fetch(struct bft_engine *e, u32 from,
		 const struct bft_fetch_view *f);

#endif /* _BFT_INTERNAL_H */
