# shellcheck shell=bash
# Sourced by tests that talk to hartvisor's gdb stub. The stub's UART is
# QEMU's pci-serial (gdbstub/transport.c finds it on PCI at boot); these
# helpers put it on a local TCP port and boot hartvisor with it.
#
#   gdb_qemu_args PORT   QEMU arguments: the UART as a TCP server on
#                        127.0.0.1:PORT that does not wait for a client
#   gdb_qemu_null_args   QEMU arguments: the UART with nothing behind it
#                        (what it sends is dropped, it never receives)
#   gdb_free_port        print a TCP port nobody listens on, probing from
#                        a start derived from $$ so that concurrent tests
#                        rarely even probe the same ports
#   gdb_qemu_start LOG CPIO SMP [STDIN]
#                        boot $BUILD/hartvisor.elf with CPIO in the
#                        background, like run-qemu.sh (-m 1G, Sstc on),
#                        with the UART on a free port; stdin from STDIN
#                        (default /dev/null), console to LOG. Returns once
#                        QEMU listens on the port, with GDB_PORT and
#                        GDB_QEMU_PID set; retries with another port if
#                        one was taken meanwhile. Limit: GDB_QEMU_TIMEOUT
#                        seconds (default 120).
#   gdb_wait_log LOG REGEX [SECONDS]
#                        wait (default 60 s) until an extended REGEX
#                        matches a line of LOG; false on timeout
#   gdb_exchange PORT SECONDS DATA
#                        connect to the stub, send DATA (printf format:
#                        '\003' is Ctrl-C), print what arrives within
#                        SECONDS after sending, then disconnect (no
#                        half-close first: QEMU would drop the link)
#
# gdb connects with: target remote 127.0.0.1:$GDB_PORT

gdb_qemu_args() {
	echo "-device pci-serial,chardev=gdb0" \
		"-chardev socket,id=gdb0,host=127.0.0.1,port=$1,server=on,wait=off"
}

gdb_qemu_null_args() {
	echo "-device pci-serial,chardev=gdb0 -chardev null,id=gdb0"
}

# Is anything bound to TCP port $1 (any address, any state)?
gdb_port_in_use() {
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v p="$hex" 'substr($2, length($2) - 4) == p { found = 1 }
		END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

gdb_free_port() {
	local base=$((20000 + ($$ * 7919) % 30000)) i=0 port
	while [ "$i" -lt 500 ]; do
		port=$((base + i))
		if ! gdb_port_in_use "$port"; then
			echo "$port"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

gdb_qemu_start() {
	local log=$1 cpio=$2 smp=$3 input=${4:-/dev/null} i
	local build=${BUILD:-build}
	for _ in 1 2 3; do
		GDB_PORT=$(gdb_free_port) || return 1
		# shellcheck disable=SC2046 # the arguments are words on purpose
		timeout -k 10 "${GDB_QEMU_TIMEOUT:-120}" qemu-system-riscv64 \
			-M virt -cpu rv64,h=true -smp "$smp" -m 1G -nographic \
			-bios default -kernel "$build/hartvisor.elf" \
			-initrd "$cpio" $(gdb_qemu_args "$GDB_PORT") \
			<"$input" >"$log" 2>&1 &
		GDB_QEMU_PID=$!
		i=0
		while [ "$i" -lt 100 ]; do
			if ! kill -0 "$GDB_QEMU_PID" 2>/dev/null; then
				break # exited: the port was taken, say
			fi
			if gdb_port_in_use "$GDB_PORT"; then
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		kill "$GDB_QEMU_PID" 2>/dev/null
		wait "$GDB_QEMU_PID" 2>/dev/null
	done
	echo "gdb_qemu_start: QEMU did not listen on a port (log: $log)" >&2
	return 1
}

gdb_wait_log() {
	local i=0 limit=$((${3:-60} * 10))
	while [ "$i" -lt "$limit" ]; do
		if [ -f "$1" ] && tr -d '\r' <"$1" | grep -aqE -- "$2"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

gdb_exchange() {
	# shellcheck disable=SC2059 # DATA is a printf format on purpose
	printf -- "$3" | timeout $(($2 + 10)) socat -t "$2" - \
		"TCP:127.0.0.1:$1,connect-timeout=5,shut-none"
}
