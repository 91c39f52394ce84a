#!/usr/bin/env bash
# Pod creation to the runner's first written variant, on a real node (e2e/node/cluster up): the
# runner image built from Dockerfile.runner, the bundled example's 6 images (a ConfigMap), local
# mode into the pod's /tmp. Each round creates one pod with the image's AOT cache and one without
# (IMAGEBATCH_JAVA_OPTS=-XX:AOTMode=off), so both see the same machine load; prints the medians.
#
#   eval "$(e2e/node/cluster up | tail -1)"
#   bash bench/node/pod-start.sh [ROUNDS]        # default 5
#
# Per pod: "create -> first variant" is from just before the API call to the "first variant
# written" log line's time; "JVM -> first variant" is the runner's own firstVariantMs (JVM start
# to the first variant). The difference is the kubelet, containerd, runc and the image's entrypoint.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-5}
env_file=${IMAGEBATCH_NODE_HOME:-/var/lib/imagebatch-node}/cluster.env
[ -f "$env_file" ] || { echo "no cluster: run e2e/node/cluster up first" >&2; exit 2; }
# shellcheck disable=SC1090
source "$env_file"
export KUBECONFIG
kubectl() { "$K8S_BIN/kubectl" "$@"; }
ns=bench-pod-start
kubectl delete ns "$ns" --ignore-not-found --wait=true >/dev/null
kubectl create ns "$ns" >/dev/null
kubectl label ns "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
trap 'kubectl delete ns "$ns" --wait=false >/dev/null 2>&1 || true' EXIT
until kubectl -n "$ns" get sa default >/dev/null 2>&1; do sleep 0.2; done

files=()
while IFS= read -r f; do files+=(--from-file="$(basename "$f")=$f"); done \
  < <(find "$root/examples/local/images" -name '*.jpg' -o -name '*.png')
kubectl -n "$ns" create configmap images "${files[@]}" >/dev/null
sed 's|volume: { path: images/ }|volume: { path: /data/images }|; s|volume: { path: out/ }|volume: { path: /tmp/out }|; s|overwrite: IfChanged.*|overwrite: Always|' \
  "$root/examples/local/batch.yaml" >"/tmp/pod-start-batch.yaml"
kubectl -n "$ns" create configmap batch --from-file=batch.yaml=/tmp/pod-start-batch.yaml >/dev/null

pod() { # NAME JAVA_OPTS
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: { name: $1 }
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: runner
      image: $RUNNER_IMAGE
      imagePullPolicy: Never
      args: [run, /etc/imagebatch/batch.yaml, --concurrency, "2"]
      env: [ { name: IMAGEBATCH_JAVA_OPTS, value: "$2" } ]
      resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { memory: 1Gi } }
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
      volumeMounts:
        - { name: batch, mountPath: /etc/imagebatch }
        - { name: images, mountPath: /data/images }
        - { name: tmp, mountPath: /tmp }
  volumes:
    - { name: batch, configMap: { name: batch } }
    - { name: images, configMap: { name: images } }
    - { name: tmp, emptyDir: {} }
YAML
}

measure() { # NAME JAVA_OPTS -> "create_to_first_ms jvm_to_first_ms"
  local t0 line
  t0=$(date +%s%3N)
  pod "$1" "$2" | kubectl -n "$ns" create -f - >/dev/null
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Succeeded "pod/$1" --timeout=120s >/dev/null
  line=$(kubectl -n "$ns" logs "$1" | grep '"first variant written"')
  python3 -c 'import json,sys,datetime
e=json.loads(sys.argv[1]); t=datetime.datetime.fromisoformat(e["time"].replace("Z","+00:00")).timestamp()*1000
print(round(t-int(sys.argv[2])), e["firstVariantMs"])' "$line" "$t0"
  kubectl -n "$ns" delete pod "$1" --wait=true >/dev/null
}

declare -a aot_create aot_jvm cold_create cold_jvm
for ((i = 1; i <= rounds; i++)); do
  read -r c j < <(measure "aot-$i" "")
  aot_create+=("$c"); aot_jvm+=("$j")
  read -r c j < <(measure "noaot-$i" "-XX:AOTMode=off")
  cold_create+=("$c"); cold_jvm+=("$j")
  echo "round $i: AOT cache ${aot_create[-1]} ms (JVM ${aot_jvm[-1]}), without ${cold_create[-1]} ms (JVM ${cold_jvm[-1]})" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
echo "| runner image | pod create -> first variant (median of $rounds) | JVM start -> first variant |"
echo "| --- | --- | --- |"
echo "| with its AOT cache | $(median "${aot_create[@]}") ms | $(median "${aot_jvm[@]}") ms |"
echo "| -XX:AOTMode=off | $(median "${cold_create[@]}") ms | $(median "${cold_jvm[@]}") ms |"
