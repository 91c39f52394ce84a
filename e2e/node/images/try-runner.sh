#!/usr/bin/env bash
# Runs the runner image the way a pod runs it, in its three modes, on the bundled example images,
# and checks what each wrote; with --measure N, also times `podman run` to the first variant
# written, N runs with the image's AOT cache and N without (-XX:AOTMode=off), and prints medians.
#
#   e2e/node/images/try-runner.sh [--measure N] [IMAGE]     (IMAGE: RUNNER_IMAGE of current.env)
#
# As a pod: a read-only root filesystem with nothing writable but a /tmp tmpfs (no /run, no
# /var/tmp), UID/GID 65532, every capability dropped, no privilege escalation, no network, and the
# termination message file mounted at /dev/termination-log as a kubelet does.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${IMAGEBATCH_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/images}"
PODMAN="$HERE/podman"

runs=0
if [[ "${1:-}" == "--measure" ]]; then
  runs="$2"
  shift 2
fi
image="${1:-$(sed -n 's/^RUNNER_IMAGE=//p' "$CACHE/current.env" 2>/dev/null)}"
[[ -n "$image" ]] || { echo "no image given and no $CACHE/current.env: run build.sh first" >&2; exit 1; }

work="$(mktemp -d /tmp/imagebatch-try-runner.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/source" "$work/output" "$work/local/out"
cp -r "$ROOT/examples/local/images" "$work/source/"
cp -r "$ROOT/examples/local/images" "$work/local/"
chmod -R a+rwX "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The pod-like run; extra podman options come before the image, runner arguments after "--".
as_pod() {
  local options=()
  while [[ "$1" != "--" ]]; do
    options+=("$1")
    shift
  done
  shift
  "$PODMAN" run --rm --network=none --read-only --read-only-tmpfs=false --tmpfs /tmp \
    --user 65532:65532 --cap-drop=ALL --security-opt no-new-privileges "${options[@]}" \
    "$image" "$@"
}

# The spec as the operator mounts it: volumes by claim, relative paths under the mount roots.
cat >"$work/batch.yaml" <<'EOF'
apiVersion: imagebatch.io/v1alpha1
kind: ImageBatch
metadata: { name: try, namespace: default, generation: 1 }
spec:
  source: { volume: { claimName: source, path: images/ }, include: ["**/*.jpg", "**/*.png"] }
  variants:
    - { name: thumb, width: 320, formats: [webp, avif] }
    - { name: card, width: 480, height: 480, fit: cover, formats: [webp, jpeg] }
  output: { volume: { claimName: output, path: variants/ } }
  execution: { imagesPerShard: 3 }
EOF
: >"$work/plan-termination-log"
: >"$work/shard-termination-log"
chmod a+rw "$work"/*-termination-log
pod_mounts=(-v "$work/batch.yaml:/etc/imagebatch/batch.yaml:ro" -v "$work/source:/data/source:ro"
  -v "$work/output:/data/output")

echo "== plan"
as_pod "${pod_mounts[@]}" -v "$work/plan-termination-log:/dev/termination-log" \
  -- plan --spec /etc/imagebatch/batch.yaml >"$work/plan.log" 2>&1 \
  || { cat "$work/plan.log"; fail "plan exited $?"; }
cat "$work/plan-termination-log"
echo
grep -q '"kind":"plan","total":6,"shards":2' "$work/plan-termination-log" \
  || fail "plan's termination message is not 6 images in 2 shards"

echo "== process --shard 1"
as_pod "${pod_mounts[@]}" -v "$work/shard-termination-log:/dev/termination-log" \
  -e JOB_COMPLETION_INDEX=1 -- process --spec /etc/imagebatch/batch.yaml >"$work/process.log" 2>&1 \
  || { cat "$work/process.log"; fail "process exited $?"; }
cat "$work/shard-termination-log"
echo
grep -q '"kind":"shard","shard":1,"images":{"total":3,"succeeded":3' "$work/shard-termination-log" \
  || fail "shard 1's termination message is not 3 images succeeded"
written="$(find "$work/output/variants" -path '*/_imagebatch' -prune -o -type f -print | wc -l)"
[[ "$written" == 12 ]] || fail "shard 1 wrote $written variant files, not 12 (3 images x 4)"

echo "== run (local mode, the whole batch)"
sed -e 's/claimName: source, //; s/claimName: output, //; s/variants\//out\//' "$work/batch.yaml" \
  >"$work/local/batch.yaml"
chmod a+r "$work/local/batch.yaml"
as_pod -v "$work/local:/work" -e IMAGEBATCH_JAVA_OPTS=-XX:AOTMode=on \
  -- run /work/batch.yaml >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "run exited $?"; }
grep '"batch finished"' "$work/run.log"
grep -q '"succeeded":6,"failed":0' "$work/run.log" || fail "run did not succeed on all 6 images"
echo "OK: plan, process and run as UID 65532 on a read-only root (AOT cache required and used)"

# Milliseconds from `podman run` to the "first variant written" log line's time.
first_variant_ms() {
  local start stamp
  rm -rf "$work/local/out"
  start="$(date +%s%3N)"
  as_pod -v "$work/local:/work" -e IMAGEBATCH_LOG_FORMAT=json "$@" -- run /work/batch.yaml \
    >"$work/measure.log" 2>&1 || { cat "$work/measure.log"; fail "run exited $?"; }
  stamp="$(sed -n 's/^{"time":"\([^"]*\)".*"first variant written".*/\1/p' "$work/measure.log")"
  [[ -n "$stamp" ]] || fail "no 'first variant written' line"
  echo $(($(date -d "$stamp" +%s%3N) - start))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

if ((runs > 0)); then
  with=() without=()
  for ((i = 0; i < runs; i++)); do
    with+=("$(first_variant_ms)")
    without+=("$(first_variant_ms -e IMAGEBATCH_JAVA_OPTS=-XX:AOTMode=off)")
  done
  echo "podman run to first variant, ms (with AOT cache): ${with[*]}"
  echo "podman run to first variant, ms (without):       ${without[*]}"
  echo "median: $(printf '%s\n' "${with[@]}" | median) ms with the AOT cache," \
    "$(printf '%s\n' "${without[@]}" | median) ms without ($runs runs each)"
fi
