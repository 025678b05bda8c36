#!/usr/bin/env bash
# Install every Debian 12 package that ptpsw's build, tests and lab need.
# Idempotent: quiet and quick when everything is already there. Run as root.
set -euo pipefail

PKGS=(
	# build
	build-essential meson ninja-build pkg-config ccache
	dpdk dpdk-dev libdpdk-dev libconfig-dev libcunit1-dev libpcap-dev
	# fuzzing and sanitizers
	clang libclang-rt-14-dev
	# lab, integration tests and benchmarks
	linuxptp tshark tcpdump iproute2 ethtool iperf3 python3-scapy procps
	# the man page check of the install test
	groff-base
	# fetching DPDK's driver-SDK headers for the simulated PTP NIC
	xz-utils ca-certificates
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: missing packages: ${missing[*]}" >&2
	echo "setup.sh: run as root (sudo $0) to install them" >&2
	exit 1
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup.sh: done"
