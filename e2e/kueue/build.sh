#!/usr/bin/env bash
# Builds Kueue's controller manager (sigs.k8s.io/kueue/cmd/kueue) from its Go module, and copies
# the manifests the tests install (CRDs, their conversion-webhook patches, the webhook
# configurations) from the module's config/ directory next to it.
#
# Output: ${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch/kueue/<version>/ (reused when complete):
#   kueue                          the manager
#   config/crd/*.yaml              config/components/crd/bases
#   config/crd-patches/*.yaml      config/components/crd/patches (which CRDs convert by webhook)
#   config/webhook/manifests.yaml  config/components/webhook/manifests.yaml
# Prints the output directory as the last line of stdout.
#
# Environment: KUEUE_VERSION overrides the pin; GO the go binary (default: go on PATH, then
# /usr/local/go/bin/go). Exit 2: no cached build and no Go 1.25+ to make one.
set -euo pipefail

KUEUE_VERSION="${KUEUE_VERSION:-v0.17.0}"

log() { echo "build.sh: $*" >&2; }

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch"
OUT="$CACHE_ROOT/kueue/$KUEUE_VERSION"
STAMP="$OUT/.complete"

reuse_if_built() {
  if [[ -f "$STAMP" && -x "$OUT/kueue" ]]; then
    log "reusing $OUT"
    echo "$OUT"
    exit 0
  fi
}
reuse_if_built

# Several test JVMs may call this at once: one builds, the others wait.
mkdir -p "$CACHE_ROOT/kueue"
if command -v flock >/dev/null; then
  exec 9>"$CACHE_ROOT/kueue/.build.lock"
  flock 9
  reuse_if_built
fi

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[[ -x "$GO" ]] || { log "Go toolchain not found (set GO=/path/to/go)"; exit 2; }
# Kueue v0.17 declares go 1.25 and GOTOOLCHAIN=local forbids fetching a newer one: say so now
# rather than minutes into the build.
GO_MIN_MINOR=25
go_version="$("$GO" env GOVERSION 2>/dev/null || true)"
go_minor="$(sed -n 's/^go1\.\([0-9]*\).*/\1/p' <<<"$go_version")"
if [[ -z "$go_minor" || "$go_minor" -lt "$GO_MIN_MINOR" ]]; then
  log "Go 1.$GO_MIN_MINOR or later is needed, $GO is ${go_version:-unknown} (set GO=/path/to/go)"
  exit 2
fi

# The same module and build caches as the Kubernetes binaries (e2e/control-plane/build.sh).
export GOMODCACHE="$CACHE_ROOT/go/mod"
export GOCACHE="$CACHE_ROOT/go/build"
export GOTOOLCHAIN=local
export GOFLAGS=
export CGO_ENABLED=0

mkdir -p "$OUT"
log "building Kueue $KUEUE_VERSION with $("$GO" version) into $OUT"
# The module has no replace directives, so `go install module@version` builds it exactly as its
# own go.mod and go.sum pin it; no wrapper module is needed.
GOBIN="$OUT" "$GO" install -trimpath \
  -ldflags="-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION" \
  "sigs.k8s.io/kueue/cmd/kueue@$KUEUE_VERSION"

module_dir="$("$GO" mod download -json "sigs.k8s.io/kueue@$KUEUE_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$module_dir/config/components" ]] || { log "no config/ in $module_dir"; exit 1; }
rm -rf "$OUT/config"
mkdir -p "$OUT/config/crd" "$OUT/config/crd-patches" "$OUT/config/webhook"
cp "$module_dir"/config/components/crd/bases/*.yaml "$OUT/config/crd/"
cp "$module_dir"/config/components/crd/patches/*.yaml "$OUT/config/crd-patches/"
cp "$module_dir/config/components/webhook/manifests.yaml" "$OUT/config/webhook/"
cp "$module_dir/config/components/crd/kustomization.yaml" "$OUT/config/crd/kustomization.yaml.txt"
chmod -R u+w "$OUT/config"

touch "$STAMP"
log "done: $OUT/kueue"
echo "$OUT"
