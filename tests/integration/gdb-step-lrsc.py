# Sourced by gdb in run-gdb.sh: from a stop at atomic_add_lrsc's entry,
# single-step (stepi) until the frame leaves the function. An lr/sc loop
# that a step breaks into pieces never succeeds, and the count runs out.
# Leaving takes 12 steps when the sc succeeds at once; each failed sc
# (a host interrupt between lr and sc: on a loaded host, a timer that came
# due while QEMU's thread was off the CPU) costs about 5 more, and one run
# in ten under load failed more than 10 times in a row: the limit allows
# about 35 failures, and a step that always breaks the sequence still
# never leaves.
n = 0
while gdb.selected_frame().name() == 'atomic_add_lrsc' and n < 200:
    gdb.execute('stepi', to_string=True)
    n += 1
print('LRSC-LEFT' if n < 200 else 'LRSC-STUCK', n)
