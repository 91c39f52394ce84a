#!/usr/bin/env bash
# Builds the binaries of the "real control plane" test tier from source with the Go toolchain:
# kube-apiserver, kube-controller-manager, kubectl (k8s.io/kubernetes) and etcd
# (go.etcd.io/etcd/server/v3). Debian bookworm ships etcd 3.4, which Kubernetes 1.35 no longer
# supports, so etcd is built too.
#
# Output: ${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/k8s/<k8s-version>/ (reused when complete).
# Prints the output directory as the last line of stdout. The first build took 7 min 2 s on a
# 2-core VM (downloads included, ~4.5 GB of module and build cache); later runs return at once.
#
# Environment:
#   IMAGEBATCH_K8S_ASSETS  directory with existing binaries (envtest assets work): nothing is built,
#                          the directory is checked and printed.
#   K8S_VERSION / ETCD_VERSION  override the pinned versions.
#   GO                     the go binary (default: go on PATH, then /usr/local/go/bin/go).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.35.8}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)

log() { echo "build.sh: $*" >&2; }
# shellcheck source=go-modules.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-modules.sh"

check_dir() {
  local dir="$1" missing=()
  for b in etcd kube-apiserver kubectl; do
    [[ -x "$dir/$b" ]] || missing+=("$b")
  done
  if ((${#missing[@]})); then
    log "missing in $dir: ${missing[*]}"
    return 1
  fi
}

if [[ -n "${IMAGEBATCH_K8S_ASSETS:-}" ]]; then
  check_dir "$IMAGEBATCH_K8S_ASSETS"
  [[ -x "$IMAGEBATCH_K8S_ASSETS/kube-controller-manager" ]] \
    || log "note: no kube-controller-manager in $IMAGEBATCH_K8S_ASSETS; Job/GC tests will fail"
  echo "$IMAGEBATCH_K8S_ASSETS"
  exit 0
fi

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch"
OUT="$CACHE_ROOT/k8s/$K8S_VERSION"
STAMP="$OUT/.complete-etcd-$ETCD_VERSION"

reuse_if_built() {
  if [[ -f "$STAMP" ]] && check_dir "$OUT" 2>/dev/null; then
    log "reusing $OUT"
    echo "$OUT"
    exit 0
  fi
}
reuse_if_built

# Several test JVMs may call this at once (one per Maven module): one builds, the others wait.
mkdir -p "$CACHE_ROOT/k8s"
if command -v flock >/dev/null; then
  exec 9>"$CACHE_ROOT/k8s/.build.lock"
  flock 9
  reuse_if_built
fi

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[[ -x "$GO" ]] || { log "Go toolchain not found (set GO=/path/to/go)"; exit 2; }
# The wrappers below declare go 1.26 and GOTOOLCHAIN=local forbids fetching a newer one, so an
# older Go (Debian 12 ships 1.19) would fail minutes into the build; say so now instead (exit 2:
# the tests skip with the hint, or fail under CI=true).
GO_MIN_MINOR=26
go_version="$("$GO" env GOVERSION 2>/dev/null || true)"
go_minor="$(sed -n 's/^go1\.\([0-9]*\).*/\1/p' <<<"$go_version")"
if [[ -z "$go_minor" || "$go_minor" -lt "$GO_MIN_MINOR" ]]; then
  log "Go 1.$GO_MIN_MINOR or later is needed, $GO is ${go_version:-unknown} (set GO=/path/to/go)"
  exit 2
fi

# Keep the module and build caches next to the binaries so that `rm -rf` of one dir cleans all,
# and never let go download another toolchain.
export GOMODCACHE="$CACHE_ROOT/go/mod"
export GOCACHE="$CACHE_ROOT/go/build"
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0

WORK="$CACHE_ROOT/k8s/work-$K8S_VERSION"
mkdir -p "$OUT" "$WORK/k8s" "$WORK/etcd"
log "building Kubernetes $K8S_VERSION and etcd $ETCD_VERSION with $("$GO" version) into $OUT"

# --- Kubernetes -----------------------------------------------------------------------------
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging
# paths, which a dependent module ignores. The wrapper pins each to the published v0.<minor>.<patch>.
staging_version="v0.${K8S_VERSION#v1.}"
cd "$WORK"
k8s_mod="$(GOFLAGS= "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" \
  | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[[ -f "$k8s_mod" ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
cd "$WORK/k8s"
{
  echo "module imagebatch.local/k8s-build"
  echo
  echo "go 1.25.0"
  echo
  echo "godebug default=go1.25"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  # Only modules that k8s.io/kubernetes requires at v0.0.0 are staging modules.
  sed -n 's/^[[:space:]]*\(k8s\.io\/[a-z0-9-]*\) v0\.0\.0$/\1/p' "$k8s_mod" | sort -u \
    | while read -r m; do echo "	$m => $m $staging_version"; done
  echo ")"
} >go.mod
cat >tools.go <<'GO'
//go:build tools

// Package tools only pins the commands this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
"$GO" mod tidy >&2

ldflags="$(k8s_ldflags "$K8S_VERSION")"
for cmd in kube-apiserver kube-controller-manager kubectl; do
  log "go build $cmd"
  "$GO" build -trimpath -ldflags="$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
  mv "$OUT/$cmd.tmp" "$OUT/$cmd"
done

# --- etcd -------------------------------------------------------------------------------------
# A separate wrapper module so that etcd's dependency versions are not mixed with Kubernetes'.
cd "$WORK/etcd"
command_module etcd-build go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
log "go build etcd"
"$GO" build -trimpath \
  -ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
  -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$OUT/etcd.tmp" "$OUT/etcd"

check_dir "$OUT"
touch "$STAMP"
log "done: $(cd "$OUT" && ls "${BINARIES[@]}" | tr '\n' ' ')"
echo "$OUT"
