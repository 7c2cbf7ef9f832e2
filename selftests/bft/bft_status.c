// SPDX-License-Identifier: GPL-2.0
/*
 * Print BFT_CMD_GET_STATUS of the current network namespace as
 * "key=value" lines, independently of bftctl, so the netns test can
 * compare namespaces with a second implementation of the client side.
 * "bft_status --wire-version" prints the BFT_WIRE_VERSION it was built
 * with, which GET_STATUS must report as its protocol version.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/bft_wire.h>

#include "bft_nl.h"

int main(int argc, char **argv)
{
	struct bft_nl_result res;
	struct bft_nl_msg m;
	struct bft_nl nl;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--wire-version")) {
		printf("%d\n", BFT_WIRE_VERSION);
		return 0;
	}

	ret = bft_nl_open(&nl);
	if (!ret)
		ret = bft_nl_resolve(&nl, BFT_GENL_NAME);
	if (ret) {
		fprintf(stderr, "bft_status: family %s: %s\n", BFT_GENL_NAME,
			strerror(-ret));
		return 1;
	}
	bft_nl_init(&m, nl.family, BFT_CMD_GET_STATUS, 0);
	ret = bft_nl_call(&nl, &m, &res);
	if (ret || res.error) {
		fprintf(stderr, "bft_status: GET_STATUS: %s (%s)\n",
			strerror(ret ? -ret : -res.error), res.ext_msg);
		return 1;
	}
	if (!res.has_version || !res.has_cookie) {
		fprintf(stderr, "bft_status: reply lacks version or cookie\n");
		return 1;
	}
	printf("version=%s\nproto=%" PRIu32 "\nnetns_cookie=%" PRIu64
	       "\nreplicas=%" PRIu32 "\n", res.version, res.proto, res.cookie,
	       res.nr_replicas);
	bft_nl_close(&nl);
	return 0;
}
