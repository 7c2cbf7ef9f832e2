/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_NETLINK_H
#define _BFT_NETLINK_H

int bft_genl_init(void);
void bft_genl_uninit(void);

#endif /* _BFT_NETLINK_H */
