#!/usr/bin/env bash
# Builds gitops-verify (this directory's Go program) into the imagebatch cache, keyed by a hash of
# its sources, so an unchanged program is not built again. Prints the binary's path as the last
# line of stdout.
#
# Argo CD v3.6 needs Go 1.27: with GOTOOLCHAIN=go1.27.3 the local go command (1.21 or later)
# fetches that toolchain from the Go module proxy like a module, once. Module and build caches are
# the ones the control-plane build uses (~/.cache/imagebatch/go). Exit 2: no Go at all.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "build.sh: $*" >&2; }

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/imagebatch"
hash="$(cd "$here" && cat go.mod go.sum *.go | sha256sum | cut -c1-16)"
OUT="$CACHE_ROOT/gitops-verify/$hash"
reuse_if_built() {
  if [[ -x "$OUT/gitops-verify" ]]; then
    log "reusing $OUT/gitops-verify"
    echo "$OUT/gitops-verify"
    exit 0
  fi
}
reuse_if_built
# ./run-tests builds this in the background while a test may ask for it: one builds, the other
# waits and reuses.
mkdir -p "$OUT"
exec 9>"$OUT/.build.lock"
flock 9
reuse_if_built

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[[ -x "$GO" ]] || { log "Go toolchain not found (set GO=/path/to/go)"; exit 2; }

export GOMODCACHE="$CACHE_ROOT/go/mod"
export GOCACHE="$CACHE_ROOT/go/build"
export GOTOOLCHAIN=go1.27.3
export GOFLAGS=-mod=readonly
export CGO_ENABLED=0

mkdir -p "$OUT"
log "building gitops-verify with $("$GO" version) into $OUT"
(cd "$here" && "$GO" build -trimpath -ldflags="-s -w" -o "$OUT/gitops-verify.tmp" .)
mv "$OUT/gitops-verify.tmp" "$OUT/gitops-verify"
echo "$OUT/gitops-verify"
