#!/usr/bin/env bash
# Builds the product's images on this machine, with no registry: the runner image from
# Dockerfile.runner (unchanged, as a user builds it), the operator image with Quarkus' Jib, and a
# runner image that fails on purpose (blue-green tests). The base images the Dockerfile names are
# made here first: debian:bookworm-slim from debootstrap, eclipse-temurin:25-jdk from this
# machine's Temurin 25.
#
#   e2e/node/images/build.sh
#
# Everything is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/images/ (the private
# podman store, the build-time Maven repository, the archives); a run with nothing changed takes
# seconds. Each product image is tagged <project version>-<hash of its inputs>, so a stale image
# is never used. The result, also printed on stdout (logs go to stderr):
#
#   images/current.env   RUNNER_IMAGE, RUNNER_ARCHIVE, BAD_RUNNER_IMAGE, BAD_RUNNER_ARCHIVE,
#                        OPERATOR_IMAGE, OPERATOR_ARCHIVE, OPERATOR_REPOSITORY, OPERATOR_TAG
#
# The archives are OCI archives: `ctr -n k8s.io image import ARCHIVE` puts an image where a kubelet
# finds it under its name. Root only (debootstrap, podman's store); missing packages are installed
# with apt-get, or, for another user, the command is printed.
#
# Environment: IMAGEBATCH_IMAGES_CACHE (the cache directory), IMAGEBATCH_BUILD_JDK (the Temurin 25
# to make the JDK base from and to build the operator with; default: JAVA_HOME if it is a 25, else
# /usr/lib/jvm/temurin-25-jdk-amd64), IMAGEBATCH_EXTRA_CA_DIR (CA certificates the build
# containers trust, default /usr/local/share/ca-certificates), DEBIAN_MIRROR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${IMAGEBATCH_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/images}"
export IMAGEBATCH_IMAGES_CACHE="$CACHE"
PODMAN="$HERE/podman"
REPOSITORY_PREFIX=localhost/imagebatch
# Part of every product image's hash: raise it when a change to this script changes what an image
# holds (not for a refactoring, which then costs no rebuild).
RECIPE=1
EXTRA_CA_DIR="${IMAGEBATCH_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"
base_image() { sed -n "s/^$1=//p" "$HERE/base-images.env"; }
DEBIAN_SLIM_IMAGE="$(base_image DEBIAN_SLIM_IMAGE)"
JDK_IMAGE="$(base_image JDK_IMAGE)"

log() { echo "images: $*" >&2; }
die() {
  log "$*"
  exit 1
}

require_root_and_packages() {
  local missing=() cmd
  for cmd in podman runc debootstrap; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
  done
  if ((EUID != 0)); then
    ((${#missing[@]} == 0)) || log "missing packages; install them with: sudo apt-get install -y ${missing[*]}"
    die "must run as root (debootstrap and podman's image store); run: sudo $0"
  fi
  if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
  fi
}

find_jdk() {
  local jdk
  for jdk in "${IMAGEBATCH_BUILD_JDK:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [[ -n "$jdk" && -x "$jdk/bin/jlink" ]] && grep -q '^JAVA_VERSION="25' "$jdk/release" 2>/dev/null; then
      echo "$jdk"
      return
    fi
  done
  die "no JDK 25 found (IMAGEBATCH_BUILD_JDK, JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64): install Temurin 25"
}

sha() { sha256sum | cut -c1-64; }
file_sha() { sha256sum "$@" | sha; }

# The repository's files under the given paths, as git sees the work tree: tracked and untracked
# files, without what .gitignore leaves out (target/, examples/local/out, ...). NUL-separated,
# relative to ROOT.
source_files() {
  (
    cd "$ROOT"
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      git ls-files -co --exclude-standard -z -- "$@"
    else
      find "$@" -type f -not -path '*/target/*' -print0
    fi | sort -zu | while IFS= read -r -d '' f; do
      if [[ -f "$f" ]]; then printf '%s\0' "$f"; fi
    done
  )
}

# The content of those files: a change to any of them, or a file added or removed, changes it.
sources_sha() {
  source_files "$@" | (cd "$ROOT" && xargs -0 -r sha256sum) | sha
}

id_of() { "$PODMAN" image inspect --format '{{.Id}}' "$1"; }
exists() { "$PODMAN" image exists "$1"; }

# Runs a step with its output in a log file; on failure shows the end of it.
BUILT=0
logged() {
  local name="$1" file="$CACHE/logs/$1.log"
  shift
  BUILT=1
  log "$name (log: $file)"
  if ! "$@" >"$file" 2>&1; then
    tail -30 "$file" >&2
    die "$name failed; the whole log is $file"
  fi
}

# podman build for this machine: only local images (--pull=never), the host's network for RUN
# steps (no bridge, no iptables; the build reaches Debian's and Maven's repositories).
# shellcheck disable=SC2317 # called through logged
build() { "$PODMAN" build --pull=never --network=host --layers "$@"; }

save_archive() {
  local image="$1" archive="$2"
  [[ -s "$archive" ]] && return
  mkdir -p "$(dirname "$archive")"
  rm -f "$archive.part"
  "$PODMAN" save -q --format oci-archive -o "$archive.part" "$image"
  mv "$archive.part" "$archive"
}

# A base image is kept under a name of its inputs (localhost/imagebatch/base-debian:<key>) and
# given the name the Dockerfiles use just before the builds that need it (under the lock): two
# checkouts with different recipes share the cache without rebuilding each other's bases.
use_base() {
  local keyed_id="$1" name="$2"
  [[ "$(id_of "$name" 2>/dev/null || true)" == "$keyed_id" ]] || "$PODMAN" tag "$keyed_id" "$name"
}

debian_base() {
  local key suite
  key="$(printf 'debian %s %s %s' "$(file_sha "$HERE/make-debian-slim.sh")" "${DEBIAN_MIRROR:-}" \
    "$DEBIAN_SLIM_IMAGE" | sha)"
  DEBIAN_BASE="$REPOSITORY_PREFIX/base-debian:${key:0:12}"
  if exists "$DEBIAN_BASE"; then
    log "$DEBIAN_BASE is up to date"
  else
    # debian:bookworm-slim is bookworm.
    suite="${DEBIAN_SLIM_IMAGE##*:}"
    logged debian-base "$HERE/make-debian-slim.sh" "${suite%-slim}" "$DEBIAN_BASE" "$CACHE/work"
  fi
  DEBIAN_BASE_ID="$(id_of "$DEBIAN_BASE")"
  use_base "$DEBIAN_BASE_ID" "$DEBIAN_SLIM_IMAGE"
}

extra_ca_certs() {
  [[ -d "$EXTRA_CA_DIR" ]] && find "$EXTRA_CA_DIR" -type f -name '*.crt' | sort
  return 0
}

# The JDK's trust store as a file (Debian's Temurin links it into the host's store), plus every
# extra CA certificate it lacks, so Maven in the build container trusts what this machine trusts.
jdk_context() {
  local jdk="$1" ctx="$2" cacerts cert fingerprint
  rm -rf "$ctx"
  mkdir -p "$ctx/ca-certificates"
  cp -a "$jdk" "$ctx/jdk"
  cacerts="$ctx/jdk/lib/security/cacerts"
  rm -f "$cacerts"
  cp -L "$jdk/lib/security/cacerts" "$cacerts"
  while IFS= read -r cert; do
    [[ -n "$cert" ]] || continue
    cp "$cert" "$ctx/ca-certificates/"
    fingerprint="$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | cut -d= -f2)"
    if ! "$jdk/bin/keytool" -list -keystore "$cacerts" -storepass changeit | grep -q "$fingerprint"; then
      "$jdk/bin/keytool" -importcert -noprompt -keystore "$cacerts" -storepass changeit \
        -alias "imagebatch-build-$(basename "$cert" .crt)" -file "$cert" >/dev/null
    fi
  done < <(extra_ca_certs)
}

jdk_base() {
  local jdk="$1" key ctx="$CACHE/work/jdk-context"
  key="$(
    {
      echo jdk
      file_sha "$HERE/Containerfile.jdk"
      echo "$jdk"
      cat "$jdk/release"
      extra_ca_certs | while IFS= read -r c; do file_sha "$c"; done
      echo "$DEBIAN_BASE_ID"
    } | sha
  )"
  JDK_BASE="$REPOSITORY_PREFIX/base-jdk:${key:0:12}"
  if exists "$JDK_BASE"; then
    log "$JDK_BASE is up to date"
  else
    jdk_context "$jdk" "$ctx"
    logged jdk-base build -f "$HERE/Containerfile.jdk" -t "$JDK_BASE" "$ctx"
    rm -rf "$ctx"
  fi
  JDK_BASE_ID="$(id_of "$JDK_BASE")"
  use_base "$JDK_BASE_ID" "$JDK_IMAGE"
}

# The operator's base, as the docker archive Jib reads (tar://); its name says which inputs made it.
operator_base() {
  local key
  key="$(printf 'operator-base %s %s %s' "$(file_sha "$HERE/Containerfile.operator-base")" \
    "$DEBIAN_BASE_ID" "$JDK_BASE_ID" | sha)"
  OPERATOR_BASE_IMAGE="$REPOSITORY_PREFIX/operator-base:${key:0:12}"
  OPERATOR_BASE_ARCHIVE="$CACHE/work/operator-base/${key:0:12}.docker.tar"
  if exists "$OPERATOR_BASE_IMAGE"; then
    log "$OPERATOR_BASE_IMAGE is up to date"
  else
    logged operator-base build -f "$HERE/Containerfile.operator-base" -t "$OPERATOR_BASE_IMAGE" "$HERE"
  fi
  if [[ ! -s "$OPERATOR_BASE_ARCHIVE" ]]; then
    mkdir -p "$(dirname "$OPERATOR_BASE_ARCHIVE")"
    "$PODMAN" save -q --format docker-archive -o "$OPERATOR_BASE_ARCHIVE.part" "$OPERATOR_BASE_IMAGE"
    mv "$OPERATOR_BASE_ARCHIVE.part" "$OPERATOR_BASE_ARCHIVE"
  fi
}

runner_image() {
  local version="$1" key
  key="$(printf 'runner %s %s %s %s' \
    "$(sources_sha Dockerfile.runner .dockerignore mvnw .mvn pom.xml api vips runner examples/local)" \
    "$DEBIAN_BASE_ID" "$JDK_BASE_ID" "$RECIPE" | sha)"
  RUNNER_IMAGE="$REPOSITORY_PREFIX/imagebatch-runner:$version-${key:0:12}"
  RUNNER_ARCHIVE="$CACHE/archives/imagebatch-runner/$version-${key:0:12}.oci.tar"
  if exists "$RUNNER_IMAGE"; then
    log "$RUNNER_IMAGE is up to date"
  else
    # The Maven repository of the build stage's RUN steps persists here, so a rebuild after a
    # source change downloads nothing; the Dockerfile itself knows nothing of it.
    mkdir -p "$CACHE/m2"
    logged runner-image build -v "$CACHE/m2:/root/.m2" -f "$ROOT/Dockerfile.runner" \
      -t "$RUNNER_IMAGE" "$ROOT"
  fi
  save_archive "$RUNNER_IMAGE" "$RUNNER_ARCHIVE"
}

bad_runner_image() {
  local version="$1" key
  key="$(printf 'bad-runner %s %s' "$RUNNER_IMAGE" "$(file_sha "$HERE/Containerfile.bad-runner")" | sha)"
  BAD_RUNNER_IMAGE="$REPOSITORY_PREFIX/imagebatch-runner-bad:$version-${key:0:12}"
  BAD_RUNNER_ARCHIVE="$CACHE/archives/imagebatch-runner-bad/$version-${key:0:12}.oci.tar"
  if exists "$BAD_RUNNER_IMAGE"; then
    log "$BAD_RUNNER_IMAGE is up to date"
  else
    logged bad-runner-image build -f "$HERE/Containerfile.bad-runner" \
      --build-arg "RUNNER_IMAGE=$RUNNER_IMAGE" -t "$BAD_RUNNER_IMAGE" "$HERE"
  fi
  save_archive "$BAD_RUNNER_IMAGE" "$BAD_RUNNER_ARCHIVE"
}

# The operator is built by Maven from a private copy of its sources, so its target/ never meets
# a build running in the checkout at the same time (a test JVM may call this script).
operator_image() {
  local version="$1" jdk="$2" key src="$CACHE/work/operator-src" jib_tar
  local inputs=(mvnw .mvn pom.xml api operator e2e/control-plane)
  operator_base
  key="$(printf 'operator %s %s %s' "$(sources_sha "${inputs[@]}")" "$OPERATOR_BASE_IMAGE" \
    "$RECIPE" | sha)"
  OPERATOR_REPOSITORY="$REPOSITORY_PREFIX/imagebatch-operator"
  OPERATOR_TAG="$version-${key:0:12}"
  OPERATOR_IMAGE="$OPERATOR_REPOSITORY:$OPERATOR_TAG"
  OPERATOR_ARCHIVE="$CACHE/archives/imagebatch-operator/$OPERATOR_TAG.oci.tar"
  if exists "$OPERATOR_IMAGE"; then
    log "$OPERATOR_IMAGE is up to date"
  else
    rm -rf "$src"
    mkdir -p "$src"
    source_files "${inputs[@]}" | (cd "$ROOT" && xargs -0 cp -p --parents -t "$src")
    # Only the modules the operator needs stay in the reactor (as in Dockerfile.runner).
    sed -i -E '/<module>(api|operator|e2e\/control-plane)<\/module>/!{/<module>/d}' "$src/pom.xml"
    jib_tar="$CACHE/work/operator-jib.tar"
    logged operator-image env -C "$src" JAVA_HOME="$jdk" ./mvnw -B -ntp -pl operator -am package \
      -DskipTests -DskipITs -Poperator-image \
      "-Dquarkus.jib.base-jvm-image=tar://$OPERATOR_BASE_ARCHIVE" \
      -Dquarkus.container-image.registry=localhost \
      -Dquarkus.container-image.group=imagebatch \
      "-Dquarkus.container-image.tag=$OPERATOR_TAG" \
      "-Dquarkus.jib.docker-environment.IMAGEBATCH_IMAGE_TAR=$jib_tar"
    "$PODMAN" load -q -i "$jib_tar" >&2
    exists "$OPERATOR_IMAGE" || die "the Jib tarball $jib_tar did not hold $OPERATOR_IMAGE"
    rm -rf "$src" "$jib_tar"
  fi
  save_archive "$OPERATOR_IMAGE" "$OPERATOR_ARCHIVE"
}

# What other checkouts (or earlier runs) built stays for a while, since their current.env may
# still name it: per repository the newest KEEP tags survive, with this run's, and the archives
# of the images that survive. Untagged build-stage layers older than every kept JDK base (built on
# a base that is gone) go; the layer cache of the kept bases stays, so the next build reuses it.
KEEP=3
remove_stale() {
  local repository image current=" $RUNNER_IMAGE $BAD_RUNNER_IMAGE $OPERATOR_IMAGE $OPERATOR_BASE_IMAGE $DEBIAN_BASE $JDK_BASE "
  for repository in imagebatch-runner imagebatch-runner-bad imagebatch-operator operator-base \
    base-debian base-jdk; do
    "$PODMAN" images --filter "reference=$REPOSITORY_PREFIX/$repository" \
      --format '{{.CreatedAt}}|{{.Repository}}:{{.Tag}}' | sort -r | cut -d'|' -f2 | tail -n +$((KEEP + 1)) \
      | while IFS= read -r image; do
        [[ "$current" == *" $image "* ]] || "$PODMAN" rmi "$image" >/dev/null 2>&1 || true
      done
  done
  local oldest_jdk
  oldest_jdk="$("$PODMAN" images --filter "reference=$REPOSITORY_PREFIX/base-jdk" --format '{{.ID}}' \
    | xargs -r "$PODMAN" image inspect --format '{{.Created.Unix}}' | sort -n | head -1)"
  [[ -z "$oldest_jdk" ]] || "$PODMAN" image prune -f --filter "until=$oldest_jdk" >/dev/null
  local archive tag
  for archive in "$CACHE"/archives/*/*.oci.tar "$CACHE"/work/operator-base/*.docker.tar; do
    [[ -e "$archive" ]] || continue
    tag="$(basename "$archive")"
    tag="${tag%.oci.tar}"
    tag="${tag%.docker.tar}"
    exists "$REPOSITORY_PREFIX/$(basename "$(dirname "$archive")"):$tag" || rm -f "$archive"
  done
}

# Build containers a killed build left behind (podman lists them as "Storage"); under the lock no
# build runs, so every one of them is a leftover.
remove_leftover_build_containers() {
  "$PODMAN" ps -a --external --format '{{.ID}} {{.Status}}' | awk '$2 == "Storage" { print $1 }' \
    | while IFS= read -r container; do "$PODMAN" rm -f "$container" >/dev/null; done
}

write_env() {
  local env
  env="$(
    cat <<EOF
RUNNER_IMAGE=$RUNNER_IMAGE
RUNNER_ARCHIVE=$RUNNER_ARCHIVE
BAD_RUNNER_IMAGE=$BAD_RUNNER_IMAGE
BAD_RUNNER_ARCHIVE=$BAD_RUNNER_ARCHIVE
OPERATOR_IMAGE=$OPERATOR_IMAGE
OPERATOR_ARCHIVE=$OPERATOR_ARCHIVE
OPERATOR_REPOSITORY=$OPERATOR_REPOSITORY
OPERATOR_TAG=$OPERATOR_TAG
EOF
  )"
  printf '%s\n' "$env" >"$CACHE/current.env.part"
  mv "$CACHE/current.env.part" "$CACHE/current.env"
  printf '%s\n' "$env"
}

main() {
  local started=$SECONDS jdk version
  require_root_and_packages
  jdk="$(find_jdk)"
  version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -1)"
  [[ -n "$version" ]] || die "no project version in $ROOT/pom.xml"
  mkdir -p "$CACHE/logs" "$CACHE/work" "$CACHE/archives"
  # One build at a time (the cluster script and a test may both ask); the others wait, then find
  # the images made.
  exec 9>"$CACHE/.build.lock"
  if ! flock -n 9; then
    log "another build.sh holds $CACHE/.build.lock; waiting"
    flock 9
  fi
  remove_leftover_build_containers

  debian_base
  jdk_base "$jdk"
  runner_image "$version"
  bad_runner_image "$version"
  operator_image "$version" "$jdk"
  # Nothing built, nothing stale: a warm run stays quick.
  if ((BUILT)); then remove_stale; fi
  log "done in $((SECONDS - started)) s; $CACHE/current.env:"
  write_env
}

# On one line: bash reads a script as it runs, and an edit to this file during a build must not
# reach the running one.
main "$@"; exit
