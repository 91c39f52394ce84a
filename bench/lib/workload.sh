# The benchmark's workload, written once for bench/run.sh and bench/tools/*.sh (source this file).
# shellcheck shell=bash

# workload_images CORPUS N DEST: N images spread evenly over the name-sorted corpus (JPEG and PNG),
# hard-linked into DEST (copied where a link cannot be made).
workload_images() {
  local corpus=$1 n=$2 dest=$3 all i f
  mapfile -t all < <(ls "$corpus" | grep -iE '\.(jpe?g|png)$' | sort)
  [ "$n" -ge 1 ] && [ "$n" -le ${#all[@]} ] || { echo "workload: images must be 1..${#all[@]}" >&2; return 2; }
  mkdir -p "$dest"
  for ((i = 0; i < n; i++)); do
    f=${all[i * ${#all[@]} / n]}
    ln "$corpus/$f" "$dest/$f" 2>/dev/null || cp "$corpus/$f" "$dest/$f"
  done
}

# workload_batch NAME OUTPUT_DIR: the ImageBatch of the workload on stdout (local mode, paths
# relative to the YAML: images/ in, OUTPUT_DIR out); overwrite: Always re-encodes every run.
workload_batch() {
  cat <<YAML
apiVersion: imagebatch.io/v1alpha1
kind: ImageBatch
metadata:
  name: $1
spec:
  source:
    volume: { path: images/ }
    include: ["**/*.jpg", "**/*.jpeg", "**/*.png"]
  variants:
    - { name: w400, width: 400, formats: [webp, avif] }
    - { name: w800, width: 800, formats: [webp, avif] }
    - { name: w1200, width: 1200, formats: [webp, avif] }
  encoding:
    webp: { quality: 80, effort: 4 }
    avif: { quality: 65, effort: 4 }
  output:
    volume: { path: $2 }
    pathTemplate: "{stem}-{variant}.{format}"
    overwrite: Always
  processing:
    enlarge: false
YAML
}

# workload_runner REPO: sets jar and aot to the built runner and its AOT cache, training the cache
# when it is older than the jar (needs scripts/lib.sh sourced and JAVA_HOME set).
workload_runner() {
  jar=$1/runner/target/imagebatch-runner.jar aot=$1/runner/target/imagebatch-runner.aot
  [ -f "$jar" ] || { echo "build the runner first: ./mvnw -pl runner -am package -DskipTests" >&2; return 1; }
  [ -f "$aot" ] && [ "$aot" -nt "$jar" ] || train_aot_cache "$1"
}
