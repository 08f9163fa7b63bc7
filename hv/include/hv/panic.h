/* SPDX-License-Identifier: MIT */
/* The machine-wide stop of a hypervisor panic (hv/core/panic.c). */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <hv/types.h>

/* How long the panicking hart waits for the others to halt. */
#define PANIC_HALT_WAIT_MS 100

/* Halt every other hart, then power the machine off as a failure. Takes
 * no lock; called by hv_panic once its message is out. */
NORETURN void panic_stop_machine(void);

#endif
