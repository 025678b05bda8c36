#!/usr/bin/env bash
# Install, build and run every test of ptpsw on Debian 12 (root).
#   scripts/test.sh            everything: unit, tshark, glue, integration,
#                              sanitizer unit run, release build, short
#                              fuzz runs
#   FUZZ_SECONDS=N             seconds per fuzz target (default 10; 0 skips;
#                              scripts/fuzz.sh N runs them longer)
#   SUITES="unit tshark"       only these meson suites (default: all)
#   PTPSW_CCACHE=0             compile without the shared compiler cache
# The integration tests measure against CLOCK_REALTIME: each waits until
# nothing slews it hard (tests/integration/lib.sh, it_clock_steady), and
# the tests that fail after a snapshot of this VM during the run
# (dmesg: virtual machine fork) run once more; the summary names them.
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
	FAILED_NAMES=$(python3 - "$json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        t = json.loads(line)
        if t.get("result", "") not in ("OK", "EXPECTEDFAIL", "SKIP"):
            print(t.get("name", "?"))
PY
	)
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

# Snapshots of this VM (Firecracker's VM generation ID: the kernel logs
# "crng reseeded due to virtual machine fork"): the uptime of the last
# one, 0 if none (or no dmesg). After one, something slews CLOCK_REALTIME
# for minutes (docs/operations.md, REALTIME-RATE), and the integration
# tests measure against that clock.
last_vm_fork() {
	dmesg 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\] random: crng reseeded due to virtual machine fork.*/\1/p' |
		tail -n 1 | grep . || echo 0
}

# What the tests leave behind, a line each: namespaces, links and EAL
# runtime directories of a test's prefix ("pt" and 4 hex digits,
# tests/integration/lib.sh), its hugetlbfs mounts and temporary
# directories, and processes of the programs the tests start. Compared
# before and after the tests: every test removes what it made, so
# anything new is a failure (only listed, never removed or stopped here:
# it may be somebody else's).
leftovers() {
	{
		ip netns list 2>/dev/null | awk '{print "namespace " $1}' |
			grep -E '^namespace pt[0-9a-f]{4}-' || true
		ip -o link 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print "link " $2}' |
			grep -E '^link pt[0-9a-f]{4}' || true
		for d in /var/run/dpdk/pt[0-9a-f][0-9a-f][0-9a-f][0-9a-f]; do
			[ -e "$d" ] && echo "EAL runtime directory $d"
		done
		awk '$2 ~ "^/tmp/ptpsw-huge\\." {print "hugetlbfs mount " $2}' /proc/mounts
		# their temporary directories, unless IT_KEEP=1 asks to keep them
		if [ "${IT_KEEP:-0}" != 1 ]; then
			for d in /tmp/ptpsw-it.* /tmp/ptpsw-huge.* /tmp/ptpsw-harness.* \
				 /tmp/ptpsw-chk.* /tmp/ptpsw-inst.* /tmp/ptpsw-lab.*; do
				[ -e "$d" ] && echo "temporary directory $d"
			done
		fi
		for c in ptpsw ptp4l phc2sys pmc tcpdump tshark dumpcap iperf3 dpdk-testpmd dpdk-proc-info dpdk-dumpcap; do
			pgrep -x "$c" 2>/dev/null | sed "s/^/process $c /" || true
		done
	} | sort
}

rc=0
left_before=$(leftovers)
step "meson test ${SUITES:-(all suites)}"
args=()
for s in ${SUITES:-}; do args+=(--suite "$s"); done
rm -f build/meson-logs/testlog.json
run_t0=$(cut -d' ' -f1 /proc/uptime)
rc_tests=0
meson test -C build --no-rebuild --print-errorlogs "${args[@]}" || rc_tests=1
FAILED_NAMES=
count_meson build
# A snapshot of the VM during the run: the tests that failed run once
# more (each waits until CLOCK_REALTIME is steady again: lib.sh's
# it_clock_steady), and their second results count instead. Said here
# and in the summary; without a snapshot nothing runs twice.
fork=$(last_vm_fork)
rerun=
if [ "$rc_tests" != 0 ] && [ -n "$FAILED_NAMES" ] &&
   awk -v f="$fork" -v t="$run_t0" 'BEGIN { exit !(f > t) }'; then
	rerun=$(echo $FAILED_NAMES)
	step "this VM was snapshotted during the tests (dmesg: virtual machine fork, $(awk -v f="$fork" -v t="$run_t0" 'BEGIN { printf "%.0f", f - t }') s into them), which slews CLOCK_REALTIME for minutes: running the failed ones once more: $rerun"
	failed=$((failed - $(echo "$FAILED_NAMES" | wc -l)))
	rm -f build/meson-logs/testlog.json
	rc_tests=0
	# shellcheck disable=SC2086
	meson test -C build --no-rebuild --print-errorlogs $rerun || rc_tests=1
	count_meson build
fi
[ "$rc_tests" = 0 ] || rc=1

# one result: the tests cleaned up after themselves
left_new=$(comm -13 <(echo "$left_before") <(leftovers) | grep . || true)
if [ -z "$left_new" ]; then
	echo "clean-up: the tests left nothing behind"
	passed=$((passed + 1))
else
	echo "FAIL: clean-up: the tests left behind:"
	echo "$left_new" | sed 's/^/  /'
	failed=$((failed + 1)); rc=1
fi

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
echo "ptpsw tests: $passed passed, $failed failed, $skipped skipped${rerun:+ (run twice after a VM snapshot during the tests: $rerun)}"
[ "$failed" -eq 0 ] || rc=1
exit $rc
