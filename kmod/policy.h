/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replica policy attributes (BFT_POLICY_A_*) onto engine configuration
 * fields: one table for the kernel's netlink code and for bftd.
 */
#ifndef _BFT_POLICY_H
#define _BFT_POLICY_H

#include "engine/engine.h"

/* The field @attr sets, or NULL if @attr is not a policy attribute. */
u32 *bft_policy_field(struct bft_config *cfg, int attr);

#endif /* _BFT_POLICY_H */
