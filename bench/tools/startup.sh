#!/usr/bin/env bash
# Start-up (issue 18 item 4): JVM start to the first written variant on the bundled example
# (`./imagebatch run examples/local/batch.yaml`, overwrite: Always, the launcher's AOT cache), as the
# runner reports it (`first variant written`: firstVariantMs, from the first JVM's start, and
# startupMs, when each step ended; cpuMs, the CPU time both JVMs used until then, which a loaded
# machine inflates far less than the wall clock). Modes alternate within each round:
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

printf '%-11s %5s %8s %6s  %s\n' mode round firstMs cpuMs startupMs
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
    cpu=$(grep -o '"cpuMs":[0-9]*' <<<"$line" | cut -d: -f2)
    printf '%-11s %5d %8s %6s  %s\n' "$mode" "$r" "$first" "${cpu:-?}" "$steps"
    echo "$mode $first ${cpu:-0}" >>"$work/all"
  done
done
spread() { # MODE COLUMN LABEL: min / median / max of one column of a mode's runs
  sort -n -k"$2" <(grep "^$1 " "$work/all") | awk -v m="$1" -v c="$2" -v l="$3" '
    { v[NR] = $c } END { printf "%-11s %-16s min %d  median %d  max %d ms (%d runs)\n", m, l, v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR], NR }'
}
for mode in $modes; do
  spread "$mode" 2 firstVariantMs
  spread "$mode" 3 "cpuMs (to then)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
