# Taking the node down, also after a crash: pods through CRI (so CNI releases their networks),
# then every component by pid, then what they leave on the host: mounts, cgroups, the bridge,
# iptables chains and the sysctls the kubelet and kube-proxy changed.
# shellcheck shell=bash

# The sysctls a kubelet (protectKernelDefaults: false), kube-proxy or the CNI bridge may set.
SYSCTL_PATTERN='^(vm\.(overcommit_memory|panic_on_oom)|kernel\.(panic|panic_on_oops|keys\.root_max(keys|bytes))|net\.ipv4\.(ip_forward|conf\.(all|default)\.(forwarding|route_localnet|rp_filter))|net\.bridge\.bridge-nf-call-ip(6)?tables|net\.netfilter\.nf_conntrack_(max|tcp_timeout_(established|close_wait))) '

save_sysctls() {
  # After a crash the file of the crashed run still holds what the host had: keep it.
  [ -f "$SAVED_SYSCTLS" ] && return 0
  sysctl -a 2>/dev/null | grep -E "$SYSCTL_PATTERN" >"$SAVED_SYSCTLS.tmp" || true
  mv "$SAVED_SYSCTLS.tmp" "$SAVED_SYSCTLS"
}

restore_sysctls() {
  [ -f "$SAVED_SYSCTLS" ] || return 0
  local key value now
  while IFS='=' read -r key value; do
    key=${key% }
    value=${value# }
    now=$(sysctl -n "$key" 2>/dev/null) || continue
    if [ "$now" != "$value" ]; then
      sysctl -qw "$key=$value" 2>/dev/null && say "restored $key = $value (was $now)"
    fi
  done <"$SAVED_SYSCTLS"
  rm -f "$SAVED_SYSCTLS"
}

# stop_pid NAME: TERM, then KILL after 20 s.
stop_pid() {
  local name=$1 pid i
  [ -f "$RUN_DIR/$name.pid" ] || return 0
  pid=$(cat "$RUN_DIR/$name.pid")
  # The watchdog runs `down` itself: it must not stop the process doing the stopping.
  if [ "$pid" = "$$" ]; then
    rm -f "$RUN_DIR/$name.pid"
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    # Each component leads a process group of its own (setsid): stop its helpers with it.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
    # Reaped by the shell that started it, or by init: wait until the pid is gone.
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# Every pod sandbox stopped and removed through CRI: containers killed, CNI DEL run (the veth and
# the address released). After a crash containerd is started again just for this.
remove_pods() {
  [ -d "$NODE_HOME/containerd/root" ] || return 0
  local started=false
  if ! alive containerd; then
    [ -f "$NODE_HOME/containerd/config.toml" ] || return 0
    start containerd containerd --config "$NODE_HOME/containerd/config.toml"
    await containerd 30 ctr --address "$CONTAINERD_SOCK" version || return 0
    started=true
  fi
  local crictl=("$NODE_BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --timeout 60s)
  "${crictl[@]}" stopp $("${crictl[@]}" pods -q 2>/dev/null) >/dev/null 2>&1 || true
  "${crictl[@]}" rmp -a -f >/dev/null 2>&1 || true
  $started && stop_pid containerd
  return 0
}

# Anything still mounted under the node's directories, deepest first.
unmount_all() {
  local m
  for m in $(awk -v a="$NODE_HOME" -v b="$RUN_DIR" '$2 ~ "^"a || $2 ~ "^"b {print $2}' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
  done
  # Network namespaces of pods whose sandbox could not be stopped through CRI.
  for m in $(awk '$2 ~ "^/run/netns/cni-" {print $2}' /proc/self/mounts); do
    [ -n "$(ip netns pids "$(basename "$m")" 2>/dev/null)" ] && continue
    ip netns delete "$(basename "$m")" 2>/dev/null || true
  done
}

# The kubelet's cgroup tree in every v1 hierarchy (and v2, if mounted there), deepest first;
# a cgroup with a process left in it is killed first.
remove_cgroups() {
  local hierarchy dir
  for hierarchy in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [ -d "$hierarchy${CGROUP_ROOT#/}" ] || continue
    while read -r dir; do
      if [ -f "$dir/cgroup.procs" ] && [ -s "$dir/cgroup.procs" ]; then
        xargs -r kill -KILL <"$dir/cgroup.procs" 2>/dev/null || true
      fi
      rmdir "$dir" 2>/dev/null || true
    done < <(find "$hierarchy${CGROUP_ROOT#/}" -depth -type d 2>/dev/null)
  done
}

remove_network() {
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  if iptables -w -L "$GUARD_CHAIN" -n >/dev/null 2>&1; then
    iptables -w -D FORWARD -j "$GUARD_CHAIN" 2>/dev/null || true
    iptables -w -F "$GUARD_CHAIN"
    iptables -w -X "$GUARD_CHAIN"
  fi
  # kube-proxy's own cleanup removes its KUBE-* chains in the iptables and nftables backends.
  [ -x "$NODE_BIN/kube-proxy" ] && "$NODE_BIN/kube-proxy" --cleanup --v=0 >/dev/null 2>&1 || true
  # The kubelet's canary and firewall chains.
  local table chain
  for table in filter nat mangle; do
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
      iptables -w -t "$table" -S | awk -v c="$chain" '$1 == "-A" && $0 ~ "-j "c"( |$)" {sub(/^-A/, "-D"); print}' |
        while read -r rule; do eval "iptables -w -t $table $rule" 2>/dev/null || true; done
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
  rm -rf "$NODE_HOME/cni/ipam"
}

# down: everything `up` started or changed, in reverse. Safe to run twice, and after a crash.
teardown() {
  stop_pid kube-proxy
  stop_pid kubelet
  remove_pods
  local c
  for ((c = ${#COMPONENTS[@]} - 1; c >= 0; c--)); do
    stop_pid "${COMPONENTS[c]}"
  done
  stop_pid watchdog
  # Shims of containers that were not removed (containerd gone before CRI could remove them).
  pkill -KILL -f "containerd-shim-runc-v2 -namespace k8s.io -id .* -address $CONTAINERD_SOCK" 2>/dev/null || true
  unmount_all
  remove_cgroups
  remove_network
  restore_sysctls
  rm -rf "$NODE_HOME/etcd" "$NODE_HOME/kubelet/root" "$NODE_HOME/cluster.env" "$NODE_HOME/volumes" "$RUN_DIR"
}
