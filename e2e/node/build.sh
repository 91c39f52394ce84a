#!/usr/bin/env bash
# Builds what a real node needs on top of the control-plane tier's binaries
# (e2e/control-plane/build.sh: etcd, kube-apiserver, kube-controller-manager, kubectl):
#   kubelet, kube-scheduler, kube-proxy  from k8s.io/kubernetes (the same version and go.sum)
#   helm                                 from helm.sh/helm/v3 (users install the chart with it)
#   crictl                               from sigs.k8s.io/cri-tools: `down` stops pod sandboxes
#                                        through CRI, so CNI tears their networks down
#   pause                                the sandbox program, gcc -static of build/pause/linux/pause.c
#                                        in the Kubernetes module (no registry has to serve it)
#
# Output: ${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/node/<k8s-version>/ (reused when complete).
# Prints that directory as the last line of stdout, after the control plane's directory.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.35.8}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CRI_TOOLS_VERSION="${CRI_TOOLS_VERSION:-v1.37.0}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "node/build.sh: $*" >&2; }
# shellcheck source=../control-plane/go-modules.sh
source "$here/../control-plane/go-modules.sh"

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch"
OUT="$CACHE_ROOT/node/$K8S_VERSION"
STAMP="$OUT/.complete-helm-$HELM_VERSION-crictl-$CRI_TOOLS_VERSION"
BINARIES=(kubelet kube-scheduler kube-proxy helm crictl pause)

# The control plane first: its wrapper module and Go caches are what the node build reuses.
K8S_BIN=$(K8S_VERSION="$K8S_VERSION" "$here/../control-plane/build.sh" | tail -n 1)

complete() {
  [[ -f "$STAMP" ]] || return 1
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$OUT/$b" ]] || return 1; done
}
if complete; then
  log "reusing $OUT"
  printf '%s\n%s\n' "$K8S_BIN" "$OUT"
  exit 0
fi
mkdir -p "$OUT"
exec 9>"$OUT/.build.lock"
flock 9
if complete; then
  printf '%s\n%s\n' "$K8S_BIN" "$OUT"
  exit 0
fi

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
export GOMODCACHE="$CACHE_ROOT/go/mod" GOCACHE="$CACHE_ROOT/go/build" GOTOOLCHAIN=local
export GOFLAGS="-mod=mod" CGO_ENABLED=0

# --- kubelet, kube-scheduler, kube-proxy: the control plane's wrapper module, more commands ----
src_mod="$CACHE_ROOT/k8s/work-$K8S_VERSION/k8s/go.mod"
[[ -f "$src_mod" ]] || { log "no wrapper module at $src_mod (run e2e/control-plane/build.sh)"; exit 1; }
WORK="$CACHE_ROOT/node/work-$K8S_VERSION"
mkdir -p "$WORK/k8s" "$WORK/helm" "$WORK/crictl"
cd "$WORK/k8s"
sed 's|^module .*|module imagebatch.local/k8s-node-build|' "$src_mod" >go.mod
cp "$(dirname "$src_mod")/go.sum" go.sum
cat >tools.go <<'GO'
//go:build tools

// Package tools only pins the commands this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
"$GO" mod tidy >&2
ldflags="$(k8s_ldflags "$K8S_VERSION")"
for cmd in kubelet kube-scheduler kube-proxy; do
  log "go build $cmd"
  "$GO" build -trimpath -ldflags="$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
  mv "$OUT/$cmd.tmp" "$OUT/$cmd"
done

# --- pause: one C file of the Kubernetes module ----------------------------------------------
pause_c="$GOMODCACHE/k8s.io/kubernetes@$K8S_VERSION/build/pause/linux/pause.c"
[[ -f "$pause_c" ]] || "$GO" mod download "k8s.io/kubernetes@$K8S_VERSION"
log "gcc -static pause"
gcc -Os -static -DVERSION="imagebatch-$K8S_VERSION" -o "$OUT/pause.tmp" "$pause_c"
strip "$OUT/pause.tmp"
mv "$OUT/pause.tmp" "$OUT/pause"

# --- helm ---------------------------------------------------------------------------------------
cd "$WORK/helm"
command_module helm-build helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
log "go build helm"
"$GO" build -trimpath \
  -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  -o "$OUT/helm.tmp" helm.sh/helm/v3/cmd/helm
mv "$OUT/helm.tmp" "$OUT/helm"

# --- crictl -------------------------------------------------------------------------------------
cd "$WORK/crictl"
command_module crictl-build sigs.k8s.io/cri-tools "$CRI_TOOLS_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
log "go build crictl"
"$GO" build -trimpath -ldflags="-s -w" -o "$OUT/crictl.tmp" sigs.k8s.io/cri-tools/cmd/crictl
mv "$OUT/crictl.tmp" "$OUT/crictl"

touch "$STAMP"
log "done: $(cd "$OUT" && ls "${BINARIES[@]}" | tr '\n' ' ')"
printf '%s\n%s\n' "$K8S_BIN" "$OUT"
