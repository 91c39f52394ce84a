# Certificates and kubeconfigs for the one-node cluster, made with openssl: one CA, a serving
# certificate per server, a client certificate per component with the identity RBAC expects
# (system:kube-scheduler, system:node:<name>, ...), so nothing runs as admin that need not.
# shellcheck shell=bash

# cert NAME CN [O] [SANS]: a key and a certificate signed by the CA; SANS like "IP:1.2.3.4,DNS:x".
cert() {
  local name=$1 cn=$2 org=${3:-} sans=${4:-} subj ext
  subj="/CN=$cn"
  [ -z "$org" ] || subj="/O=$org$subj"
  ext=$(mktemp)
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$sans" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -subj "$subj" \
    -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -CAcreateserial -days 30 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$ext" "$PKI/$name.csr"
}

# kubeconfig NAME: a kubeconfig for the client certificate NAME, pointing at the API server.
kubeconfig() {
  local name=$1 file=${2:-$NODE_HOME/$1.kubeconfig}
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: imagebatch-node
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $name
  user:
    client-certificate: $PKI/$name.crt
    client-key: $PKI/$name.key
contexts:
- name: imagebatch-node
  context: {cluster: imagebatch-node, user: $name}
current-context: imagebatch-node
EOF
}

make_pki() {
  rm -rf "$PKI"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  openssl req -x509 -new -newkey rsa:2048 -nodes -days 30 -subj "/CN=imagebatch-node-ca" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  cert kube-apiserver kube-apiserver "" \
    "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert kubelet-serving "system:node:$NODE_NAME" system:nodes "IP:$NODE_IP,DNS:$NODE_NAME"
  cert admin imagebatch-admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert kube-controller-manager system:kube-controller-manager
  cert kube-scheduler system:kube-scheduler
  cert kubelet "system:node:$NODE_NAME" system:nodes
  cert kube-proxy system:kube-proxy
  kubeconfig admin "$KUBECONFIG_ADMIN"
  local c
  for c in kube-controller-manager kube-scheduler kubelet kube-proxy; do kubeconfig "$c"; done
  chmod 600 "$NODE_HOME"/*.kubeconfig "$KUBECONFIG_ADMIN"
}
