#!/bin/sh
# Build a hartvisor config archive: pack.sh CONFIG.dts OUT.cpio IMAGE_DIR
#
# The archive is a newc cpio holding config.dtb (the compiled .dts) and
# every file a VM's kernel or initrd property names, taken from IMAGE_DIR.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: $0 CONFIG.dts OUT.cpio IMAGE_DIR" >&2
	exit 2
fi
dts=$1
out=$2
images=$3

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

dtc -q -I dts -O dtb -o "$stage/config.dtb" "$dts"

files="config.dtb"
for vm in $(fdtget -l "$stage/config.dtb" /vms); do
	for prop in kernel initrd; do
		name=$(fdtget -t s "$stage/config.dtb" "/vms/$vm" "$prop" \
			2>/dev/null) || continue
		[ -n "$name" ] || continue
		case $name in
		*/* | .*)
			echo "$dts: VM $vm: $prop \"$name\" must be a plain" \
				"file name" >&2
			exit 1 ;;
		esac
		if [ ! -f "$images/$name" ]; then
			echo "$dts: VM $vm: $prop \"$name\" not found in" \
				"$images/" >&2
			exit 1
		fi
		if [ ! -e "$stage/$name" ]; then
			cp "$images/$name" "$stage/$name"
			files="$files $name"
		fi
	done
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && printf '%s\n' $files |
	cpio --quiet -o -H newc --reproducible) >"$out.tmp"
mv "$out.tmp" "$out"
