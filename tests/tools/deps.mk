# Debian packages the project needs. `make deps` (a prerequisite of run and
# test) installs the missing ones with apt-get when run as root, and
# otherwise prints the command to run.
DEB_PACKAGES := gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf \
	qemu-system-misc opensbi gdb-multiarch device-tree-compiler libfdt-dev \
	lcov libcmocka-dev gnuplot-nox linux-source-6.1 cpio socat xz-utils \
	gcc make clang libclang-rt-14-dev clang-format debian-archive-keyring gcc-riscv64-linux-gnu \
	libc6-dev-riscv64-cross python3 git

deps:
	$(Q)tests/tools/ensure-deps.sh $(DEB_PACKAGES)
