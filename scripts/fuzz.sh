#!/bin/sh
# Build the libFuzzer targets with clang and run each one.
#   scripts/fuzz.sh [SECONDS] [TARGET]
#     SECONDS  run time per target (default 60)
#     TARGET   frame, msg, tc, bc, conf or all (default all)
#   FUZZ_BUILD_DIR  build directory (default build-fuzz in the source tree)
#   FUZZ_JOBS       targets run at once (default: the CPUs, nproc); each
#                   gets SECONDS of its own, so all five take
#                   ceil(5 / FUZZ_JOBS) * SECONDS
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
	# through ccache where it is installed and not disabled (meson does
	# that by itself only for a compiler it picks)
	FUZZ_CC=clang
	if command -v ccache >/dev/null 2>&1 && [ -z "${CCACHE_DISABLE:-}" ]; then
		FUZZ_CC="ccache clang"
	fi
	CC=$FUZZ_CC meson setup "$BUILD" "$ROOT" -Dfuzz=true -Ddpdk=disabled \
		-Dtests=false >/dev/null
fi
ninja -C "$BUILD" >/dev/null

JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
case "$JOBS" in
''|*[!0-9]*|0) echo "fuzz.sh: FUZZ_JOBS must be a number above 0" >&2; exit 2 ;;
esac

# start_one T: target T in the background, from a copy of its corpus;
# its log and exit status go to $TMPD/T.log and $TMPD/T.rc
start_one()
{
	exe=$BUILD/tests/fuzz/fuzz_$1
	work=$TMPD/$1.corpus
	mkdir -p "$work"
	if [ -d "tests/fuzz/corpus/$1" ]; then
		cp -r "tests/fuzz/corpus/$1/." "$work/"
	fi
	art=$ROOT/tests/fuzz/artifacts/$1
	mkdir -p "$art"
	echo "fuzz_$1: ${SECS}s"
	(
		if LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
			"$exe" -max_total_time="$SECS" -print_final_stats=1 \
			-timeout=10 -artifact_prefix="$art/" "$work" \
			>"$TMPD/$1.log" 2>&1; then
			echo 0 >"$TMPD/$1.rc"
		else
			echo 1 >"$TMPD/$1.rc"
		fi
	) 2>/dev/null &
}

# report_one T: T's result from its log (after it ended)
report_one()
{
	log=$TMPD/$1.log
	if [ "$(cat "$TMPD/$1.rc" 2>/dev/null)" = 0 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
		echo "fuzz_$1: ok, ${execs:-?} execs, $cov"
	else
		echo "fuzz_$1: FAILED, see $ROOT/tests/fuzz/artifacts/$1/ and the log below" >&2
		tail -n 40 "$log" >&2
		rc=1
	fi
}

rc=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ptpsw-fuzz.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT
trap 'pids=$(jobs -p); [ -z "$pids" ] || kill $pids 2>/dev/null || :; wait; exit 130' INT TERM
batch= n=0
for t in $TARGETS; do
	if [ ! -x "$BUILD/tests/fuzz/fuzz_$t" ]; then
		echo "fuzz_$t: not built (tests/fuzz/fuzz_$t.c missing?)" >&2
		rc=1
		continue
	fi
	start_one "$t"
	batch="$batch $t" n=$((n + 1))
	if [ "$n" -ge "$JOBS" ]; then
		wait
		for b in $batch; do report_one "$b"; done
		batch= n=0
	fi
done
wait
for b in $batch; do report_one "$b"; done
exit $rc
