#!/usr/bin/env bash
# What crash isolation costs (issue 16): the runner with its supervisor and worker JVMs against the
# same runner in one process (IMAGEBATCH_CRASH_ISOLATION=false), alternated, on the benchmark's
# workload (3 widths x webp + avif, overwrite: Always). Per run: wall seconds, CPU seconds
# (user + sys, GNU time), peak RSS summed over the process tree (sampled every 50 ms) and the
# runner's own firstVariantMs (from the first JVM's start).
#
#   bench/tools/isolation-cost.sh [IMAGES] [ROUNDS]     (default 10 images, 3 rounds)
#
# Runs runner/target/imagebatch-runner.jar as the launcher does (its JVM flags, its AOT cache,
# MALLOC_ARENA_MAX=2); build it first. Corpus: ~/.cache/imagebatch/corpus (shared/corpus/fetch.sh).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
images=${1:-10} rounds=${2:-3}
corpus=${IMAGEBATCH_CORPUS:-$HOME/.cache/imagebatch/corpus}
# shellcheck source=../../scripts/lib.sh
source "$repo/scripts/lib.sh"
JAVA_HOME=$(find_jdk)
jar=$repo/runner/target/imagebatch-runner.jar
aot=$repo/runner/target/imagebatch-runner.aot
[ -f "$jar" ] || { echo "build the runner first: ./mvnw -pl runner -am package -DskipTests" >&2; exit 1; }
[ -f "$aot" ] && [ "$aot" -nt "$jar" ] || train_aot_cache "$repo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/images"
mapfile -t all < <(ls "$corpus" | grep -iE '\.(jpe?g|png)$' | sort)
step=$(( ${#all[@]} / images )); [ "$step" -ge 1 ] || step=1
for ((i = 0; i < images && i * step < ${#all[@]}; i++)); do cp "$corpus/${all[i * step]}" "$work/images/"; done
cat > "$work/batch.yaml" <<'YAML'
apiVersion: imagebatch.io/v1alpha1
kind: ImageBatch
metadata: { name: isolation-cost }
spec:
  source: { volume: { path: images/ }, include: ["**/*.jpg", "**/*.jpeg", "**/*.png"] }
  variants:
    - { name: w400, width: 400, formats: [webp, avif] }
    - { name: w800, width: 800, formats: [webp, avif] }
    - { name: w1200, width: 1200, formats: [webp, avif] }
  encoding: { webp: { quality: 80, effort: 4 }, avif: { quality: 65, effort: 4 } }
  output: { volume: { path: out/ }, pathTemplate: "{stem}-{variant}.{format}", overwrite: Always }
YAML

# Peak of the summed RSS (KiB) of a process and all its descendants, until it exits.
peak_rss() {
  python3 - "$1" <<'PY'
import os, sys, time
root = int(sys.argv[1]); peak = 0
def tree(pid):
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            for child in open(f"/proc/{pid}/task/{task}/children").read().split():
                out += tree(int(child))
    except OSError:
        pass
    return out
while os.path.exists(f"/proc/{root}"):
    total = 0
    for pid in tree(root):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    peak = max(peak, total)
    time.sleep(0.05)
print(peak)
PY
}

echo "mode       round  wall_s  cpu_s  peak_rss_MiB  firstVariantMs"
for ((r = 1; r <= rounds; r++)); do
  for mode in isolated in-process; do
    isolation=true; [ "$mode" = in-process ] && isolation=false
    rm -rf "$work/out"
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    IMAGEBATCH_CRASH_ISOLATION=$isolation IMAGEBATCH_LOG_FORMAT=json MALLOC_ARENA_MAX=2 \
      /usr/bin/time -f '%U %S' -o "$work/time" \
      "$JAVA_HOME/bin/java" $(runner_jvm_options) -XX:AOTCache="$aot" -jar "$jar" run "$work/batch.yaml" \
      >"$work/log" 2>&1 &
    pid=$!
    rss=$(peak_rss "$pid")
    wait "$pid"
    end=$(date +%s.%N)
    cpu=$(awk '{print $1 + $2}' "$work/time")
    first=$(grep -o '"firstVariantMs":[0-9]*' "$work/log" | head -n 1 | cut -d: -f2)
    printf '%-10s %5d  %6.1f  %5.1f  %12d  %14s\n' "$mode" "$r" "$(echo "$end - $start" | bc)" \
      "$cpu" $((rss / 1024)) "${first:-?}"
  done
done
