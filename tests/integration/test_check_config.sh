#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `ptpsw -c FILE --check` validates a config without starting anything:
# exit 0 for the shipped configs, non-zero with "FILE:LINE: key: problem"
# pointing at the right line for broken ones. No root needed.

set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -n "${PTPSW:-}" ] && [ -x "$PTPSW" ] || { echo "SKIP: PTPSW not set"; exit 77; }

T=$(mktemp -d /tmp/ptpsw-chk.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
LAB=$SRCDIR/config/lab.cfg

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

good()
{
	local out rc
	out=$("$PTPSW" -c "$1" --check 2>&1); rc=$?
	if [ "$rc" = 0 ]; then echo "ok: $(basename "$1") accepted"
	else fail "$(basename "$1") rejected (status $rc): $(echo "$out" | head -3)"; fi
}

# bad NAME FILE LINE KEY_REGEX: --check fails and names FILE:LINE: key.
bad()
{
	local name=$1 f=$2 line=$3 key=$4 out rc
	out=$("$PTPSW" -c "$f" --check 2>&1); rc=$?
	echo "  $name -> status $rc: $(echo "$out" | grep -m1 -F "$f:" )"
	if [ "$rc" = 0 ]; then
		fail "$name: accepted"
	elif echo "$out" | grep -qE "^(.*[: ])?$(printf '%s' "$f" | sed 's/[.[\*^$/]/\\&/g'):$line: $key: "; then
		echo "ok: $name: rejected at $(basename "$f"):$line"
	else
		fail "$name: no \"$(basename "$f"):$line: <key matching $key>: \" in: $(echo "$out" | head -3)"
	fi
}

lineof() { grep -n -m1 -E "$1" "$2" | cut -d: -f1; }

for f in "$SRCDIR"/config/*.cfg; do good "$f"; done

# unknown top-level key, appended after the last line
cp "$LAB" "$T/unknown.cfg"
echo 'bogus_key = 1;' >> "$T/unknown.cfg"
bad "unknown key" "$T/unknown.cfg" "$(wc -l < "$T/unknown.cfg")" '[A-Za-z_.]*bogus_key'

# unknown key inside a group
sed 's/^\(  mode = "two-step";\)/\1\n  frobnicate = true;/' "$LAB" > "$T/unknown2.cfg"
bad "unknown key in transparent_clock" "$T/unknown2.cfg" "$(lineof frobnicate "$T/unknown2.cfg")" '[A-Za-z_.]*frobnicate'

# bad enum string
sed 's/mode = "two-step"/mode = "three-step"/' "$LAB" > "$T/mode.cfg"
bad "bad TC mode" "$T/mode.cfg" "$(lineof three-step "$T/mode.cfg")" '[A-Za-z_.]*mode'

# duplicate port name: the second p0 is the culprit
sed 's/name = "p1"/name = "p0"/' "$LAB" > "$T/dup.cfg"
bad "duplicate port name" "$T/dup.cfg" "$(lineof 'plsw1' "$T/dup.cfg")" 'ports[^ ]*name'

# wrong type
sed 's/mbufs = 8192;/mbufs = "many";/' "$LAB" > "$T/type.cfg"
bad "string for an integer" "$T/type.cfg" "$(lineof 'mbufs' "$T/type.cfg")" '[A-Za-z_.]*mbufs'

# libconfig syntax error (missing semicolon is fine in libconfig; a bad token is not)
sed 's/mbufs = 8192;/mbufs = = 8192;/' "$LAB" > "$T/syntax.cfg"
out=$("$PTPSW" -c "$T/syntax.cfg" --check 2>&1); rc=$?
if [ "$rc" != 0 ] && echo "$out" | grep -q "syntax.cfg:$(lineof 'mbufs' "$T/syntax.cfg"):"; then
	echo "ok: syntax error located"
else
	fail "syntax error: status $rc, $(echo "$out" | head -2)"
fi

# EP-27: the profile identification, in --version (and in the banner,
# which test_bc checks on a running ptpsw)
if "$PTPSW" --version | grep -qx "profile: PTP Enterprise Profile (RFC 9760), profileIdentifier 00-00-5E-01-01-00, version 1.0"; then
	echo "ok: --version names the profile (EP-27)"
else
	fail "--version does not name the profile: $("$PTPSW" --version | head -3)"
fi

# missing file
if "$PTPSW" -c "$T/nonexistent.cfg" --check > /dev/null 2>&1; then
	fail "missing file accepted"
else
	echo "ok: missing file rejected"
fi

[ "$FAILS" = 0 ] && { echo PASS; exit 0; }
echo "FAILED ($FAILS)"
exit 1
