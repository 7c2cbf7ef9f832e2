// SPDX-License-Identifier: GPL-2.0
/*
 * Key rotation commands of the "bft" family: KEYS_ROTATE, and the key ids
 * a peer reports in REPLICA_GET.
 */
#include <net/genetlink.h>

#include "bft.h"
#include "netlink.h"
#include "replica.h"

int bft_nl_put_peer_keys(struct sk_buff *msg, struct bft_peer *p)
{
	u32 s = atomic_read(&p->kr);

	/* key-next: the id we switched to while the peer has not used it. */
	if (nla_put_u8(msg, BFT_PEER_A_KEY_ID, bft_kr_cur(s)) ||
	    nla_put_u8(msg, BFT_PEER_A_KEY_SEND, bft_kr_send_id(s)))
		return -EMSGSIZE;
	if ((s & BFT_KR_SEND) &&
	    nla_put_u8(msg, BFT_PEER_A_KEY_NEXT, bft_kr_send_id(s)))
		return -EMSGSIZE;
	return 0;
}

int bft_nl_keys_rotate_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct bft_net *bn = bft_pernet(genl_info_net(info));
	struct bft_replica *r;
	u32 started = 0;
	int err;

	mutex_lock(&bn->lock);
	r = bft_nl_get_replica(bn, info);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	mutex_lock(&r->lock);
	mutex_lock(&r->key_lock);
	err = bft_keys_rotate(r, &started);
	mutex_unlock(&r->key_lock);
	mutex_unlock(&r->lock);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "a key rotation of every peer is in progress (see key_next in bftctl show); try again once it completes");
	else if (err)
		NL_SET_ERR_MSG(info->extack, "cannot derive the next keys");
	else if (!started)
		NL_SET_ERR_MSG(info->extack, "no peer keys to rotate");
	/* The worker sends with the new keys once due; wake it. */
	queue_work(r->wq, &r->work);
out:
	mutex_unlock(&bn->lock);
	return err;
}
