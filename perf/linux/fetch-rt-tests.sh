#!/bin/sh
# Debian's rt-tests (cyclictest, hackbench) for the Linux guest, by package
# name from the riscv64 archive, with the shared libraries they load, as an
# initramfs overlay for the Linux benchmarks (perf/bench-linux.sh).
#
#   perf/linux/fetch-rt-tests.sh LINUX_DIR OUT_DIR
#
# LINUX_DIR is the Linux guest's build directory (build/linux): its private
# apt configuration (guests/linux/fetch.sh, run by `make linux-guest`) is
# used as it is, so the system's apt state is never touched and no mirror
# is named here. Results in OUT_DIR:
#   root/               usr/bin/{cyclictest,hackbench}, their libraries in
#                       lib/riscv64-linux-gnu, the dynamic loader in lib/,
#                       and tests/{cyclictest,hackbench}.sh
#   rt-tests.cpio.gz    that tree as a gzip'd newc archive (owned by root)
#   versions.txt        the packages and versions used
set -eu

die() {
	echo "fetch-rt-tests.sh: error: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: $0 LINUX_DIR OUT_DIR"
linux=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
src=$(cd "$(dirname "$0")" && pwd)
apt_dir=$linux/apt
readelf=${LINUX_CROSS:-riscv64-linux-gnu-}readelf
[ -r "$apt_dir/sources.list" ] || die "no $apt_dir/sources.list: run 'make linux-guest' first"
command -v "$readelf" >/dev/null 2>&1 || die "$readelf not found (binutils-riscv64-linux-gnu, make deps)"
packages="rt-tests libnuma1 libc6"

apt_private() {
	cmd=$1
	shift
	"$cmd" -q \
		-o Dir::Etc::sourcelist="$apt_dir/sources.list" \
		-o Dir::Etc::sourceparts="$apt_dir/sources.list.d" \
		-o Dir::Etc::preferences="$apt_dir/preferences" \
		-o Dir::Etc::preferencesparts="$apt_dir/preferences.d" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir/cache" \
		-o APT::Architecture=riscv64 \
		-o APT::Architectures=riscv64 \
		"$@"
}

rm -rf "$out/debs" "$out/unpack" "$out/root"
mkdir -p "$out/debs" "$out/unpack"
# shellcheck disable=SC2086 # the package list is a word list on purpose
(cd "$out/debs" && apt_private apt-get download $packages) >"$out/download.log" 2>&1 || {
	# The lists may be older than the archive: refresh them once.
	apt_private apt-get update >"$out/update.log" 2>&1 || { cat "$out/update.log" >&2; die "apt-get update failed"; }
	# shellcheck disable=SC2086
	(cd "$out/debs" && apt_private apt-get download $packages) >"$out/download.log" 2>&1 ||
		{ cat "$out/download.log" >&2; die "apt-get download $packages failed"; }
}
: >"$out/versions.txt"
for deb in "$out"/debs/*.deb; do
	dpkg-deb -x "$deb" "$out/unpack"
	echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >>"$out/versions.txt"
done

root=$out/root
mkdir -p "$root/usr/bin" "$root/lib/riscv64-linux-gnu" "$root/tests"
for tool in cyclictest hackbench; do
	[ -f "$out/unpack/usr/bin/$tool" ] || die "no /usr/bin/$tool in rt-tests"
	cp "$out/unpack/usr/bin/$tool" "$root/usr/bin/$tool"
done

# find_lib NAME: the library file in the unpacked packages.
find_lib() {
	for d in usr/lib/riscv64-linux-gnu lib/riscv64-linux-gnu usr/lib lib; do
		[ -e "$out/unpack/$d/$1" ] && { echo "$out/unpack/$d/$1"; return 0; }
	done
	return 1
}

# Every NEEDED library, transitively, and the loader the tools ask for.
todo="$root/usr/bin/cyclictest $root/usr/bin/hackbench"
while [ -n "$todo" ]; do
	next=""
	for f in $todo; do
		for lib in $("$readelf" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$root/lib/riscv64-linux-gnu/$lib" ] && continue
			path=$(find_lib "$lib") || die "$lib (needed by $(basename "$f")) is in none of: $packages"
			cp -L "$path" "$root/lib/riscv64-linux-gnu/$lib"
			next="$next $root/lib/riscv64-linux-gnu/$lib"
		done
	done
	todo=$next
done
interp=$("$readelf" -l "$root/usr/bin/cyclictest" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
[ -n "$interp" ] || die "cyclictest has no program interpreter"
path=$(find_lib "$(basename "$interp")") || die "no $(basename "$interp") in libc6"
mkdir -p "$root$(dirname "$interp")"
cp -L "$path" "$root$interp"
chmod 0755 "$root"/usr/bin/* "$root$interp"

for t in cyclictest hackbench; do
	cp "$src/$t.sh" "$root/tests/$t.sh"
	chmod 0755 "$root/tests/$t.sh"
done
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out/rt-tests.cpio.gz.tmp"
mv "$out/rt-tests.cpio.gz.tmp" "$out/rt-tests.cpio.gz"
rm -rf "$out/unpack"
echo "fetch-rt-tests.sh: $(tr '\n' ' ' <"$out/versions.txt")-> $out/rt-tests.cpio.gz"
