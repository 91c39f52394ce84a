#!/usr/bin/env bash
# The long fuzz campaign (issue 16): FuzzIT's seeded mutations, thousands of files, several seeds,
# on Debian's libvips and on sharp's (npm @img/sharp-libvips-linux-x64). Each run goes through the
# real runner in its own JVM, crash isolation on; the test asserts that no crash escapes, that every
# file is in the manifest once with its own message, and exit 0. Prints one FUZZ line per run.
#
#   bench/fuzz.sh [--files N] [--seeds "S1 S2 ..."] [--builds debian,sharp]
#
# Defaults: 2000 files, seeds "1 2 3", both builds (~5 min per run on 2 cores).
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
files=2000 seeds="1 2 3" builds=debian,sharp
while [ $# -gt 0 ]; do
  case $1 in
    --files) files=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --builds) builds=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=../scripts/lib.sh
source "$repo/scripts/lib.sh"
JAVA_HOME=$(find_jdk)
export JAVA_HOME
ensure_libvips

sharp_lib() {
  if ! cmp -s "$bench/package-lock.json" "$bench/node_modules/.bench-installed-lock" 2>/dev/null; then
    (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error) >&2
    cp "$bench/package-lock.json" "$bench/node_modules/.bench-installed-lock"
  fi
  ls "$bench"/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.* | head -n 1
}

log=$(mktemp)
status=0
for build in ${builds//,/ }; do
  case $build in
    debian) library="" ;;
    sharp) library=$(sharp_lib) ;;
    *) echo "fuzz.sh: unknown build $build (debian, sharp)" >&2; exit 2 ;;
  esac
  for seed in $seeds; do
    echo "== $build libvips, $files files, seed $seed"
    if (cd "$repo" && IMAGEBATCH_VIPS_LIBRARY=$library nice -n 10 ./mvnw -B -ntp -pl runner -am verify \
          -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FuzzIT \
          -Dfailsafe.failIfNoSpecifiedTests=false -Dfuzz.files="$files" -Dfuzz.seed="$seed") >"$log" 2>&1; then
      grep -h '^FUZZ:' "$log" | sed "s/^/$build: /"
    else
      status=1
      echo "FAILED ($build, seed $seed): see the failsafe report; the last lines:"
      tail -n 40 "$log"
    fi
  done
done
rm -f "$log"
exit $status
