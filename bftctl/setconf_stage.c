// SPDX-License-Identifier: GPL-2.0
/*
 * bftctl setconf with a file of the next epoch: stage it. The replica
 * gets the file's n, the keys and endpoints of the ids the file replaces
 * or adds (Joined == Epoch) and the file's configuration digest, and
 * keeps running on its current keys; the staging is installed when the
 * admin's RECONFIG of that epoch switches (bftctl reconfig), and only if
 * it names the same n, replace set and digest. A host whose id is not
 * below the file's n stages the epoch without peers: it leaves then.
 * See Documentation/admin-guide.rst "Changing membership".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/bft.h>

#include "admin.h"
#include "args.h"
#include "setconf.h"

/* Same family, port and address (what the file and the kernel can hold). */
static bool same_endpoint(const struct sockaddr_storage *a,
			  const struct sockaddr_storage *b)
{
	char x[64], y[64];

	bft_format_endpoint(a, x, sizeof(x));
	bft_format_endpoint(b, y, sizeof(y));
	return !strcmp(x, y);
}

/* A staged file may change only the replaced ids' hosts, and add ids. */
static int check_kept(const struct setconf *s, uint64_t replace)
{
	const struct bft_conf *c = s->conf;
	char was[64], now[64], err[256];
	uint32_t i;

	if (bft_conf_check_next(c, s->cur.n, err, sizeof(err))) {
		fprintf(stderr, "bftctl: %s: %s; nothing applied\n", s->file, err);
		return -1;
	}
	if (replace & (1ull << s->id)) {
		fprintf(stderr, "bftctl: %s: replica %u (this host) is replaced in epoch %" PRIu64 " (Joined = Epoch): run setconf on its new host; this one leaves at the switch; nothing applied\n",
			s->file, s->id, c->epoch);
		return -1;
	}
	for (i = 0; i < c->n_replicas && i < s->cur.n; i++) {
		const struct sockaddr_storage *ep = &s->cur.peer_ep[i];

		if (i == s->id || (replace & (1ull << i)) || !ep->ss_family ||
		    same_endpoint(ep, &c->replicas[i].endpoint))
			continue;
		bft_format_endpoint(ep, was, sizeof(was));
		bft_format_endpoint(&c->replicas[i].endpoint, now, sizeof(now));
		fprintf(stderr, "bftctl: %s: replica %u's Endpoint changes (%s -> %s) without Joined = %" PRIu64 ": only a replaced id gets a new host; nothing applied\n",
			s->file, i, was, now, c->epoch);
		return -1;
	}
	return 0;
}

static const char *admin_str(int64_t admin, char *buf, size_t len)
{
	if (admin < 0)
		return "none";
	snprintf(buf, len, "%lld", (long long)admin);
	return buf;
}

int setconf_check_epoch(const struct setconf *s)
{
	const struct running *cur = &s->cur;
	const struct bft_conf *c = s->conf;
	char a[24], b[24];

	if (!cur->exists)
		return 0;
	if (c->admin != cur->admin) {
		fprintf(stderr, "bftctl: %s: Admin %s differs from replica %s's (%s): the admin is fixed at creation; nothing applied\n",
			s->file, admin_str(c->admin, a, sizeof(a)), s->name,
			admin_str(cur->admin, b, sizeof(b)));
		return -1;
	}
	if (c->epoch == cur->epoch && s->leaving) {
		fprintf(stderr, "bftctl: setconf: replica %u is not in %s (n=%u) of replica %s's epoch %" PRIu64 "; nothing applied\n",
			s->id, s->file, c->n_replicas, s->name, cur->epoch);
		return -1;
	}
	if (c->epoch == cur->epoch)
		return 0;
	if (c->epoch < cur->epoch) {
		fprintf(stderr, "bftctl: %s: epoch goes backwards: the file has Epoch %" PRIu64 ", replica %s is in epoch %" PRIu64 "; nothing applied\n",
			s->file, c->epoch, s->name, cur->epoch);
		return -1;
	}
	if (c->epoch != cur->epoch + 1) {
		fprintf(stderr, "bftctl: %s: Epoch %" PRIu64 " skips ahead: replica %s is in epoch %" PRIu64 ", so the next one is %" PRIu64 "; nothing applied\n",
			s->file, c->epoch, s->name, cur->epoch, cur->epoch + 1);
		return -1;
	}
	if (s->leaving && cur->id < cur->n)
		return 1;	/* a leaving host stages no peers */
	if (s->leaving) {
		fprintf(stderr, "bftctl: setconf: replica %u is not in %s (n=%u); nothing applied\n",
			s->id, s->file, c->n_replicas);
		return -1;
	}
	return check_kept(s, bft_conf_replace_mask(c, cur->n)) ? -1 : 1;
}

static int put_peer(struct nl_msg *msg, const struct setconf *s, uint32_t id)
{
	struct nlattr *nest = nla_nest_start(msg, BFT_PEERS_A_PEER);

	if (!nest || nla_put_u32(msg, BFT_PEER_A_ID, id) ||
	    nla_put(msg, BFT_PEER_A_KEY, BFT_KEY_LEN, s->peer_key[id]) ||
	    put_sockaddr(msg, BFT_PEER_A_ENDPOINT,
			 &s->conf->replicas[id].endpoint))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int setconf_stage(struct bft_nl *nl, const struct setconf *s)
{
	const struct bft_conf *c = s->conf;
	uint64_t joined = s->leaving ? 0 : bft_conf_joined_mask(c);
	uint32_t i, k = 0, added = 0;
	struct nlattr *staged, *peers;
	struct nl_msg *msg;

	msg = bft_nl_msg(nl, BFT_CMD_REPLICA_SET, 0);
	if (!msg || nla_put_string(msg, BFT_A_NAME, s->name))
		goto err;
	staged = nla_nest_start(msg, BFT_A_STAGED);
	if (!staged ||
	    nla_put_u64(msg, BFT_STAGED_A_EPOCH, c->epoch) ||
	    nla_put(msg, BFT_STAGED_A_CONFIG, BFT_DIGEST_LEN, s->digest) ||
	    nla_put_u32(msg, BFT_STAGED_A_N, c->n_replicas))
		goto err;
	peers = nla_nest_start(msg, BFT_STAGED_A_PEERS);
	if (!peers)
		goto err;
	/* Replaced ids (below the current n) and added ones (from it up). */
	for (i = 0; i < c->n_replicas; i++) {
		if (!(joined & (1ull << i)) || i == s->id)
			continue;
		if (put_peer(msg, s, i))
			goto err;
		if (i >= s->cur.n)
			added++;
		else
			k++;
	}
	nla_nest_end(msg, peers);
	nla_nest_end(msg, staged);
	if (bft_request(msg, nl))	/* wipes @msg */
		return 1;
	if (s->leaving)
		printf("bftctl: staged epoch %" PRIu64 " of %s on replica %s: n %u -> %u, replica %u leaves; it takes effect at 'bftctl reconfig'\n",
		       c->epoch, s->file, s->name, s->cur.n, c->n_replicas,
		       s->id);
	else
		printf("bftctl: staged epoch %" PRIu64 " of %s on replica %s: n %u -> %u, %u replaced replica%s, %u added; it takes effect at 'bftctl reconfig'\n",
		       c->epoch, s->file, s->name, s->cur.n, c->n_replicas, k,
		       k == 1 ? "" : "s", added);
	return 0;
err:
	bft_nl_msg_wipe_free(msg);	/* may hold keys already */
	return 1;
}
