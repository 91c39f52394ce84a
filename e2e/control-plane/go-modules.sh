# Shared by the Go build scripts (e2e/control-plane/build.sh, e2e/node/build.sh): how a command is
# built from a published module without its repository.
# shellcheck shell=bash

# k8s_ldflags VERSION: the version stamps Kubernetes' hack/lib/version.sh sets. The apiserver
# derives its binary (and so emulation and compatibility) version from them; the others print them.
k8s_ldflags() {
  local version=$1 minor pkg flags="-s -w" date
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  minor="${version#v1.}"
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  echo "$flags"
}

# command_module NAME MODULE VERSION PACKAGE: in the current directory, a wrapper module that only
# requires MODULE@VERSION and pins the command PACKAGE, tidied (its go.sum written), so that
# `go build PACKAGE` builds it with the versions MODULE asks for. Needs GO set.
command_module() {
  local name=$1 module=$2 version=$3 package=$4
  printf 'module imagebatch.local/%s\n\ngo 1.26.0\n\nrequire %s %s\n' "$name" "$module" "$version" >go.mod
  printf '//go:build tools\n\n// Package tools only pins the command this module builds.\npackage tools\n\nimport _ "%s"\n' \
    "$package" >tools.go
  "$GO" mod tidy >&2
}
