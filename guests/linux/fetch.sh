#!/bin/sh
# Download Debian's riscv64 kernel and busybox-static by package name, with a
# private apt configuration that never touches the system's apt state.
#
#   guests/linux/fetch.sh <out-dir>        (normally build/linux)
#
# The Debian mirror is the one the machine's own apt sources already use: it
# is read from /etc/apt/sources.list(.d) at run time and never written into a
# committed file. HV_DEBIAN_MIRROR=<uri> overrides it.
#
# Results in <out-dir>:
#   Image                 the kernel (a flat RISC-V Image, /boot/vmlinux-*)
#   busybox               busybox-static's /bin/busybox (riscv64)
#   versions.txt          the exact packages and versions used
#   debs/*.deb            the downloaded packages (cache)
set -eu

die() {
	echo "fetch.sh: error: $*" >&2
	exit 1
}

[ $# -ge 1 ] || die "usage: $0 <out-dir> [--symbols]"
symbols=false
[ "${2:-}" = --symbols ] && symbols=true
mkdir -p "$1"
# apt takes relative paths as relative to its own directories: make it absolute
out=$(cd "$1" && pwd)
suite=${HV_DEBIAN_SUITE:-trixie}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
kernel_meta=linux-image-riscv64
busybox_pkg=busybox-static

for tool in apt-get apt-cache dpkg-deb awk; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (a Debian host is required)"
done
[ -r "$keyring" ] || die "$keyring missing: install debian-archive-keyring (make deps)"

# Print the URI of the machine's main Debian archive: the first apt source
# signed by the Debian archive keyring (or one-line entry) whose suites are
# not security/updates/backports suites and whose URI is not a security one.
find_mirror() {
	{
		if [ -r /etc/apt/sources.list ]; then
			awk '$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				print $i, $(i + 1)
			}' /etc/apt/sources.list
		fi
		for f in /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			awk '$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				print $i, $(i + 1)
			}' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			# deb822: stanzas separated by blank lines; print "uri suite"
			# for each URI of each enabled "deb" stanza.
			awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && enabled != "no")
					for (k = 1; k <= nu; k++) print uri[k], suite1
				types = ""; nu = 0; suite1 = ""; enabled = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{
				key = $1; sub(/:$/, "", key); key = tolower(key)
				if (key == "types") { $1 = ""; types = $0 " " }
				else if (key == "uris") for (k = 2; k <= NF; k++) uri[++nu] = $k
				else if (key == "suites") suite1 = $2
				else if (key == "enabled") enabled = tolower($2)
			}
			END { flush() }' "$f"
		done
	} | awk '$1 ~ /^(https?|file):/ && $1 !~ /security/ && $2 !~ /-(security|updates|backports)$/ && $1 ~ /debian\/?$/ {
		sub(/\/$/, "", $1); print $1; exit }'
}

mirror=${HV_DEBIAN_MIRROR:-$(find_mirror)}
[ -n "$mirror" ] || die "no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d/; set HV_DEBIAN_MIRROR=<uri>"

apt_dir=$out/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
	"$apt_dir/preferences.d" "$apt_dir/sources.list.d" "$out/debs"
: >"$apt_dir/status"
printf 'deb [arch=riscv64 signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" \
	>"$apt_dir/sources.list"

# A fully private configuration: our sources, lists, cache and an empty dpkg
# status, and riscv64 as the only architecture.
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

echo "fetch.sh: updating package lists for $suite/riscv64 (mirror from the system's apt sources)"
apt_private apt-get update >"$apt_dir/update.log" 2>&1 ||
	{ cat "$apt_dir/update.log" >&2; die "apt-get update failed"; }

# The metapackage depends on the real, versioned image package.
kernel_pkg=$(apt_private apt-cache show --no-all-versions "$kernel_meta" |
	awk -F': ' '$1 == "Depends" {
		n = split($2, deps, /, */)
		for (k = 1; k <= n; k++) {
			split(deps[k], w, / /)
			if (w[1] ~ /^linux-image-[0-9]/) { print w[1]; exit }
		}
	}')
[ -n "$kernel_pkg" ] || die "could not resolve $kernel_meta to a linux-image-<version> package"

# Download into a scratch directory, then keep exactly the files we asked for.
# --symbols: the kernel's debug symbols, from the -dbg package of the very
# kernel package in use (about 1 GB to download; only vmlinux is kept).
if $symbols; then
	[ -r "$out/versions.txt" ] || die "fetch the kernel first (make linux-guest)"
	in_use=$(awk '/^linux-image-riscv64 -> / { print $3 "=" $4 }' "$out/versions.txt")
	[ -n "$in_use" ] || die "no kernel package recorded in $out/versions.txt"
	dbg="${in_use%%=*}-dbg=${in_use#*=}"
	echo "fetch.sh: downloading $dbg for the kernel's symbols (about 1 GB, once)"
	rm -rf "$out/dbg.tmp"
	mkdir -p "$out/dbg.tmp"
	(cd "$out/dbg.tmp" && apt_private apt-get download "$dbg") \
		>"$apt_dir/download-dbg.log" 2>&1 ||
		{ cat "$apt_dir/download-dbg.log" >&2; die "apt-get download $dbg failed"; }
	dpkg-deb --fsys-tarfile "$out"/dbg.tmp/*.deb |
		tar -x -C "$out/dbg.tmp" --wildcards './usr/lib/debug/boot/vmlinux-*'
	set -- "$out"/dbg.tmp/usr/lib/debug/boot/vmlinux-*
	[ $# -eq 1 ] && [ -f "$1" ] || die "no vmlinux in $dbg"
	mv "$1" "$out/vmlinux"
	rm -rf "$out/dbg.tmp"
	echo "fetch.sh: kernel symbols in $out/vmlinux"
	exit 0
fi

rm -rf "$out/debs.tmp"
mkdir -p "$out/debs.tmp"
(cd "$out/debs.tmp" && apt_private apt-get download "$kernel_pkg" "$busybox_pkg") \
	>"$apt_dir/download.log" 2>&1 ||
	{ cat "$apt_dir/download.log" >&2; die "apt-get download failed"; }
rm -rf "$out/debs"
mv "$out/debs.tmp" "$out/debs"

kernel_deb=$(ls "$out/debs/${kernel_pkg}"_*.deb)
busybox_deb=$(ls "$out/debs/${busybox_pkg}"_*.deb)

# Unpack and pick out the two files we need.
rm -rf "$out/unpack"
mkdir -p "$out/unpack/kernel" "$out/unpack/busybox"
dpkg-deb -x "$kernel_deb" "$out/unpack/kernel"
dpkg-deb -x "$busybox_deb" "$out/unpack/busybox"

set -- "$out"/unpack/kernel/boot/vmlinux-*
[ $# -eq 1 ] && [ -f "$1" ] || die "expected exactly one /boot/vmlinux-* in $kernel_deb"
vmlinux=$1
# A RISC-V Image has the magic "RSC\x05" at offset 0x38.
magic=$(dd if="$vmlinux" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$magic" = "52534305" ] || die "$vmlinux is not a RISC-V Image (magic at 0x38: $magic)"
bb=$out/unpack/busybox/usr/bin/busybox
[ -x "$bb" ] || bb=$out/unpack/busybox/bin/busybox
[ -x "$bb" ] || die "no busybox binary in $busybox_deb"

cp "$bb" "$out/busybox.tmp"
mv "$out/busybox.tmp" "$out/busybox"
cp "$out"/unpack/kernel/boot/config-* "$out/kernel-config"
cp "$vmlinux" "$out/Image.tmp"
mv "$out/Image.tmp" "$out/Image"
rm -rf "$out/unpack"

{
	echo "suite: $suite (riscv64)"
	echo "$kernel_meta -> $(dpkg-deb -f "$kernel_deb" Package) $(dpkg-deb -f "$kernel_deb" Version)"
	echo "$(dpkg-deb -f "$busybox_deb" Package) $(dpkg-deb -f "$busybox_deb" Version)"
	echo "kernel file: /boot/$(basename "$vmlinux")"
	echo "Image sha256: $(sha256sum "$out/Image" | cut -d' ' -f1)"
} >"$out/versions.txt"
cat "$out/versions.txt"
