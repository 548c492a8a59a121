#!/usr/bin/env bash
# Install the Debian packages of the Swift s3api test gateway (tests/server/swift/start.sh)
# when missing. Needs root for apt. Only installs: the packages' own services are not used
# (start.sh runs its servers from its own directory), and none is left running.
set -euo pipefail

packages=(swift swift-proxy swift-account swift-container swift-object python3-swift memcached curl)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
[ "$(id -u)" = 0 ] || { echo "swift/install.sh: packages missing (${missing[*]}) and not root to install them" >&2; exit 1; }
echo "swift/install.sh: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_install() {
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
}
if ! apt_install; then
    apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null >&2 || true # a fresh machine has no lists
    apt_install
fi
