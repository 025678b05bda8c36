#!/usr/bin/env bash
# Install, build and run every test of ptpsw on Debian 12 (root).
#   scripts/test.sh            everything: unit, tshark, glue, integration,
#                              sanitizer unit run, release build, short
#                              fuzz runs
#   FUZZ_SECONDS=N             seconds per fuzz target (default 10; 0 skips;
#                              scripts/fuzz.sh N runs them longer)
#   SUITES="unit tshark"       only these meson suites (default: all)
#   PTPSW_CCACHE=0             compile without the shared compiler cache
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
passed=0
failed=0
skipped=0

step() { printf "\n=== [%s] %s\n" "$(date +%T)" "$*"; }

# Counts the results of the last `meson test` in build dir $1 from
# meson-logs/testlog.json (one JSON object per test, with "name" and
# "result"), names skipped and failed tests, and adds to the totals.
# OK and EXPECTEDFAIL pass, SKIP is skipped, anything else fails (FAIL,
# TIMEOUT, UNEXPECTEDPASS, ERROR, INTERRUPT). No log: one failure.
count_meson() {
	local json=$1/meson-logs/testlog.json counts ok fail skip
	if [ ! -s "$json" ]; then
		echo "no test results in $json" >&2
		failed=$((failed + 1))
		return
	fi
	counts=$(python3 - "$json" <<'PY'
import json, sys
ok = fail = skip = 0
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        t = json.loads(line)
        res = t.get("result", "")
        if res in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif res == "SKIP":
            skip += 1
            print("skipped: %s" % t.get("name", "?"), file=sys.stderr)
        else:
            fail += 1
            print("failed: %s (%s)" % (t.get("name", "?"), res), file=sys.stderr)
print(ok, fail, skip)
PY
	) || { failed=$((failed + 1)); return; }
	read -r ok fail skip <<<"$counts"
	passed=$((passed + ok))
	failed=$((failed + fail))
	skipped=$((skipped + skip))
}

step "install packages"
scripts/setup.sh

# Compiler cache: meson compiles through ccache when it is installed
# (setup.sh installs it), and the four builds below share many sources.
# The cache lives in /var/cache/ptpsw/ccache where that is writable, so
# another clone on this machine (CI's clean clone) compiles nothing that
# an earlier one compiled the same way. Paths under the clone are hashed
# relative to it (CCACHE_BASEDIR) and the working directory not at all
# (CCACHE_NOHASHDIR): an object taken from the cache may name another
# clone's build directory in its debug information. PTPSW_CCACHE=0
# compiles without the cache.
if [ "${PTPSW_CCACHE:-1}" != 0 ] && command -v ccache > /dev/null; then
	if [ -z "${CCACHE_DIR:-}" ] && mkdir -p /var/cache/ptpsw/ccache 2> /dev/null &&
	   [ -w /var/cache/ptpsw/ccache ]; then
		export CCACHE_DIR=/var/cache/ptpsw/ccache
	fi
	export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-1G}
	echo "compiler cache: ccache in ${CCACHE_DIR:-its default directory}"
else
	export CCACHE_DISABLE=1
	echo "compiler cache: off"
fi

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
rm -f build/meson-logs/testlog.json
meson test -C build --no-rebuild --print-errorlogs "${args[@]}" || rc=1
count_meson build

step "sanitizer build (address,undefined): unit suites"
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Ddpdk=disabled >/dev/null
fi
ninja -C build-asan
rm -f build-asan/meson-logs/testlog.json
meson test -C build-asan --no-rebuild --print-errorlogs --suite unit || rc=1
count_meson build-asan

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
echo "ptpsw tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || rc=1
exit $rc
