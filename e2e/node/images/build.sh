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
LABEL=io.imagebatch.inputs
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
  source_files "$@" | (
    cd "$ROOT"
    while IFS= read -r -d '' f; do
      printf '%s  %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
    done
  ) | sha
}

label_of() {
  "$PODMAN" image inspect --format "{{index .Labels \"$LABEL\"}}" "$1" 2>/dev/null || true
}
id_of() { "$PODMAN" image inspect --format '{{.Id}}' "$1"; }
exists() { "$PODMAN" image exists "$1"; }

# Runs a step with its output in a log file; on failure shows the end of it.
logged() {
  local name="$1" file="$CACHE/logs/$1.log"
  shift
  log "$name (log: $file)"
  if ! "$@" >"$file" 2>&1; then
    tail -30 "$file" >&2
    die "$name failed; the whole log is $file"
  fi
}

# podman build for this machine: only local images (--pull=never), the host's network for RUN
# steps (no bridge, no iptables; the build reaches Debian's and Maven's repositories).
build() { "$PODMAN" build --pull=never --network=host --layers "$@"; }

save_archive() {
  local image="$1" archive="$2"
  [[ -s "$archive" ]] && return
  rm -f "$archive.part"
  "$PODMAN" save -q --format oci-archive -o "$archive.part" "$image"
  mv "$archive.part" "$archive"
}

debian_base() {
  local key
  key="$(printf 'debian %s %s %s' "$(file_sha "$HERE/make-debian-slim.sh")" "${DEBIAN_MIRROR:-}" \
    "$DEBIAN_SLIM_IMAGE" | sha)"
  if [[ "$(label_of "$DEBIAN_SLIM_IMAGE")" == "$key" ]]; then
    log "$DEBIAN_SLIM_IMAGE is up to date"
    return
  fi
  logged debian-base "$HERE/make-debian-slim.sh" "$DEBIAN_SLIM_IMAGE" "$CACHE/work" "$LABEL=$key"
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
      id_of "$DEBIAN_SLIM_IMAGE"
    } | sha
  )"
  if [[ "$(label_of "$JDK_IMAGE")" == "$key" ]]; then
    log "$JDK_IMAGE is up to date"
    return
  fi
  jdk_context "$jdk" "$ctx"
  logged jdk-base build -f "$HERE/Containerfile.jdk" --label "$LABEL=$key" -t "$JDK_IMAGE" "$ctx"
  rm -rf "$ctx"
}

# The operator's base, as the docker archive Jib reads (tar://); its name says which inputs made it.
operator_base() {
  local key
  key="$(printf 'operator-base %s %s %s' "$(file_sha "$HERE/Containerfile.operator-base")" \
    "$(id_of "$DEBIAN_SLIM_IMAGE")" "$(id_of "$JDK_IMAGE")" | sha)"
  OPERATOR_BASE_IMAGE="$REPOSITORY_PREFIX/operator-base:${key:0:12}"
  OPERATOR_BASE_ARCHIVE="$CACHE/work/operator-base-${key:0:12}.docker.tar"
  if exists "$OPERATOR_BASE_IMAGE"; then
    log "$OPERATOR_BASE_IMAGE is up to date"
  else
    logged operator-base build -f "$HERE/Containerfile.operator-base" -t "$OPERATOR_BASE_IMAGE" "$HERE"
  fi
  if [[ ! -s "$OPERATOR_BASE_ARCHIVE" ]]; then
    rm -f "$CACHE"/work/operator-base-*.docker.tar
    "$PODMAN" save -q --format docker-archive -o "$OPERATOR_BASE_ARCHIVE.part" "$OPERATOR_BASE_IMAGE"
    mv "$OPERATOR_BASE_ARCHIVE.part" "$OPERATOR_BASE_ARCHIVE"
  fi
}

runner_image() {
  local version="$1" key
  key="$(printf 'runner %s %s %s %s' \
    "$(sources_sha Dockerfile.runner .dockerignore mvnw .mvn pom.xml api vips runner examples/local)" \
    "$(id_of "$DEBIAN_SLIM_IMAGE")" "$(id_of "$JDK_IMAGE")" "$(file_sha "$HERE/build.sh")" | sha)"
  RUNNER_IMAGE="$REPOSITORY_PREFIX/imagebatch-runner:$version-${key:0:12}"
  RUNNER_ARCHIVE="$CACHE/archives/imagebatch-runner-$version-${key:0:12}.oci.tar"
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
  BAD_RUNNER_ARCHIVE="$CACHE/archives/imagebatch-runner-bad-$version-${key:0:12}.oci.tar"
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
    "$(file_sha "$HERE/build.sh")" | sha)"
  OPERATOR_REPOSITORY="$REPOSITORY_PREFIX/imagebatch-operator"
  OPERATOR_TAG="$version-${key:0:12}"
  OPERATOR_IMAGE="$OPERATOR_REPOSITORY:$OPERATOR_TAG"
  OPERATOR_ARCHIVE="$CACHE/archives/imagebatch-operator-$OPERATOR_TAG.oci.tar"
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

# Older tags of the product images and their archives go; the base images and podman's layer
# cache stay, so the next build reuses them.
remove_stale() {
  local image keep=" $RUNNER_IMAGE $BAD_RUNNER_IMAGE $OPERATOR_IMAGE $OPERATOR_BASE_IMAGE "
  while IFS= read -r image; do
    [[ "$keep" == *" $image "* ]] || "$PODMAN" rmi "$image" >/dev/null 2>&1 || true
  done < <("$PODMAN" images --format '{{.Repository}}:{{.Tag}}' \
    | grep -E "^$REPOSITORY_PREFIX/(imagebatch-runner|imagebatch-runner-bad|imagebatch-operator|operator-base):" || true)
  local archive
  for archive in "$CACHE"/archives/*.oci.tar; do
    [[ -e "$archive" ]] || continue
    case "$archive" in
      "$RUNNER_ARCHIVE" | "$BAD_RUNNER_ARCHIVE" | "$OPERATOR_ARCHIVE") ;;
      *) rm -f "$archive" ;;
    esac
  done
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
  flock 9

  debian_base
  jdk_base "$jdk"
  runner_image "$version"
  bad_runner_image "$version"
  operator_image "$version" "$jdk"
  remove_stale
  log "done in $((SECONDS - started)) s; $CACHE/current.env:"
  write_env
}

main "$@"
