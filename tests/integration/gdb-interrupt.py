# Sourced by gdb in run-gdb.sh before `continue`: Ctrl-C (gdb's
# `interrupt`, a 0x03 byte to the stub) two seconds later.
import threading

threading.Timer(
    2.0, lambda: gdb.post_event(lambda: gdb.execute('interrupt'))).start()
