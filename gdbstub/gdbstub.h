/* SPDX-License-Identifier: MIT */
/* What hv/ calls of the gdb stub: its set-up at boot. */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

/* After the host UART and PLIC: find the stub's UART (gdbstub/transport). */
void gdb_transport_init(void);
/* After the VMs exist: attach the stub to the VM it debugs (`gdb;`, or
 * the first), or let `gdb-wait;` VMs go when there is no UART. */
void gdb_stub_init(void);

#endif
