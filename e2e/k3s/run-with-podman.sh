#!/usr/bin/env bash
# Runs the k3s suite against podman's Docker API instead of a Docker daemon: starts
# `podman system service` on a private socket (with the image store of e2e/node/images/podman, so
# the base images build.sh made are there for Dockerfile.runner), runs the suite with DOCKER_HOST
# pointing at it, and stops the service by its pid when the suite ends, however it ends.
#
#   e2e/k3s/run-with-podman.sh [more Maven arguments, e.g. -Poperator-image]
#
# The suite needs the k3s node image (rancher/k3s) in podman's store or a registry to pull it
# from: without either it is skipped, and the reason says so. Testcontainers' Ryuk is switched off
# (its image would have to be pulled too); the suite stops its containers itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

api_dir="$(mktemp -d /tmp/imagebatch-podman-api.XXXXXX)"
socket="$api_dir/podman.sock"
"$ROOT/e2e/node/images/podman" system service --time=0 "unix://$socket" >"$api_dir/service.log" 2>&1 &
service_pid=$!
stop_service() {
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  rm -rf "$api_dir"
}
trap stop_service EXIT

for _ in $(seq 100); do
  [[ -S "$socket" ]] && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$api_dir/service.log" >&2; exit 1; }
  sleep 0.1
done
[[ -S "$socket" ]] || { echo "podman's API socket $socket did not appear" >&2; exit 1; }

export DOCKER_HOST="unix://$socket"
export TESTCONTAINERS_RYUK_DISABLED=true
cd "$ROOT"
./mvnw -B -ntp -pl e2e/k3s -am verify \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*E2E' -Dfailsafe.failIfNoSpecifiedTests=false "$@"
