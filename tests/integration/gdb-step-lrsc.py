# Sourced by gdb in run-gdb.sh: from a stop at atomic_add_lrsc's entry,
# single-step (stepi) until the frame leaves the function. An lr/sc loop
# that a step breaks into pieces never succeeds, and the count runs out.
n = 0
while gdb.selected_frame().name() == 'atomic_add_lrsc' and n < 60:
    gdb.execute('stepi', to_string=True)
    n += 1
print('LRSC-LEFT' if n < 60 else 'LRSC-STUCK', n)
