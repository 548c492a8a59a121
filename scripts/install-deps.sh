#!/usr/bin/env bash
# install-deps.sh -- the Debian packages s3mpu's native build and tests need,
# with the second S3 test gateway's (Swift s3api: tests/server/swift/install.sh);
# the wasm toolchains come with scripts/wasm-deps.sh, the RGW test server with
# tests/server/start.sh. Installs only what is missing; needs root for that
# (apt). Node.js 20+ and npm must already be present.
# --soak: also what scripts/soak.sh compares s3mpu with (boto3).
set -euo pipefail

# clang-14 and its runtimes: the asan preset and the libFuzzer targets. iproute2 (ip netns,
# tc): the emulated WAN links of the benchmark (bench/link/emulator.mjs).
packages=(cmake make gcc pkg-config libbearssl-dev libmxml-dev libcurl4-openssl-dev valgrind curl
	ca-certificates clang-format clang-14 libclang-rt-14-dev iproute2)
[ "${1:-}" = --soak ] && packages+=(python3-boto3)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: apt-get install ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=900 update -qq
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$(dirname "${BASH_SOURCE[0]}")/../tests/server/swift/install.sh"
command -v node >/dev/null || { echo "install-deps: Node.js 20+ is required" >&2; exit 1; }
