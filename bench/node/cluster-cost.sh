#!/usr/bin/env bash
# What the cluster path costs over local mode, on the real node (e2e/node/cluster up): one batch of
# N corpus photos (default 100: the 30 corpus images, copied under other names) from a volume to a
# volume, the same variants and libvips (Debian's 8.14, on the host and in the runner image),
#   local mode:  ./imagebatch run, --concurrency 2 (this machine's 2 cores)
#   cluster, 1 shard pod:  plan Job + 1 pod (the runner's concurrency: the node's 2 CPUs)
#   cluster, 2 shard pods: plan Job + 2 pods at once, each on half the photos
# Prints wall times, the ratios to local mode, and where the cluster's extra time goes: the plan
# pod, the shard pods' start (pod created -> container started), and the rest (manifest, status).
#
#   eval "$(sudo e2e/node/cluster up | tail -1)"
#   sudo bash bench/node/cluster-cost.sh [N]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-100}
env_file=${IMAGEBATCH_NODE_HOME:-/var/lib/imagebatch-node}/cluster.env
[ -f "$env_file" ] || { echo "no cluster: run e2e/node/cluster up first" >&2; exit 2; }
# shellcheck disable=SC1090
source "$env_file"
export KUBECONFIG
kubectl() { "$K8S_BIN/kubectl" "$@"; }
ns=bench-cluster-cost
work=$NODE_HOME/volumes/$ns
corpus=${IMAGEBATCH_CORPUS:-$HOME/.cache/imagebatch/corpus}
bash "$root/../shared/corpus/fetch.sh" "$corpus" >/dev/null

cleanup() {
  kubectl delete ns "$ns" --wait=false >/dev/null 2>&1 || true
  kubectl delete pv "$ns" --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
kubectl wait --for=delete "ns/$ns" --timeout=120s >/dev/null 2>&1 || true
rm -rf "$work"
mkdir -p "$work/in"
i=0
while [ "$i" -lt "$count" ]; do
  for f in "$corpus"/*.jpg "$corpus"/*.png; do
    [ "$i" -lt "$count" ] || break
    cp "$f" "$work/in/$(printf '%03d' "$i")-$(basename "$f")"
    i=$((i + 1))
  done
done

variants='
  variants:
    - { name: thumb, width: 400, formats: [webp, avif] }
    - { name: card, width: 800, height: 800, fit: cover, formats: [webp, jpeg] }'

# Local mode: the same YAML shape, directories instead of claims.
cat >"$work/local.yaml" <<YAML
apiVersion: imagebatch.io/v1alpha1
kind: ImageBatch
metadata: { name: local }
spec:
  source: { volume: { path: in/ } }
$variants
  output: { volume: { path: out-local/ }, overwrite: Always }
YAML
t0=$(date +%s%3N)
"$root/imagebatch" run "$work/local.yaml" --concurrency 2 >/dev/null
local_ms=$(($(date +%s%3N) - t0))

kubectl create ns "$ns" >/dev/null
cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: v1
kind: PersistentVolume
metadata: { name: $ns }
spec:
  capacity: { storage: 10Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  persistentVolumeReclaimPolicy: Retain
  claimRef: { namespace: $ns, name: photos }
  local: { path: $work }
  nodeAffinity: { required: { nodeSelectorTerms: [ { matchExpressions: [ { key: kubernetes.io/hostname, operator: In, values: [imagebatch-node] } ] } ] } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: photos, namespace: $ns }
spec: { accessModes: [ReadWriteOnce], storageClassName: "", volumeName: $ns, resources: { requests: { storage: 10Gi } } }
YAML
until kubectl -n "$ns" get sa default >/dev/null 2>&1; do sleep 0.2; done

cluster_run() { # NAME SHARD_SIZE PARALLELISM -> "wall_ms plan_s start_s"
  local name=$1 t0 wall
  cat <<YAML | { t0=$(date +%s%3N); kubectl apply -f - >/dev/null; echo "$t0" >"$work/$name.t0"; }
apiVersion: imagebatch.io/v1alpha1
kind: ImageBatch
metadata: { name: $name, namespace: $ns }
spec:
  source: { volume: { claimName: photos, path: in/ } }
$variants
  output: { volume: { claimName: photos, path: out-$name/ }, overwrite: Always }
  execution: { imagesPerShard: $2, parallelism: $3, resources: { requests: { cpu: 900m, memory: 1Gi }, limits: { memory: 2Gi } } }
YAML
  kubectl -n "$ns" wait --for=condition=Complete "ib/$name" --timeout=60m >/dev/null
  wall=$(($(date +%s%3N) - $(cat "$work/$name.t0")))
  # Pod timestamps have second granularity: the plan pod's life, and the shard pods' time from
  # creation to their container's start (image already on the node: no pull).
  kubectl -n "$ns" get pods -l "imagebatch.io/batch=$name" -o json | python3 -c '
import json, sys, datetime
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
plan = start = 0.0
for p in json.load(sys.stdin)["items"]:
    c = p["status"]["containerStatuses"][0]["state"]["terminated"]
    created = t(p["metadata"]["creationTimestamp"])
    if p["metadata"]["labels"].get("app.kubernetes.io/component") == "plan":
        plan = t(c["finishedAt"]) - created
    else:
        start = max(start, t(c["startedAt"]) - created)
print(sys.argv[1], plan, start)' "$wall"
}

read -r one_ms one_plan one_start < <(cluster_run one "$count" 1)
read -r two_ms two_plan two_start < <(cluster_run two $(((count + 1) / 2)) 2)

ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
echo "| $count photos, 2 variants x (webp, avif / webp, jpeg) | wall | vs local | plan pod | shard pod start |"
echo "| --- | --- | --- | --- | --- |"
echo "| local mode, --concurrency 2 | $((local_ms / 1000)).$(((local_ms % 1000) / 100)) s | 1.00x | - | - |"
echo "| cluster, 1 shard pod | $((one_ms / 1000)).$(((one_ms % 1000) / 100)) s | $(ratio "$one_ms" "$local_ms") | ${one_plan%.*} s | ${one_start%.*} s |"
echo "| cluster, 2 shard pods | $((two_ms / 1000)).$(((two_ms % 1000) / 100)) s | $(ratio "$two_ms" "$local_ms") | ${two_plan%.*} s | ${two_start%.*} s |"
