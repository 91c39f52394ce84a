#!/usr/bin/env bash
# Where the runner's CPU goes beyond the floor (issue 18 item 3): the benchmark's workload on N
# corpus images, profiled with async-profiler (from Maven Central, its linux-x64 library extracted
# into ~/.cache/imagebatch/async-profiler), CPU samples of every thread, Java and native frames
# (itimer: the process's CPU clock, so libvips' own threads are sampled too, not only the JVM's).
# Prints the CPU split by what the thread was doing, and the top self-time frames outside libvips.
# (How libvips' own share splits between decode, resize and each encoder: bench/tools/floor.py,
# which times each step; native stacks here are cut short where codecs omit frame pointers.)
#
#   bench/tools/profile.sh [IMAGES] [LIBVIPS]     (default 6 images; LIBVIPS: sharp (default) | debian)
# Runs runner/target/imagebatch-runner.jar as the launcher does (its flags and AOT cache) in one
# process (IMAGEBATCH_CRASH_ISOLATION=false: the worker's work; the supervisor only waits).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
images=${1:-6} build=${2:-sharp}
version=4.2
corpus=${IMAGEBATCH_CORPUS:-$HOME/.cache/imagebatch/corpus}
# shellcheck source=../../scripts/lib.sh
source "$repo/scripts/lib.sh"
JAVA_HOME=$(find_jdk)
export JAVA_HOME
profiler=$HOME/.cache/imagebatch/async-profiler/$version/libasyncProfiler.so
if [ ! -f "$profiler" ]; then
  (cd "$repo" && ./mvnw -B -ntp -q dependency:get -Dartifact=tools.profiler:async-profiler:$version)
  mkdir -p "$(dirname "$profiler")"
  unzip -o -q -j "$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar" \
    linux-x64/libasyncProfiler.so -d "$(dirname "$profiler")"
fi
# shellcheck source=../lib/workload.sh
source "$repo/bench/lib/workload.sh"
workload_runner "$repo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
workload_images "$corpus" "$images" "$work/images"
workload_batch profile out/ >"$work/batch.yaml"
lib=()
[ "$build" = sharp ] && lib=(IMAGEBATCH_VIPS_LIBRARY="$(ls "$repo"/bench/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.* | head -1)")
# shellcheck disable=SC2046
env "${lib[@]}" IMAGEBATCH_CRASH_ISOLATION=false IMAGEBATCH_LOG_FORMAT=json MALLOC_ARENA_MAX=2 \
  /usr/bin/time -f '%U %S' -o "$work/time" "$JAVA_HOME/bin/java" $(runner_jvm_options) -XX:AOTCache="$aot" \
  -agentpath:"$profiler"=start,event=itimer,interval=5ms,threads,ann,collapsed,file="$work/profile.txt" \
  -jar "$jar" run "$work/batch.yaml" >"$work/log" 2>&1 || { tail "$work/log" >&2; exit 1; }
echo "runner on $images images ($build libvips): $(awk '{print $1 + $2}' "$work/time") CPU s (user+sys, GNU time)"
python3 - "$work/profile.txt" <<'PY'
import collections, re, sys
by_kind, leaves, total = collections.Counter(), collections.Counter(), 0
JAVA = re.compile(r"_\[[0-9ji]\]$")
IMAGE = re.compile(r"^(vips_|im_|aom_|av1_|WebP|VP8|jpeg_|png_|heif_|lcms|cms|inflate|deflate|g_|_?aom|jsimd|ff_)|libvips|libaom|libwebp|libheif|libjpeg|libpng|libz")
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(" ")
    frames, n = stack.split(";"), int(count)
    total += n
    thread, leaf = frames[0], frames[-1]
    # async-profiler's ann: _[0] interpreted, _[1] C1, _[j] JIT, _[i] inlined; _[k] kernel
    java = [f for f in frames if JAVA.search(f)]
    if "Compiler" in thread:  # thread names are cut to 15 characters: [C1 CompilerThre ...]
        kind = "JIT compiler (C1)"
    elif any(k in thread for k in ("VM Thread", "GC Thread", "Service Thread", "VM Periodic")) or any("Collect" in f or "GenCollect" in f for f in frames):
        kind = "GC and VM threads"
    elif JAVA.search(leaf):
        kind = "Java code (the runner, Jackson, JDK)"
    elif any(IMAGE.search(f) for f in frames):
        kind = "libvips and codecs (the floor's work)"
    elif leaf.endswith("_[k]"):
        kind = "kernel, outside libvips (I/O, page faults, threads)"
    else:
        kind = "JVM runtime and other native"
    by_kind[kind] += n
    leaves[(kind, leaf)] += n
print(f"{total} samples")
for kind, n in by_kind.most_common():
    print(f"  {100 * n / total:5.1f}%  {kind}")
print("top self-time frames outside libvips and codecs:")
for (kind, leaf), n in [x for x in leaves.most_common() if not x[0][0].startswith("libvips")][:15]:
    print(f"  {100 * n / total:5.2f}%  {leaf}  [{kind}]")
PY
