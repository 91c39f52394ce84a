#!/usr/bin/env bash
# Bytes at equal perceptual quality (issue 18 item 2): the runner's encoder settings on both
# libvips builds against sharp (best, AVIF at 4:2:0 and at its default 4:4:4), per format.
#
# The runner's outputs come from bench/tools/floor.py, which makes the runner's libvips calls and
# writes byte-identical files (checked by run.sh's floor configurations), at the workload's quality
# and QSTEP below and above it. Each output is scored with DSSIM (all channels) and luma SSIM
# against the benchmark's references (bench/lib/quality.mjs); the runner's bytes are then
# interpolated, per format, at the DSSIM sharp reaches with the workload's settings.
#
#   bench/tools/equal-quality.sh [IMAGES] [QSTEP]      (default 10 images, QSTEP 4)
# Needs bench/run.sh to have run once (npm ci, dssim built). Writes bench/results/equal-quality.md.
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
images=${1:-10} step=${2:-4}
corpus=${IMAGEBATCH_CORPUS:-$HOME/.cache/imagebatch/corpus}
dssim=$HOME/.cache/imagebatch/cargo/bin/dssim
sharp_vips=$(ls "$bench"/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.* | head -1)
debian_vips=$({ /sbin/ldconfig -p 2>/dev/null || ldconfig -p; } | awk '/libvips\.so\.42 /{print $NF; exit}')
[ -x "$dssim" ] || { echo "equal-quality.sh: no $dssim; run bench/run.sh once (it builds dssim)" >&2; exit 1; }
work=${BENCH_WORK:-$HOME/.cache/imagebatch/bench}/equal-quality
# Outputs are kept between runs with the same IMAGES and QSTEP: a directory with all of them is reused.
key="$images-$step"
[ "$(cat "$work/key" 2>/dev/null)" = "$key" ] || rm -rf "$work"
mkdir -p "$work/images" "$work/out" && echo "$key" >"$work/key"
# shellcheck source=../lib/workload.sh
source "$bench/lib/workload.sh"
[ -n "$(ls "$work/images")" ] || workload_images "$corpus" "$images" "$work/images"
complete() { [ "$(ls "$work/out/$1" 2>/dev/null | wc -l)" -eq $((images * 6)) ]; }

dirs=()
for build in sharp debian; do
  lib=$sharp_vips; [ "$build" = debian ] && lib=$debian_vips
  for d in -1 0 1; do
    webp=$((80 + d * step)) avif=$((65 + d * step))
    name=runner-$build-w$webp-a$avif
    dirs+=("$name=$work/out/$name")
    complete "$name" && continue
    echo "== $name"
    MALLOC_ARENA_MAX=2 nice -n 10 python3 "$bench/tools/floor.py" "$lib" --parallel 2 --webp-q "$webp" \
      --avif-q "$avif" --out "$work/out/$name" "$work"/images/* >/dev/null 2>"$work/$name.log"
  done
done
for chroma in 4:2:0 4:4:4; do
  name=sharp-best-${chroma//:/}
  dirs+=("$name=$work/out/$name")
  complete "$name" && continue
  echo "== $name"
  (cd "$work" && MALLOC_ARENA_MAX=2 nice -n 10 node "$bench/sharp-pipeline.mjs" --in-flight 2 \
    --avif-chroma "$chroma" --out "out/$name" images/* 2>"$work/$name.log")
done
echo "== scoring (DSSIM and luma SSIM)"
nice -n 10 node "$bench/lib/quality.mjs" --images "$work/images" --refs "$work/../refs/$(vips --version)" \
  --json "$work/quality.json" --dssim "$dssim" "${dirs[@]}"
mkdir -p "$bench/results"
node "$bench/lib/equal-quality.mjs" "$work/quality.json" "$images" "$step" | tee "$bench/results/equal-quality.md"
