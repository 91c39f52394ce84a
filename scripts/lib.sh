# Shared by ./imagebatch and ./run-tests: find a JDK >= 25 and libvips, installing what is
# missing when we may (root on Debian), else saying exactly what to run.
# shellcheck shell=bash

IMAGEBATCH_JAVA_FEATURE=25

say() { printf 'imagebatch: %s\n' "$*" >&2; }

java_feature() { # prints the feature version of a java binary, e.g. 25
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() { # prints a JAVA_HOME with java and javac >= 25
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  for c in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /opt/java/* /opt/jdk*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      local v; v=$(java_feature "$c/bin/java")
      if [ -n "$v" ] && [ "$v" -ge "$IMAGEBATCH_JAVA_FEATURE" ]; then
        echo "$c"; return 0
      fi
    fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "no JDK >= $IMAGEBATCH_JAVA_FEATURE found; trying apt-get install openjdk-25-jdk-headless"
    if apt_install openjdk-25-jdk-headless; then
      find_jdk; return $?
    fi
  fi
  say "needs a JDK >= $IMAGEBATCH_JAVA_FEATURE (for the FFM API); none was found."
  say "Install one (e.g. Temurin 25 from adoptium.net, or as root: apt-get install openjdk-25-jdk-headless) and set JAVA_HOME."
  return 1
}

have_libvips() {
  [ -n "${IMAGEBATCH_VIPS_LIBRARY:-}" ] && return 0
  # ldconfig is in /sbin, which is not on a normal user's PATH on Debian.
  local ldconfig f
  ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
  "$ldconfig" -p 2>/dev/null | grep -q 'libvips\.so\.42' && return 0
  for f in /usr/lib/*/libvips.so.42 /usr/lib/libvips.so.42 /usr/local/lib/libvips.so.42; do
    [ -e "$f" ] && return 0
  done
  return 1
}

# apt-get install PACKAGE... quietly; on failure its output is shown, not lost.
apt_install() {
  local log status=0
  log=$(mktemp)
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 "$@"; } \
    >"$log" 2>&1 || status=$?
  [ "$status" = 0 ] || { say "apt-get install $* failed:"; tail -n 20 "$log" >&2; }
  rm -f "$log"
  return "$status"
}

ensure_libvips() {
  have_libvips && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "libvips is missing; installing it: apt-get install libvips42"
    apt_install libvips42 && have_libvips && return 0
  fi
  say "needs libvips (8.12 or later). Install it as root:"
  say "  apt-get install libvips42      (or: sudo apt-get install libvips42)"
  say "or point IMAGEBATCH_VIPS_LIBRARY at a libvips library file."
  return 1
}

# promtool (Prometheus' rule checker and unit-test runner) for the chart's alert tests
# (helm/ PrometheusRulesIT) and prometheus itself for the live scrape (operator/ PrometheusScrapeIT).
# Debian's package has both. Without them those tests skip with the hint (CI=true: they fail).
ensure_prometheus() {
  command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "prometheus (promtool) is missing; installing it: apt-get install --no-install-recommends prometheus"
    # No recommends: the node exporter is not needed. Where services may start on install (a
    # machine with an init system and no policy-rc.d), the package starts its own Prometheus on
    # :9090; the tests do not use it.
    apt_install --no-install-recommends prometheus && return 0
  fi
  say "the alert-rule and Prometheus scrape tests need Prometheus' tools. Install them as root:"
  say "  apt-get install --no-install-recommends prometheus      (or with sudo)"
  say "without them those tests are skipped (and fail under CI=true)."
  return 0
}

# Builds the runner when it is missing or older than any source of the modules it is made of.
build_runner_if_stale() {
  local root=$1 jar=$1/runner/target/imagebatch-runner.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/api" "$root/vips" "$root/runner" \
      -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ]; then
    say "building the runner (first run, or sources changed)..."
    if ! (cd "$root" && ./mvnw -q -B -pl runner -am install -DskipTests -DskipITs) >&2; then
      say "building the runner failed (above). If Maven or a dependency could not be downloaded,"
      say "check the network, a proxy (MAVEN_OPTS, ~/.m2/settings.xml) or the proxy's CA certificate."
      exit 1
    fi
    train_aot_cache "$root"
  fi
}

# A Java AOT cache (JDK 25) from a training run on the bundled example: the classes the runner
# needs are then loaded and linked ahead of time, so the first image starts sooner.
train_aot_cache() {
  local root=$1 work
  work=$(mktemp -d)
  cp -r "$root/examples/local/images" "$work/"
  sed 's/overwrite: IfChanged.*/overwrite: Always/' "$root/examples/local/batch.yaml" > "$work/batch.yaml"
  rm -f "$root/runner/target/imagebatch-runner.aot"
  IMAGEBATCH_LOG_FORMAT=json "$JAVA_HOME/bin/java" $(runner_jvm_options) \
    -XX:AOTCacheOutput="$root/runner/target/imagebatch-runner.aot" \
    -jar "$root/runner/target/imagebatch-runner.jar" run "$work/batch.yaml" >/dev/null 2>&1 ||
    say "(no AOT cache: the training run failed; the runner works without it)"
  rm -rf "$work"
}

# Serial GC: the heap only holds bookkeeping; pixels live in libvips' native memory. A 16 MiB
# young generation: the default (a third of 1/64 of the machine's memory) is all touched before
# the first collection, ~20 MiB more peak RSS for nothing (docs/benchmarks.md). C1 only: the hot
# loops are native, and C2 compiles would compete with libvips for the two cores.
runner_jvm_options() {
  echo "-XX:+UseSerialGC -Xmn16m -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED"
}
