// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel UDP sockets for replicas. Receive goes through the udp_tunnel
 * encap_rcv hook, so datagrams reach bft in softirq without a socket
 * queue or a receiving thread; transmit is a plain kernel_sendmsg() from
 * the replica worker.
 */
#include <linux/in6.h>
#include <linux/net.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "socket.h"

int bft_socket_open(struct net *net, const union bft_sockaddr *local,
		    void *user, udp_tunnel_encap_rcv_t rcv,
		    struct socket **out)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = user,
		.encap_type = 1,
		.encap_rcv = rcv,
	};
	struct udp_port_cfg port = { 0 };
	struct socket *sock;
	int err;

	switch (local->sa.sa_family) {
	case AF_INET:
		port.family = AF_INET;
		port.local_ip = local->sin.sin_addr;
		port.local_udp_port = local->sin.sin_port;
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		port.family = AF_INET6;
		port.local_ip6 = local->sin6.sin6_addr;
		port.local_udp_port = local->sin6.sin6_port;
		port.ipv6_v6only = 1;
		/* Zero UDP checksums are tunnel-only; clients would drop them. */
		port.use_udp6_tx_checksums = 1;
		port.use_udp6_rx_checksums = 1;
		break;
#endif
	default:
		return -EAFNOSUPPORT;
	}

	err = udp_sock_create(net, &port, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(net, sock, &cfg);
	*out = sock;
	return 0;
}

void bft_socket_close(struct socket *sock)
{
	if (sock)
		udp_tunnel_sock_release(sock);
}

int bft_socket_send(struct socket *sock, const union bft_sockaddr *dst,
		    const void *buf, size_t len)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (struct sockaddr *)&dst->sa,
		.msg_namelen = dst->sa.sa_family == AF_INET6 ?
			       sizeof(dst->sin6) : sizeof(dst->sin),
		.msg_flags = MSG_DONTWAIT,
	};
	int ret;

	ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
	return ret < 0 ? ret : 0;
}

bool bft_sockaddr_equal(const union bft_sockaddr *a,
			const union bft_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		       a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	       ipv6_addr_equal(&a->sin6.sin6_addr, &b->sin6.sin6_addr);
}
