# Sourced by gdb in run-gdb.sh before `continue`: two seconds later, type
# a command into the Linux guest's console (the FIFO in $GDB_FIFO), which
# opens a file and so runs into the breakpoint on do_sys_openat2.
import os
import threading


def type_command():
    with open(os.environ['GDB_FIFO'], 'w') as console:
        console.write('cat /proc/version\n')


threading.Timer(2.0, type_command).start()
