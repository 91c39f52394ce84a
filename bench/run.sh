#!/usr/bin/env bash
# imagebatch benchmark (issue 8): our runner vs sharp vs the vips CLI on the same corpus, same run,
# configurations alternated within each round. Writes bench/results/latest.md and prints it.
#
#   bench/run.sh [--rounds N] [--images N] [--configs a,b,...] [--smoke] [--tune-sharp]
#
#   --smoke        3 images, 1 round; exits non-zero if a configuration fails or misses outputs (CI)
#   --tune-sharp   run only sharp, over a grid of settings, to pick SHARP_BEST_ARGS / SHARP_BEST_ENV
#   --configs      a subset of: runner-debian runner-sharp-libvips sharp-seq sharp-best sharp-best-420
#                  sharp-best-420-ssim vips-cli floor-sharp-libvips floor-debian
# Environment:
#   IMAGEBATCH_CORPUS   corpus cache (default ~/.cache/imagebatch/corpus; never inside the repo)
#   BENCH_WORK          scratch dir for inputs, outputs, references (default ~/.cache/imagebatch/bench)
#   IMAGEBATCH_BIN      the runner's launcher (default: ./imagebatch at the repo root)
#   RUNNER_CONCURRENCY  passed to the runner as --concurrency N when set
#   RUNNER_REQUIRED=1   a missing ./imagebatch is a failure instead of a skip
#   SHARP_BEST_ARGS     sharp-pipeline.mjs flags of the sharp-best config (default: --in-flight 2)
#   SHARP_BEST_ENV      its environment (default: MALLOC_ARENA_MAX=2)
#   VIPS_CLI_JOBS       images in parallel for the vips CLI (default: nproc)
#   BENCH_DSSIM         build (default): DSSIM scores, the tool built once with cargo into
#                       ~/.cache/imagebatch/cargo; cached (--smoke's default): only if already built;
#                       off
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$bench")
rounds=5 images=30 smoke=0 tune=0 only=""
command_line="bench/run.sh $*"
for v in IMAGEBATCH_BIN RUNNER_CONCURRENCY SHARP_BEST_ARGS SHARP_BEST_ENV VIPS_CLI_JOBS; do
  [ -n "${!v:-}" ] && command_line="$v='${!v}' $command_line"
done
usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    --configs) only=$2; shift 2 ;;
    --smoke) smoke=1 rounds=1 images=3; shift ;;
    --tune-sharp) tune=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage 2 >&2 ;;
  esac
done

# --- dependencies: installed here so a fresh machine (CI) needs nothing by hand ------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v vips >/dev/null || missing+=(libvips-tools)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
  else
    echo "run.sh: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
command -v node >/dev/null || { echo "run.sh: needs Node.js >= 20 and npm" >&2; exit 1; }
if ! cmp -s "$bench/package-lock.json" "$bench/node_modules/.bench-installed-lock" 2>/dev/null; then
  echo "== npm ci (bench/)"
  (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$bench/package-lock.json" "$bench/node_modules/.bench-installed-lock"
fi
sharp_vips=$(ls "$bench"/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.* 2>/dev/null | head -1 || true)

# DSSIM (crates.io `dssim`, pinned): a perceptual metric over all channels, built here, never committed.
dssim_version=3.5.1
dssim_root=$HOME/.cache/imagebatch/cargo
dssim_bin=$dssim_root/bin/dssim
dssim_mode=${BENCH_DSSIM:-$([ "$smoke" = 1 ] && echo cached || echo build)}
if [ "$dssim_mode" = build ] && ! "$dssim_bin" --help 2>&1 | grep -q "Version $dssim_version"; then
  if command -v cargo >/dev/null; then
    echo "== cargo install dssim $dssim_version into $dssim_root (once)"
    CARGO_TARGET_DIR=$dssim_root/target nice -n 10 cargo install --quiet --locked --root "$dssim_root" \
      --version "$dssim_version" dssim || echo "run.sh: building dssim failed; no DSSIM scores" >&2
  else
    echo "run.sh: no cargo: no DSSIM scores (install Rust, or BENCH_DSSIM=off)" >&2
  fi
fi
dssim_args=()
[ "$dssim_mode" != off ] && [ -x "$dssim_bin" ] && dssim_args=(--dssim "$dssim_bin")

# --- corpus: 30 real images, cached outside the repo ---------------------------------------------
corpus=${IMAGEBATCH_CORPUS:-$HOME/.cache/imagebatch/corpus}
fetch=""
for f in "${CORPUS_FETCH:-}" "$repo/../shared/corpus/fetch.sh" /work/shared/corpus/fetch.sh; do
  [ -n "$f" ] && [ -f "$f" ] && { fetch=$f; break; }
done
if [ "$(ls "$corpus" 2>/dev/null | grep -ciE '\.(jpe?g|png)$' || true)" -lt 30 ]; then
  [ -n "$fetch" ] || { echo "run.sh: no corpus in $corpus and no shared/corpus/fetch.sh to fetch it" >&2; exit 1; }
  echo "== fetching the corpus into $corpus"
  bash "$fetch" "$corpus" >/dev/null
fi

# --- work dir: the chosen images (spread over the name-sorted corpus), outputs, batch YAML -------
work=${BENCH_WORK:-$HOME/.cache/imagebatch/bench}
run=$work/run
rm -rf "$run" && mkdir -p "$run/images" "$run/out" "$run/logs"
# shellcheck source=lib/workload.sh
source "$bench/lib/workload.sh"
workload_images "$corpus" "$images" "$run/images" || exit 2
cat "$run"/images/* >/dev/null   # warm the page cache so round 1's first config pays no disk reads

write_batch() { # NAME: the ImageBatch of the workload, local mode, paths relative to the YAML
  workload_batch "bench-$1" "out/$1/" >"$run/batch-$1.yaml"
}

# --- configurations: name, label, command (run from $run), env -----------------------------------
debian_vips() { # the libvips the runner loads by default (ldconfig's libvips.so.42)
  { /sbin/ldconfig -p 2>/dev/null || ldconfig -p; } | awk '/libvips\.so\.42 /{print $NF; exit}'
}
names=() labels=() cmds=() envs=() statuses=()
add() { names+=("$1"); labels+=("$2"); cmds+=("$3"); envs+=("${4:-}"); statuses+=("${5:-ran}"); }
jobs=${VIPS_CLI_JOBS:-$(nproc)}
runner_bin=${IMAGEBATCH_BIN:-$repo/imagebatch}
runner_status=ran
if [ "${BENCH_SKIP_RUNNER:-0}" = 1 ]; then
  runner_status="skipped: BENCH_SKIP_RUNNER=1"
elif [ ! -x "$runner_bin" ]; then
  runner_status="skipped: $runner_bin not built yet"
  [ "${RUNNER_REQUIRED:-0}" = 1 ] && { echo "run.sh: $runner_bin is missing (RUNNER_REQUIRED=1)" >&2; exit 1; }
fi
runner_opts=${RUNNER_CONCURRENCY:+--concurrency $RUNNER_CONCURRENCY}
sharp="node $bench/sharp-pipeline.mjs"
if [ "$tune" = 1 ]; then
  i=0
  for spec in "--in-flight 1|" "--in-flight 1|MALLOC_ARENA_MAX=2" "--in-flight 2|MALLOC_ARENA_MAX=2" \
              "--in-flight 2 --threads 1|" "--in-flight 2 --threads 1|MALLOC_ARENA_MAX=2" \
              "--in-flight 3 --threads 1|MALLOC_ARENA_MAX=2" "--in-flight 2 --no-cache|MALLOC_ARENA_MAX=2" \
              "--in-flight 2 --threads 2|MALLOC_ARENA_MAX=2 UV_THREADPOOL_SIZE=2"; do
    IFS='|' read -r args env <<<"$spec"
    add "sharp-$((++i))" "sharp: SHARP_BEST_ARGS='$args' SHARP_BEST_ENV='$env'" "$sharp $args --out out/NAME images/*" "$env"
  done
else
  add runner-debian "runner, Debian libvips $(vips --version | cut -d- -f2)" \
    "$runner_bin run batch-runner-debian.yaml $runner_opts" "" "$runner_status"
  add runner-sharp-libvips "runner, sharp's libvips (${sharp_vips##*/})" \
    "$runner_bin run batch-runner-sharp-libvips.yaml $runner_opts" "IMAGEBATCH_VIPS_LIBRARY=$sharp_vips" "$runner_status"
  add sharp-seq "sharp, sequential (the original)" "$sharp --in-flight 1 --out out/NAME images/*"
  best_args=${SHARP_BEST_ARGS:---in-flight 2}
  best_env=${SHARP_BEST_ENV-MALLOC_ARENA_MAX=2}
  add sharp-best "sharp, best: ${best_args}${best_env:+, $best_env}" "$sharp $best_args --out out/NAME images/*" "$best_env"
  # The same work as the runner: AVIF at 4:2:0 chroma (libvips' default below Q 90, the runner's).
  add sharp-best-420 "sharp, best, AVIF 4:2:0 (the runner's work)" \
    "$sharp $best_args --avif-chroma 4:2:0 --out out/NAME images/*" "$best_env"
  # The runner's encoder settings exactly: 4:2:0 and AVIF tune ssim (sharp's auto is iq on 8.18).
  add sharp-best-420-ssim "sharp, best, AVIF 4:2:0 tune ssim (the runner's settings)" \
    "$sharp $best_args --avif-chroma 4:2:0 --avif-tune ssim --out out/NAME images/*" "$best_env"
  add vips-cli "vips CLI (Debian), xargs -P $jobs" \
    "ls images/* | xargs -P $jobs -n 1 $bench/vips-cli.sh out/NAME"
  # The floor (issue 18 item 3): the runner's libvips calls and nothing else, byte-identical outputs;
  # the runner's malloc setting (its launcher sets MALLOC_ARENA_MAX=2).
  floor="python3 $bench/tools/floor.py"
  add floor-sharp-libvips "floor: the runner's libvips calls, no JVM (sharp's libvips)" \
    "$floor $sharp_vips --parallel 2 --out out/NAME images/*" MALLOC_ARENA_MAX=2
  add floor-debian "floor: the runner's libvips calls, no JVM (Debian libvips)" \
    "$floor $(debian_vips) --parallel 2 --out out/NAME images/*" MALLOC_ARENA_MAX=2
fi
write_batch runner-debian
write_batch runner-sharp-libvips

selected=()
: >"$run/configs.tsv"
for i in "${!names[@]}"; do
  if [ -n "$only" ] && [[ ",$only," != *",${names[i]},"* ]]; then continue; fi
  printf '%s\t%s\t%s\n' "${names[i]}" "${labels[i]}" "${statuses[i]}" >>"$run/configs.tsv"
  if [ "${statuses[i]}" = ran ]; then selected+=("$i"); else echo "== ${names[i]}: ${statuses[i]}"; fi
done

# The launcher builds the runner when its sources changed: do that now, not inside a timed round.
if grep -q '^runner-.*	ran$' "$run/configs.tsv"; then
  echo "== warming up the runner (its launcher builds it if stale)"
  "$runner_bin" --version >"$run/logs/runner-warmup.log" 2>&1 || true
fi

# --- rounds: A B C ... A B C ... -----------------------------------------------------------------
failed=0
: >"$run/results.jsonl"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r/$rounds ($images images)"
  for i in "${selected[@]}"; do
    name=${names[i]}
    rm -rf "$run/out/$name" && mkdir -p "$run/out/$name"
    cmd=${cmds[i]//NAME/$name}
    # shellcheck disable=SC2086  # cmd and env are word lists on purpose
    (cd "$run" && env ${envs[i]} node "$bench/lib/measure.mjs" --results "$run/results.jsonl" \
      --config "$name" --round "$r" --images "$images" --out "$run/out/$name" \
      --log "$run/logs/$name-$r.log" -- bash -c "$cmd") || failed=1
  done
done

echo "== quality: SSIM${dssim_args:+ and DSSIM} against lanczos3 references (outputs of the last round)"
args=("${dssim_args[@]}")
for i in "${selected[@]}"; do args+=("${names[i]}=$run/out/${names[i]}"); done
node "$bench/lib/quality.mjs" --images "$run/images" --refs "$work/refs/$(vips --version)" --json "$run/quality.json" "${args[@]}"

mkdir -p "$bench/results"
cp "$run/results.jsonl" "$bench/results/latest.jsonl"
node "$bench/lib/report.mjs" --work "$run" --out "$bench/results/latest.md" --command "$command_line" \
  $([ "$tune" = 1 ] && echo --tune) || failed=1
echo "(written to bench/results/latest.md; raw measurements in bench/results/latest.jsonl; logs in $run/logs)"
exit "$failed"
