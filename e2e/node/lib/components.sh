# How each component of the one-node cluster is configured and started. The one place that says
# how this node differs from a production one, and why.
# shellcheck shell=bash

# start NAME COMMAND...: runs COMMAND in a session of its own, logs to $LOGS/NAME.log, pid in
# $RUN_DIR/NAME.pid (what `down` stops).
start() {
  local name=$1
  shift
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# await WHAT SECONDS COMMAND...: polls COMMAND until it succeeds; on timeout names the log to read.
await() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      say "$what did not come up in ${seconds}s; see $LOGS/"
      return 1
    fi
    sleep 0.5
  done
}

alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

start_etcd() {
  local url=http://127.0.0.1:$ETCD_PORT peer=http://127.0.0.1:$ETCD_PEER_PORT
  rm -rf "$NODE_HOME/etcd"
  # A test cluster's data is thrown away at `down`: fsync would only slow every write.
  start etcd "$K8S_BIN/etcd" --name=imagebatch-node --data-dir="$NODE_HOME/etcd" \
    --listen-client-urls="$url" --advertise-client-urls="$url" \
    --listen-peer-urls="$peer" --initial-advertise-peer-urls="$peer" \
    --initial-cluster=imagebatch-node="$peer" --unsafe-no-fsync=true --log-level=warn
  await etcd 30 curl -fsS "$url/health"
}

start_apiserver() {
  local issuer=https://kubernetes.default.svc.cluster.local
  # Listens on the machine's own address: pods reach it through the kubernetes Service
  # (kube-proxy), the kubelet and people through the kubeconfig. NodeRestriction and the Node
  # authorizer make the kubelet a real node, not an admin.
  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
    --cert-dir="$NODE_HOME/apiserver-certs" \
    --tls-cert-file="$PKI/kube-apiserver.crt" --tls-private-key-file="$PKI/kube-apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer="$issuer" --api-audiences="$issuer" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction,PodSecurity \
    --allow-privileged=false --profiling=false
  await kube-apiserver 60 kubectl_admin get --raw /readyz
}

start_controller_manager() {
  # All default controllers (node lifecycle, service accounts and their tokens, Jobs, GC, ...),
  # each with its own ServiceAccount's credentials, as a production control plane runs them.
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$NODE_HOME/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="$NODE_HOME/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$NODE_HOME/kube-controller-manager.kubeconfig" \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=10257 \
    --cert-dir="$NODE_HOME/controller-manager-certs"
}

start_scheduler() {
  start kube-scheduler "$NODE_BIN/kube-scheduler" \
    --kubeconfig="$NODE_HOME/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$NODE_HOME/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$NODE_HOME/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=10259 \
    --cert-dir="$NODE_HOME/scheduler-certs"
}

write_containerd_config() {
  mkdir -p "$NODE_HOME/containerd" "$NODE_HOME/cni/net.d"
  # Its own root, state and socket, so a system containerd is never touched. runc (crun refuses
  # cgroup v1 hybrid), cgroupfs (no systemd here), restrict_oom_score_adj (no CAP_SYS_RESOURCE),
  # and a pause image imported from a local build (no registry).
  cat >"$NODE_HOME/containerd/config.toml" <<EOF
version = 2
root = "$NODE_HOME/containerd/root"
state = "$RUN_DIR/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.opt"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$NODE_HOME/cni/net.d"
EOF
  # The bridge plugin: one bridge of our own, host-local addresses, no masquerade (pods never
  # leave this machine), the bridge as the pods' gateway so they reach this machine's address.
  cat >"$NODE_HOME/cni/net.d/10-imagebatch.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "imagebatch-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$NODE_HOME/cni/ipam"
      }
    },
    {"type": "loopback"}
  ]
}
EOF
}

start_containerd() {
  write_containerd_config
  start containerd containerd --config "$NODE_HOME/containerd/config.toml"
  await containerd 30 ctr --address "$CONTAINERD_SOCK" version
}

# import_image ARCHIVE NAME: an OCI archive into the kubelet's namespace, unless NAME is there.
import_image() {
  local archive=$1 name=$2
  if ctr --address "$CONTAINERD_SOCK" -n k8s.io images check "name==$name" 2>/dev/null | grep -q .; then
    return 0
  fi
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$archive" >/dev/null
}

# The pause program as an image: one static binary, one layer.
pause_archive() {
  local archive=$NODE_HOME/images/pause.tar dir
  [ -f "$archive" ] && [ "$archive" -nt "$NODE_BIN/pause" ] && { echo "$archive"; return; }
  mkdir -p "$NODE_HOME/images"
  dir=$(mktemp -d)
  cp "$NODE_BIN/pause" "$dir/pause"
  tar -C "$dir" -cf "$dir/rootfs.tar" pause
  "$HERE/images/podman" import --quiet --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535' \
    "$dir/rootfs.tar" "$PAUSE_IMAGE" >/dev/null
  rm -f "$archive"
  "$HERE/images/podman" save --quiet --format oci-archive -o "$archive" "$PAUSE_IMAGE" >/dev/null
  rm -rf "$dir"
  echo "$archive"
}

write_kubelet_config() {
  mkdir -p "$NODE_HOME/kubelet"
  # Pods resolve nothing through this machine's resolver: a name lookup fails at once inside the
  # pod instead of asking a DNS server elsewhere (tests use addresses, never names).
  echo "nameserver 127.0.0.1" >"$NODE_HOME/kubelet/resolv.conf"
  cat >"$NODE_HOME/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroup v1 (hybrid), which 1.35 refuses unless told; no systemd to delegate to.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
resolvConf: $NODE_HOME/kubelet/resolv.conf
clusterDomain: cluster.local
volumePluginDir: $NODE_HOME/kubelet/volume-plugins
# A developer machine's disk is shared with everything else: evict only when it is really full,
# and never garbage-collect images (there is no registry to pull them from again).
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
}

# The kubelet's parent cgroup in every hierarchy (it refuses a cgroupRoot with missing paths). A
# v1 cpuset child starts with no CPUs and no memory nodes: it gets its parent's.
create_cgroups() {
  local hierarchy dir
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -L "${hierarchy%/}" ] && continue
    dir=$hierarchy${CGROUP_ROOT#/}
    mkdir -p "$dir"
    if [ -f "$hierarchy/cpuset.cpus" ]; then
      cat "$hierarchy/cpuset.cpus" >"$dir/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" >"$dir/cpuset.mems"
    fi
  done
}

start_kubelet() {
  create_cgroups
  write_kubelet_config
  start kubelet "$NODE_BIN/kubelet" --config="$NODE_HOME/kubelet/config.yaml" \
    --kubeconfig="$NODE_HOME/kubelet.kubeconfig" --root-dir="$NODE_HOME/kubelet/root" \
    --cert-dir="$NODE_HOME/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
    --v=1
}

start_kube_proxy() {
  # iptables mode; conntrack limits and localhost node ports left alone, so it changes no sysctl
  # it need not.
  start kube-proxy "$NODE_BIN/kube-proxy" --kubeconfig="$NODE_HOME/kube-proxy.kubeconfig" \
    --proxy-mode=iptables --cluster-cidr="$POD_CIDR" --hostname-override="$NODE_NAME" \
    --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 \
    --conntrack-tcp-timeout-close-wait=0 --iptables-localhost-nodeports=false \
    --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256
}

# The FORWARD guard: pod traffic stays between the pods and this machine.
guard_forwarding() {
  iptables -w -N "$GUARD_CHAIN" 2>/dev/null || iptables -w -F "$GUARD_CHAIN"
  iptables -w -A "$GUARD_CHAIN" -s "$POD_CIDR" -d "$POD_CIDR" -j RETURN
  iptables -w -A "$GUARD_CHAIN" -s "$POD_CIDR" -j DROP
  iptables -w -C FORWARD -j "$GUARD_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$GUARD_CHAIN"
}
