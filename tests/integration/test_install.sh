#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `meson install` (into a DESTDIR) puts the service together: the binary,
# ptpsw(8), the example configurations, the documentation and the systemd
# unit. Asserts that each is there, that the installed binary accepts the
# installed example configuration (--check, as the unit's ExecStartPre
# runs it), that the unit runs --check first and stops with SIGTERM, that
# the man page renders without warnings and names every command-line
# option of --help. No root needed.

set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -n "${PTPSW:-}" ] && [ -x "$PTPSW" ] || { echo "SKIP: PTPSW not set"; exit 77; }
command -v meson > /dev/null || { echo "SKIP: meson not installed"; exit 77; }
BUILD=$(cd "$(dirname "$PTPSW")/.." && pwd)

T=$(mktemp -d /tmp/ptpsw-inst.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }

if ! meson install -C "$BUILD" --no-rebuild --destdir "$T/root" > "$T/install.log" 2>&1; then
	fail "meson install"; tail -n 20 "$T/install.log"; exit 1
fi
PREFIX=$(meson introspect "$BUILD" --buildoptions |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
R=$T/root$PREFIX
echo "installed under DESTDIR $T/root, prefix $PREFIX:"
(cd "$T/root" && find . -type f | sort | sed 's/^\./  /')

BIN=$R/bin/ptpsw
MAN=$(find "$R/share/man/man8" -name 'ptpsw.8*' 2> /dev/null | head -n 1)
UNIT=$R/lib/systemd/system/ptpsw.service
check "binary installed" [ -x "$BIN" ]
check "man page installed" [ -n "$MAN" ]
check "systemd unit installed" [ -f "$UNIT" ]
for f in example.cfg lab.cfg lab-pcap.cfg bc-lab.cfg; do
	check "config $f installed" [ -f "$R/share/ptpsw/$f" ]
done
for f in operations.md configuration.md architecture.md; do
	check "doc $f installed" [ -f "$R/share/doc/ptpsw/$f" ]
done

# the installed binary on the installed example (what ExecStartPre runs)
check "installed ptpsw --check accepts the installed example.cfg" \
	eval '"$BIN" --check -c "$R/share/ptpsw/example.cfg" > "$T/check.log" 2>&1'
tail -n 1 "$T/check.log"
check "installed ptpsw --version" eval '"$BIN" --version | grep -q "^ptpsw "'

# the unit: --check before start, with the installed binary's path
check "unit: ExecStartPre runs --check" \
	grep -qx "ExecStartPre=$PREFIX/bin/ptpsw --check -c \${PTPSW_CONFIG}" "$UNIT"
check "unit: ExecStart with the config" \
	grep -q "^ExecStart=$PREFIX/bin/ptpsw -c \${PTPSW_CONFIG}" "$UNIT"
check "unit: ExecReload sends SIGHUP (reload)" \
	grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$UNIT"
check "unit: SIGTERM stops it" grep -qx "KillSignal=SIGTERM" "$UNIT"
check "unit: no restart on a configuration error (exit 2)" \
	grep -qx "RestartPreventExitStatus=2" "$UNIT"
check "unit: no @placeholder@ left" eval '! grep -q "@[A-Z]*@" "$UNIT"'

# the man page renders cleanly and covers every option of --help
if command -v groff > /dev/null; then
	case $MAN in *.gz) zcat "$MAN" ;; *) cat "$MAN" ;; esac > "$T/ptpsw.8"
	groff -man -ww -z "$T/ptpsw.8" > "$T/groff.log" 2>&1
	check "man page renders without warnings" [ ! -s "$T/groff.log" ]
	[ -s "$T/groff.log" ] && head -n 5 "$T/groff.log"
	# long options of --help, against the man page (groff escapes "-" as "\-")
	sed 's/\\-/-/g' "$T/ptpsw.8" > "$T/man.txt"
	for o in $("$BIN" --help | sed -n '/^Options:/,/^$/p' |
		   grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		check "man page documents $o" grep -q -- "$o" "$T/man.txt"
	done
	for s in SIGUSR1 SIGINT SIGTERM; do
		check "man page documents $s" grep -q "$s" "$T/man.txt"
	done
	check "man page documents the exit codes" \
		eval 'grep -qi "exit status" "$T/man.txt"'
else
	echo "note: groff not installed, man page not rendered"
fi

[ "$FAILS" = 0 ] && { echo PASS; exit 0; }
echo "FAILED ($FAILS)"
exit 1
