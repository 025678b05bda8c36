#!/bin/sh
# Build the libFuzzer targets with clang and run each one.
#   scripts/fuzz.sh [SECONDS] [TARGET]
#     SECONDS  run time per target (default 60)
#     TARGET   frame, msg, tc, bc, conf or all (default all)
#   FUZZ_BUILD_DIR  build directory (default build-fuzz in the source tree)
# Each target starts from a temporary copy of tests/fuzz/corpus/<target>, so
# the committed seed corpus is never modified. Crash inputs are kept in
# tests/fuzz/artifacts/<target>/. Exits non-zero if any target fails.
set -eu

cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
WANT=${2:-all}
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
TARGETS="frame msg tc bc conf"

case "$SECS" in
''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a number" >&2; exit 2 ;;
esac
if [ "$WANT" != all ]; then
	case " $TARGETS " in
	*" $WANT "*) TARGETS=$WANT ;;
	*) echo "fuzz.sh: unknown target '$WANT' ($TARGETS)" >&2; exit 2 ;;
	esac
fi

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$ROOT" -Dfuzz=true -Ddpdk=disabled \
		-Dtests=false >/dev/null
fi
ninja -C "$BUILD" >/dev/null

rc=0
for t in $TARGETS; do
	exe=$BUILD/tests/fuzz/fuzz_$t
	if [ ! -x "$exe" ]; then
		echo "fuzz_$t: not built (tests/fuzz/fuzz_$t.c missing?)" >&2
		rc=1
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/ptpsw-fuzz-$t.XXXXXX")
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp -r "tests/fuzz/corpus/$t/." "$work/"
	fi
	art=$ROOT/tests/fuzz/artifacts/$t
	mkdir -p "$art"
	log=$work.log
	echo "fuzz_$t: ${SECS}s"
	if LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
		"$exe" -max_total_time="$SECS" -print_final_stats=1 -timeout=10 \
		-artifact_prefix="$art/" "$work" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
		echo "fuzz_$t: ok, ${execs:-?} execs, $cov"
	else
		echo "fuzz_$t: FAILED, see $art/ and the log below" >&2
		tail -n 40 "$log" >&2
		rc=1
	fi
	rm -rf "$work" "$log"
done
exit $rc
