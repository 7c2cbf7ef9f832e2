// SPDX-License-Identifier: GPL-2.0
/*
 * Replica policy attributes onto struct bft_config. Pure C: built into
 * bft.ko and into bftd.
 */
#include <linux/bft.h>

#include "policy.h"

#define OFF(f)	(offsetof(struct bft_config, f) + 1)

/* Offsets plus one, so that zero marks "no such attribute". */
static const u16 policy_off[BFT_POLICY_A_MAX + 1] = {
	[BFT_POLICY_A_BATCH_SIZE] = OFF(batch_max),
	[BFT_POLICY_A_BATCH_BYTES] = OFF(batch_bytes),
	[BFT_POLICY_A_BATCH_DELAY_MS] = OFF(batch_delay_ms),
	[BFT_POLICY_A_WINDOW] = OFF(window),
	[BFT_POLICY_A_CKPT_INTERVAL] = OFF(ckpt_interval),
	[BFT_POLICY_A_LOG_SIZE] = OFF(log_size),
	[BFT_POLICY_A_VC_TIMEOUT_MS] = OFF(vc_timeout_ms),
	[BFT_POLICY_A_VC_TIMEOUT_MAX_MS] = OFF(vc_timeout_max_ms),
	[BFT_POLICY_A_VC_BACKOFF] = OFF(vc_backoff),
	[BFT_POLICY_A_NO_TENTATIVE] = OFF(no_tentative),
	[BFT_POLICY_A_EXPECT_HB_MS] = OFF(expect_hb_ms),
	[BFT_POLICY_A_EXPECT_WINDOW_MS] = OFF(expect_window_ms),
	[BFT_POLICY_A_EXPECT_PCT] = OFF(expect_pct),
	[BFT_POLICY_A_KEY_ROTATION_SEC] = OFF(key_rotation_sec),
};

u32 *bft_policy_field(struct bft_config *cfg, int attr)
{
	if (attr <= 0 || attr > BFT_POLICY_A_MAX || !policy_off[attr])
		return NULL;
	return (u32 *)((u8 *)cfg + policy_off[attr] - 1);
}
