#!/usr/bin/env bash
# Install, build and run every test of ptpsw on Debian 12 (root).
#   scripts/test.sh            everything: unit, tshark, glue, integration,
#                              sanitizer unit run, release build, short
#                              fuzz runs
#   FUZZ_SECONDS=N             seconds per fuzz target (default 30; 0 skips)
#   SUITES="unit tshark"       only these meson suites (default: all)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
passed=0
failed=0

step() { printf '\n=== %s\n' "$*"; }

count_meson() {
	# meson test prints "Ok: N", "Fail: N", "Expected Fail", "Unexpected Pass", "Timeout: N"
	local log=$1 ok fail to up
	ok=$(awk '/^Ok:/ {print $2}' "$log" | tail -n1)
	fail=$(awk '/^Fail:/ {print $2}' "$log" | tail -n1)
	to=$(awk '/^Timeout:/ {print $2}' "$log" | tail -n1)
	up=$(awk '/^Unexpected Pass:/ {print $3}' "$log" | tail -n1)
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${fail:-0} + ${to:-0} + ${up:-0}))
}

step "install packages"
scripts/setup.sh

if [ -x scripts/fetch-dpdk-sdk.sh ]; then
	step "DPDK driver-SDK headers (for the simulated PTP NIC)"
	scripts/fetch-dpdk-sdk.sh
fi

step "build (build/)"
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build

rc=0
step "meson test ${SUITES:-(all suites)}"
args=()
for s in ${SUITES:-}; do args+=(--suite "$s"); done
log=$(mktemp)
meson test -C build --no-rebuild --print-errorlogs "${args[@]}" 2>&1 | tee "$log" || rc=1
count_meson "$log"

step "sanitizer build (address,undefined): unit suites"
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Ddpdk=disabled >/dev/null
fi
ninja -C build-asan
meson test -C build-asan --no-rebuild --print-errorlogs --suite unit 2>&1 | tee "$log" || rc=1
count_meson "$log"
rm -f "$log"

step "release build (-O3, warnings are errors there too)"
if [ ! -f build-release/build.ninja ]; then
	meson setup build-release -Dbuildtype=release >/dev/null
fi
if ninja -C build-release >/dev/null; then
	passed=$((passed + 1))
else
	ninja -C build-release 2>&1 | grep -E 'error|warning' | head -20 || true
	failed=$((failed + 1)); rc=1
fi

if [ "$FUZZ_SECONDS" -gt 0 ] && [ -x scripts/fuzz.sh ]; then
	step "fuzz targets, ${FUZZ_SECONDS}s each"
	if scripts/fuzz.sh "$FUZZ_SECONDS"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); rc=1
	fi
fi

echo
echo "ptpsw tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || rc=1
exit $rc
