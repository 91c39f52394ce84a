#!/usr/bin/env bash
# One source image through the workload with the `vips` command line: one `vips thumbnail` per
# output (3 widths x 2 formats), like the original's one pipeline per output.
# Usage: vips-cli.sh OUT_DIR IMAGE      (bench/run.sh runs it under `xargs -P 2`, one image each)
# Encoder options match what sharp asks libvips for: webp Q80 effort 4; avif (AV1 HEIF) Q65 effort 4,
# 8 bit, no chroma subsampling (sharp's avif default is 4:4:4); metadata stripped (sharp's default).
set -euo pipefail
out=${1:?usage: vips-cli.sh OUT_DIR IMAGE}
src=${2:?usage: vips-cli.sh OUT_DIR IMAGE}
stem=$(basename "${src%.*}")
webp='[Q=80,effort=4,strip]'
avif='[Q=65,effort=4,compression=av1,bitdepth=8,subsample-mode=off,strip]'
for w in 400 800 1200; do
  # --height huge + --size down: fit to the width, keep the aspect ratio, never enlarge (lanczos3 is
  # thumbnail's reduce kernel).
  vips thumbnail "$src" "$out/$stem-w$w.webp$webp" "$w" --height 10000000 --size down
  vips thumbnail "$src" "$out/$stem-w$w.avif$avif" "$w" --height 10000000 --size down
done
