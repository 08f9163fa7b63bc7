// SPDX-License-Identifier: MIT
/*
 * hv/vcpu/run.c for the watchpoint tests, built under another name: they
 * link gdbstub/run.c too, and a test's coverage notes are named after
 * each source's base name (two run.c would overwrite each other's).
 */
#include "hv/vcpu/run.c"
