#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Fetch the DPDK driver-SDK headers that Debian does not install
# (ethdev_driver.h, ethdev_vdev.h, bus_vdev_driver.h, dev_driver.h and
# what they include that is not installed either) from Debian's `dpdk`
# source package of the INSTALLED version, into <repo>/.sdk/include.
# They are needed only by the test-only net_ptpsim vdev (pmd_glue/ptpsim).
#
# The system's apt configuration is not touched: a private deb-src list
# (same URIs, suites and Signed-By as the system's deb822 sources) and a
# private lists directory live under <repo>/.sdk/apt.
#
# Debian's patches (debian/patches) do not touch these headers in 22.11.11,
# so the upstream orig tarball is enough.
#
# A copy of the headers is kept in $SDK_CACHE (default
# /var/cache/ptpsw/dpdk-sdk-VERSION, when writable), so that another clone
# on the same machine (CI's clean clone) copies them instead of fetching
# the source package again.
#
# Usage: scripts/fetch-dpdk-sdk.sh [-f]   (-f: fetch again even if present
#                                          or cached)
# Idempotent and quiet when the headers are present for the right version.

set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
SDK="$REPO/.sdk"
INC="$SDK/include"
APTD="$SDK/apt"
SYS_SOURCES=${SYS_SOURCES:-/etc/apt/sources.list.d/debian.sources}

# The headers we need, by path in the DPDK source tree.
HEADERS="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/dev_driver.h"

force=0
[ "${1:-}" = "-f" ] && force=1

die() { echo "fetch-dpdk-sdk: $*" >&2; exit 1; }

modver=$(pkg-config --modversion libdpdk 2>/dev/null) ||
	die "pkg-config does not know libdpdk (install libdpdk-dev)"
debver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) ||
	die "libdpdk-dev is not installed"
# Debian version 22.11.11-0+deb12u1 -> upstream 22.11.11
upver=${debver#*:}
upver=${upver%-*}
[ "$upver" = "$modver" ] ||
	die "libdpdk-dev $debver does not match pkg-config libdpdk $modver"

stamp="$INC/.version"
if [ $force -eq 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$debver" ]; then
	exit 0
fi
CACHE=${SDK_CACHE:-/var/cache/ptpsw/dpdk-sdk-$debver}
if [ $force -eq 0 ] && [ -f "$CACHE/.version" ] &&
   [ "$(cat "$CACHE/.version")" = "$debver" ]; then
	rm -rf "$INC.new"
	mkdir -p "$SDK"
	cp -r "$CACHE" "$INC.new"
	rm -rf "$INC"
	mv "$INC.new" "$INC"
	echo "fetch-dpdk-sdk: headers for $debver copied from $CACHE"
	exit 0
fi

echo "fetch-dpdk-sdk: fetching dpdk source $debver (private apt state in $APTD)"
[ -r "$SYS_SOURCES" ] || die "cannot read $SYS_SOURCES"
rm -rf "$APTD"
mkdir -p "$APTD/sources" "$APTD/lists/partial" "$APTD/dl"

# Same stanzas as the system's deb822 file, turned into deb-src, main only.
sed -e 's/^Types:.*/Types: deb-src/' -e 's/^Components:.*/Components: main/' \
	"$SYS_SOURCES" > "$APTD/sources/ptpsw-src.sources"

APT="apt-get -qq -o Dir::Etc::SourceList=/dev/null
	-o Dir::Etc::SourceParts=$APTD/sources
	-o Dir::State::Lists=$APTD/lists
	-o Dir::Cache=$APTD/cache
	-o Debug::NoLocking=1"
mkdir -p "$APTD/cache/archives/partial"

# shellcheck disable=SC2086
$APT update >"$APTD/update.log" 2>&1 ||
	{ cat "$APTD/update.log" >&2; die "apt-get update (private lists) failed"; }
# shellcheck disable=SC2086
(cd "$APTD/dl" && $APT source --download-only "dpdk=$debver") \
	>"$APTD/source.log" 2>&1 ||
	{ cat "$APTD/source.log" >&2; die "apt-get source dpdk=$debver failed"; }

orig=$(ls "$APTD"/dl/dpdk_"$upver".orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || die "no dpdk_$upver.orig.tar.* downloaded"

# Top directory name inside the tarball (dpdk-stable-22.11.11 or similar).
top=$(tar -tf "$orig" | head -n 1 | cut -d/ -f1)
tmp="$SDK/tmp"
rm -rf "$tmp"
mkdir -p "$tmp"

extract() {	# extract <tree path>: 0 if found
	tar -xf "$orig" -C "$tmp" "$top/$1" 2>/dev/null
}

# Close over includes: copy every "quoted" or <angle> include that the
# installed DPDK does not provide (/usr/include/dpdk, the arch dir).
installed_has() {
	for d in /usr/include/dpdk /usr/include/*-linux-gnu/dpdk /usr/include; do
		[ -f "$d/$1" ] && return 0
	done
	return 1
}

rm -rf "$INC.new"
mkdir -p "$INC.new"
queue="$HEADERS"
done_list=" "
while [ -n "$queue" ]; do
	set -- $queue
	path=$1
	shift
	queue="$*"
	base=$(basename "$path")
	case "$done_list" in *" $base "*) continue ;; esac
	done_list="$done_list$base "
	extract "$path" || die "$path not in $orig"
	cp "$tmp/$top/$path" "$INC.new/$base"
	for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p' \
			"$tmp/$top/$path"); do
		installed_has "$inc" && continue
		case "$inc" in */*) continue ;; esac	# libc/system subdirs
		# find it in the source tree
		hit=$(tar -tf "$orig" | grep "/$inc\$" | grep -v '/doc/' | head -n 1)
		[ -n "$hit" ] || die "$inc (included by $base) not found"
		queue="$queue ${hit#"$top"/}"
	done
done

echo "$debver" > "$INC.new/.version"
rm -rf "$INC" "$tmp"
mv "$INC.new" "$INC"
rm -rf "$APTD"	# lists and tarballs are not needed any more
echo "fetch-dpdk-sdk: headers in $INC:" $(ls "$INC")
# keep a copy for other clones (best effort: an unwritable cache is fine)
if mkdir -p "$(dirname "$CACHE")" 2>/dev/null &&
   rm -rf "$CACHE.new" && cp -r "$INC" "$CACHE.new" 2>/dev/null; then
	rm -rf "$CACHE" && mv "$CACHE.new" "$CACHE" &&
		echo "fetch-dpdk-sdk: a copy in $CACHE"
else
	rm -rf "$CACHE.new" 2>/dev/null
fi
