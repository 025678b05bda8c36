#!/usr/bin/env bash
# The lab demo in one command (root, Debian 12): install, build, then run
# ptpsw with config/lab.cfg between a ptp4l grandmaster and two ptp4l time
# receivers in network namespaces, showing each receiver's offset live.
# On exit it shows where each Sync's error came from (CAPTURE, lab.sh).
#   DURATION=N scripts/demo.sh   stop after N seconds (default: until Ctrl-C)
#   CAPTURE=no scripts/demo.sh   without the captures and that breakdown
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
if ! ninja -C build >build/demo-build.log 2>&1; then
	tail -n 30 build/demo-build.log >&2
	echo "demo.sh: build failed (full log: build/demo-build.log)" >&2
	exit 1
fi
case ${CAPTURE:-auto} in
no) CAPTURE= ;;
*) CAPTURE=${CAPTURE:-auto} ;;
esac
export CAPTURE
exec scripts/lab.sh run
