#!/usr/bin/env bash
# Makes a stand-in for the registry's debian:<suite>-slim: `debootstrap --variant=minbase`, then
# trimmed the way the official slim image is (dpkg leaves out docs, man pages and locales, apt
# fetches no translations and keeps no .deb files), imported into the private image store.
#
#   make-debian-slim.sh SUITE IMAGE_NAME WORK_DIR        (SUITE: bookworm, ...)
#
# Root only (debootstrap creates device nodes and chroots). Environment: DEBIAN_MIRROR
# (http://deb.debian.org/debian; plain HTTP needs no CA certificate).
set -euo pipefail

suite="$1"
image="$2"
work="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rootfs="$work/debian-$suite-rootfs"

log() { echo "make-debian-slim: $*" >&2; }

# debootstrap mounts /proc and /sys inside the root while it installs; a failed run can leave them
# mounted, and removing the directory then would reach into the host's. Unmount first, deepest
# first, and refuse to delete anything still mounted.
unmount_below() {
  local dir="$1" mounts
  [[ -d "$dir" ]] || return 0
  mounts="$(findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 || $0 == d' | sort -r)"
  while read -r m; do
    [[ -n "$m" ]] && umount -l "$m"
  done <<<"$mounts"
  if findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 { found = 1 } END { exit !found }'; then
    log "still mounted below $dir; not deleting it"
    return 1
  fi
}

remove_rootfs() {
  unmount_below "$rootfs" && rm -rf "$rootfs"
}
trap remove_rootfs EXIT

remove_rootfs
mkdir -p "$work"
log "debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { log "debootstrap failed; see $work/debootstrap.log"; tail -5 "$work/debootstrap.log" >&2; exit 1; }

# What the official image's build (debuerreotype) configures: future apt installs stay slim too.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
# The same sources as the official image: the suite, its updates and security.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# What debootstrap already installed: drop the same paths, keep the copyright files.
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda}/* \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/root/.bash_history
# The resolver and hostname are the container engine's business.
: >"$rootfs/etc/resolv.conf"
: >"$rootfs/etc/hostname"

unmount_below "$rootfs"
# /dev, /proc and /sys are the runtime's; their contents stay out of the image.
tar -C "$rootfs" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
  | "$here/podman" import -q --change 'CMD ["bash"]' - "$image" >/dev/null
log "imported $image"
