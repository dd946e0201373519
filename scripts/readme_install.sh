#!/usr/bin/env bash
# The README's quick start as a new user meets it: a copy of the checkout, a
# fresh venv with exactly what the quick start installs (no extras), and its
# command run as written. Then, in that install: `sl --help`, the toplevel
# reading a pipe, and the one-line message for a missing optional dependency
# (dask). CI installs every extra for the other tests, so only this job can
# see what a plain `pip install .` lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "readme install: $*" >&2; exit 1; }

# The first command of the README's quick start (its main job).
QUICK="$(sed -n '/^## Quick start/,/^## /p' README.md | sed -n '/^```sh$/,/^```$/p' | sed -n '2p')"
[[ "$QUICK" == *"pip install -q ."* ]] || fail "the quick start's first command does not install with pip: $QUICK"

# A fresh clone's files: no venvs, no build output.
tar -C "$ROOT" --exclude='./.git' --exclude='./.venv*' --exclude='./build' --exclude='*.egg-info' \
    --exclude='__pycache__' -cf - . | tar -C "$WORK" -xf -
cd "$WORK"

echo "-- $QUICK"
bash -c "$QUICK" >quick.out 2>quick.err || fail "the quick start failed: $(cat quick.err)"
cmp -s quick.out examples/expected/status_report.out || fail "the quick start's output differs: $(diff quick.out examples/expected/status_report.out)"
# stderr: pip's own notes (if any), then what sl says about the run, as expected.
! grep -q Traceback quick.err || fail "the quick start shows a traceback: $(cat quick.err)"
tail -n "$(wc -l <examples/expected/status_report.err)" quick.err | cmp -s - examples/expected/status_report.err \
    || fail "the quick start's stderr differs: $(diff quick.err examples/expected/status_report.err)"
SL="$WORK/.venv/bin/sl"

echo "-- sl --help"
"$SL" --help >help.out 2>&1 || fail "sl --help failed: $(cat help.out)"
head -1 help.out | grep -q '^usage: sl ' || fail "sl --help: $(head -3 help.out)"

echo "-- echo 'parse apache | count' | sl -i examples/data/access.log"
got="$(echo 'parse apache | count' | NO_COLOR=1 HOME="$WORK" "$SL" -i examples/data/access.log 2>&1)" \
    || fail "sl -i failed: $got"
want="- : stream<int> · first 1,000 of 10,000 lines
1000"
[ "$got" = "$want" ] || fail "sl -i answered:
$got
instead of:
$want"

echo "-- sl --engine dask (dask not installed)"
if "$WORK/.venv/bin/python" -c 'import distributed' 2>/dev/null; then
    fail "dask.distributed is installed by the quick start: it was meant to be an extra"
fi
set +e
"$SL" --engine dask 'map _' examples/data/access.log >dask.out 2>dask.err
status=$?
set -e
want="sl: --engine dask needs dask.distributed, but distributed is not installed: pip install 'dask[distributed]>=2024.1'"
[ "$status" = 2 ] && [ "$(cat dask.err)" = "$want" ] && [ ! -s dask.out ] \
    || fail "sl --engine dask without dask: status $status, stderr: $(cat dask.err)"
echo "the README's quick start works in a fresh venv"
