# The one-node cluster's fixed facts: where it lives, its names, addresses and ports.
# Sourced by e2e/node/cluster. Every path it creates is under NODE_HOME or RUN_DIR, so `down`
# knows exactly what to remove.
# shellcheck shell=bash

NODE_NAME=imagebatch-node
NODE_HOME=${IMAGEBATCH_NODE_HOME:-/var/lib/imagebatch-node}
RUN_DIR=${IMAGEBATCH_NODE_RUN:-/run/imagebatch-node}
LOGS=$NODE_HOME/logs
PKI=$NODE_HOME/pki
KUBECONFIG_ADMIN=$NODE_HOME/kubeconfig
SAVED_SYSCTLS=$NODE_HOME/sysctls.saved

# The pods' bridge and addresses. No masquerade and a FORWARD guard (IMAGEBATCH-NODE): pods reach
# this machine (API server, s3proxy, an HTTP server) and each other, never another address.
BRIDGE=ibnode0
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SERVICE_IP=10.96.0.1
GUARD_CHAIN=IMAGEBATCH-NODE

ETCD_PORT=32379
ETCD_PEER_PORT=32380
API_PORT=6443
KUBELET_PORT=10250
# cgroup v1: the kubelet's pods live under this parent in every hierarchy, removed by `down`.
CGROUP_ROOT=/imagebatch-node
CONTAINERD_SOCK=$RUN_DIR/containerd.sock
PAUSE_IMAGE=registry.k8s.io/pause:3.10

# The machine's own address (the default route's interface): the node IP and where the API server
# listens. Loopback is no node IP (the kubelet refuses it).
node_ip() {
  if [ -n "${IMAGEBATCH_NODE_IP:-}" ]; then
    echo "$IMAGEBATCH_NODE_IP"
    return
  fi
  local dev
  dev=$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}')
  [ -n "$dev" ] || { echo "no default route: set IMAGEBATCH_NODE_IP" >&2; return 1; }
  ip -4 -o addr show dev "$dev" | awk '{split($4, a, "/"); print a[1]; exit}'
}

# The components `up` starts, in order; `down` stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)
