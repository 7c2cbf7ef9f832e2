// SPDX-License-Identifier: GPL-2.0
/*
 * bft_canary: misbehaves on purpose so that `make check-harness` can
 * prove the VM harness notices a kernel warning and a memory leak.
 */
#include <linux/module.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN() on load");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak an allocation on load");

static int __init canary_init(void)
{
	void *p;

	WARN(warn, "bft_canary: deliberate warning\n");
	if (leak) {
		p = kmalloc(128, GFP_KERNEL);
		/* Lose the only reference; kmemleak must report it. */
		pr_info("bft_canary: leaked %s\n", p ? "128 bytes" : "nothing");
		p = NULL;
	}
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VM harness self-test: deliberate kernel splats");
