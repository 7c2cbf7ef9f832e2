/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BFT_SOCKET_H
#define _BFT_SOCKET_H

#include <linux/socket.h>
#include <net/udp_tunnel.h>

union bft_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

int bft_socket_open(struct net *net, const union bft_sockaddr *local,
		    void *user, udp_tunnel_encap_rcv_t rcv,
		    struct socket **out);
void bft_socket_close(struct socket *sock);
int bft_socket_send(struct socket *sock, const union bft_sockaddr *dst,
		    const void *buf, size_t len);
bool bft_sockaddr_equal(const union bft_sockaddr *a,
			const union bft_sockaddr *b);

#endif /* _BFT_SOCKET_H */
