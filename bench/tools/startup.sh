#!/usr/bin/env bash
# Start-up (issue 18 item 4): JVM start to the first written variant on the bundled example
# (`./imagebatch run examples/local/batch.yaml`, overwrite: Always, the launcher's AOT cache), as the
# runner reports it (`first variant written`: firstVariantMs, from the first JVM's start, and
# startupMs, when each step ended). Modes alternate within each round:
#   isolated    the default: supervisor JVM + worker JVM (crash isolation)
#   in-process  IMAGEBATCH_CRASH_ISOLATION=false: one JVM
# Prints one line per run and the min / median / max per mode.
#
#   bench/tools/startup.sh [ROUNDS]            (default 10)
# Environment: IMAGEBATCH_BIN (default ./imagebatch), IMAGEBATCH_VIPS_LIBRARY, STARTUP_MODES.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-10}
bin=${IMAGEBATCH_BIN:-$repo/imagebatch}
modes=${STARTUP_MODES:-isolated in-process}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/local/images" "$work/"
sed 's/overwrite: IfChanged.*/overwrite: Always/' "$repo/examples/local/batch.yaml" >"$work/batch.yaml"
"$bin" version >/dev/null # the launcher builds and trains the AOT cache if stale: not timed

printf '%-11s %5s %8s  %s\n' mode round firstMs startupMs
: >"$work/all"
for ((r = 1; r <= rounds; r++)); do
  for mode in $modes; do
    isolation=true; [ "$mode" = in-process ] && isolation=false
    rm -rf "$work/out"
    IMAGEBATCH_CRASH_ISOLATION=$isolation IMAGEBATCH_LOG_FORMAT=json "$bin" run "$work/batch.yaml" \
      >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
    line=$(grep -m1 '"first variant written"' "$work/log")
    first=$(grep -o '"firstVariantMs":[0-9]*' <<<"$line" | cut -d: -f2)
    steps=$(grep -o '"startupMs":"[^"]*"' <<<"$line" | cut -d'"' -f4)
    printf '%-11s %5d %8s  %s\n' "$mode" "$r" "$first" "$steps"
    echo "$mode $first" >>"$work/all"
  done
done
for mode in $modes; do
  sort -n -k2 <(grep "^$mode " "$work/all") | awk -v m="$mode" '
    { v[NR] = $2 } END { printf "%-11s min %d  median %d  max %d ms (%d runs)\n", m, v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR], NR }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
