// SPDX-License-Identifier: MIT
/*
 * schedtest: the guest side of the QEMU scheduler tests
 * (tests/integration/run-baremetal.sh, the share-* and latency-* cases).
 * bootargs choose a role:
 *
 *   role=share start-ms=S window-ms=N
 *                           every vCPU counts loop iterations from S to
 *                           S + N ms of guest time and prints
 *                           "SHARE vcpu=<i> count=<n> window_ms=<N>"; the
 *                           host compares the counts of two VMs (share.c).
 *   role=spin spin-ms=N     every vCPU spins for N ms: the busy neighbour.
 *   role=latency ...        vCPU 0 measures its timer wake-up lateness
 *                           (latency.c).
 *
 * All roles end with the usual GUEST summary and an SRST shutdown.
 */
#include "console.h"
#include "platform.h"
#include "schedtest.h"
#include "test.h"
#include "util.h"

const char guest_name[] = "schedtest";

void guest_main(void)
{
	const char *args = platform.bootargs;

	if (str_has_word(args, "role=share"))
		role_share();
	else if (str_has_word(args, "role=spin"))
		role_spin();
	else if (str_has_word(args, "role=latency"))
		role_latency();
	else
		check(false, "role", "no role=share|spin|latency in \"%s\"",
		      args);
}
