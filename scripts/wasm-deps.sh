#!/usr/bin/env bash
# wasm-deps.sh -- BearSSL and mxml for wasm32, built from Debian's source
# packages, for the two wasm toolchains of s3mpu.
#
#   scripts/wasm-deps.sh [wasi|emscripten|all]     (default: all)
#
# For each toolchain it installs into build/deps-<toolchain>/ (include/,
# lib/libbearssl.a, lib/libmxml.a) only the parts of the libraries the core
# uses; cmake/s3mpu-deps.cmake finds them through S3MPU_DEPS_PREFIX (the
# "wasi" and "emscripten" presets set it). On a fresh Debian bookworm it
# first installs its tools with apt (as root) and adds a deb-src entry.
# Versions and SHA-256 of the source files are pinned below; work already
# done and verified is skipped. Nothing fetched here is committed
# (build/ is ignored).
#
# Debian's patches are applied (dpkg-source -x): the wasm build then runs
# the same code as the libbearssl-dev/libmxml-dev the native tests link,
# and mxml's patches carry a security fix (CVE-2026-5037, index_sort) and
# header fixes. bearssl has no patches; its "dfsg" tarball only lacks
# T0Comp.exe, a prebuilt tool for regenerating T0 code we do not build.
#
# mxml needs a config.h: ours is wasm/deps/mxml-config.h (what configure
# --disable-threads finds, plus size-driven stand-ins for printf/stdio/
# strtod in wasm/deps/mxml-shim.c; see that header for what changes).
#
# Environment: S3MPU_WASM_DEPS_CFLAGS (default "-Oz -flto" and the wasm
# features of cmake/toolchain-*.cmake), WASI_SYSROOT
# (a wasi-sdk sysroot instead of Debian's wasi-libc), NO_APT=1 (never call
# apt; fail if something is missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC_DIR=$ROOT/build/deps-src
# The same wasm features as the core (cmake/toolchain-*.cmake).
CFLAGS_DEPS=${S3MPU_WASM_DEPS_CFLAGS:--Oz -flto -mbulk-memory -mnontrapping-fptoint -msign-ext}
# Debian's emscripten with a Node that is not Debian's needs acorn's path.
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}

BEARSSL_VERSION=0.6+dfsg.1-3
BEARSSL_DIR=bearssl-0.6+dfsg.1
BEARSSL_FILES=(
	"bearssl_0.6+dfsg.1-3.dsc 9bd17e07fc9824b0223dcb4ba14adac17981a4d8f1d63b6655819fe8f2ed98d1"
	"bearssl_0.6+dfsg.1.orig.tar.xz 102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004"
	"bearssl_0.6+dfsg.1-3.debian.tar.xz 051264300dffd810e7ea08f8210d3f9f61773dcd322086c0cbd02bee8d1f73df"
)
MXML_VERSION=3.3.1-1+deb13u1~deb12u1
MXML_DIR=mxml-3.3.1
MXML_FILES=(
	"mxml_3.3.1-1+deb13u1~deb12u1.dsc 97e0a8cc9120cca196c07d069387c596fbfac808915f4315349ab89e73e486ae"
	"mxml_3.3.1.orig.tar.xz 83413d4dea692c27f94064cc7d5c0d5662e0905de54b8f5506bf4820f71bbcc0"
	"mxml_3.3.1-1+deb13u1~deb12u1.debian.tar.xz 4982f97023d952b784b8f956b75ccb813e0f386fcbf7d3643d91d53e7929350b"
)

# Only what the core uses: MD5 and the codec helpers it calls (SHA-256 and
# HMAC are the core's own; the whole library would be ~10x the code).
BEARSSL_SRCS=(src/hash/md5.c src/codec/dec32le.c src/codec/enc32le.c)
MXML_SRCS=(mxml-attr.c mxml-entity.c mxml-file.c mxml-get.c mxml-index.c
	mxml-node.c mxml-private.c mxml-string.c mxml-search.c mxml-set.c)
# mxml's config.h for wasm and small libc stand-ins (why: see the header).
MXML_CONFIG=$ROOT/wasm/deps/mxml-config.h
MXML_SHIM=$ROOT/wasm/deps/mxml-shim.c

APT_PACKAGES=(clang-14 lld lld-14 llvm-14 wasi-libc libclang-rt-14-dev-wasm32
	emscripten binaryen wabt nodejs dpkg-dev xz-utils cmake make gzip)

say() { printf 'wasm-deps: %s\n' "$*"; }
die() { printf 'wasm-deps: error: %s\n' "$*" >&2; exit 1; }

apt_updated=0
apt_update() {
	if [ "$apt_updated" = 0 ]; then
		say "apt-get update"
		apt-get -o DPkg::Lock::Timeout=900 update -qq
		apt_updated=1
	fi
}

ensure_packages() {
	local missing=() p
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
			|| missing+=("$p")
	done
	if [ ${#missing[@]} = 0 ]; then
		say "apt packages present"
		return
	fi
	[ "${NO_APT:-0}" = 1 ] && die "missing packages: ${missing[*]}"
	[ "$(id -u)" = 0 ] || die "missing packages (run as root): ${missing[*]}"
	apt_update
	say "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
		--no-install-recommends "${missing[@]}"
}

# deb-src: a copy of Debian's own entry with Types: deb-src.
ensure_deb_src() {
	local pins_ok=1
	apt-cache showsrc "bearssl" 2>/dev/null | grep -qx "Version: $BEARSSL_VERSION" || pins_ok=0
	apt-cache showsrc "mxml" 2>/dev/null | grep -qx "Version: $MXML_VERSION" || pins_ok=0
	if [ "$pins_ok" = 1 ]; then
		say "deb-src knows bearssl $BEARSSL_VERSION and mxml $MXML_VERSION"
		return
	fi
	[ "${NO_APT:-0}" = 1 ] && die "no deb-src entry for the pinned versions"
	[ "$(id -u)" = 0 ] || die "need root to add a deb-src entry"
	local src=/etc/apt/sources.list.d/debian.sources
	local dst=/etc/apt/sources.list.d/s3mpu-src.sources
	if [ -f "$src" ]; then
		sed 's/^Types:.*/Types: deb-src/' "$src" > "$dst.tmp"
	else
		printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$dst.tmp"
	fi
	mv "$dst.tmp" "$dst"
	say "wrote $dst"
	apt_updated=0
	apt_update
	apt-cache showsrc bearssl | grep -qx "Version: $BEARSSL_VERSION" \
		|| die "apt has no source for bearssl $BEARSSL_VERSION"
	apt-cache showsrc mxml | grep -qx "Version: $MXML_VERSION" \
		|| die "apt has no source for mxml $MXML_VERSION"
}

# files_ok NAME_SHA... : every file present with its pinned SHA-256.
files_ok() {
	local e f h
	for e in "$@"; do
		f=${e% *}; h=${e#* }
		[ -f "$SRC_DIR/$f" ] || return 1
		[ "$(sha256sum "$SRC_DIR/$f" | cut -d' ' -f1)" = "$h" ] || return 1
	done
}

fetch() { # fetch PKG VERSION DIR FILES...
	local pkg=$1 ver=$2 dir=$3; shift 3
	mkdir -p "$SRC_DIR"
	if files_ok "$@"; then
		say "$pkg $ver: sources present, SHA-256 verified"
	else
		say "$pkg $ver: apt-get source --download-only"
		(cd "$SRC_DIR" && apt-get -o APT::Sandbox::User=root source -qq --download-only "$pkg=$ver")
		local e f h got
		for e in "$@"; do
			f=${e% *}; h=${e#* }
			got=$(sha256sum "$SRC_DIR/$f" | cut -d' ' -f1)
			if [ "$got" != "$h" ]; then
				rm -f "$SRC_DIR/$f"
				die "$f: SHA-256 $got, pinned $h"
			fi
		done
		say "$pkg $ver: SHA-256 verified"
	fi
	local stamp="$SRC_DIR/$dir/.s3mpu-extracted"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
		say "$pkg $ver: already unpacked in build/deps-src/$dir"
		return
	fi
	rm -rf "${SRC_DIR:?}/$dir"
	# dpkg-source checks the tarballs against the (pinned) .dsc and applies
	# debian/patches.
	(cd "$SRC_DIR" && dpkg-source -q -x "${1%% *}" "$dir" >/dev/null 2>&1) \
		|| die "dpkg-source -x ${1%% *} failed"
	echo "$ver" > "$stamp"
	say "$pkg $ver: unpacked with Debian's patches into build/deps-src/$dir"
}

# Per toolchain: CC (array), AR.
setup_toolchain() {
	case $1 in
	wasi)
		CC=(clang-14 --target=wasm32-wasi)
		if [ -n "${WASI_SYSROOT:-}" ]; then
			CC+=(--sysroot="$WASI_SYSROOT")
		else
			# Debian's wasi-libc; keep the host's /usr/include out of sight.
			CC+=(-nostdlibinc -isystem /usr/include/wasm32-wasi)
		fi
		AR=llvm-ar-14
		;;
	emscripten)
		CC=(emcc)
		AR=emar
		;;
	*) die "unknown toolchain $1" ;;
	esac
}

# Per-file flags: mxml's own mxml_error and HTML entity table are renamed
# away, wasm/deps/mxml-shim.c has the small ones (why: mxml-config.h).
mxml_file_flags() {
	case $(basename "$1") in
	mxml-private.c) echo "-Dmxml_error=s3mpu_mxml_error_unused" ;;
	mxml-entity.c) echo "-D_mxml_entity_cb=s3mpu_mxml_html_entity_cb_unused" ;;
	esac
}

build_one() {
	local tc=$1 prefix=$ROOT/build/deps-$1
	setup_toolchain "$tc"
	local ccver
	# sed, not head: head exits after one line and, under pipefail, the
	# compiler's SIGPIPE on its later lines failed the script silently.
	ccver=$("${CC[0]}" --version 2>/dev/null | sed -n 1p)
	local want
	want=$(printf '%s\n' "bearssl $BEARSSL_VERSION" "mxml $MXML_VERSION" \
		"cc ${CC[*]} ($ccver)" "cflags $CFLAGS_DEPS" \
		"srcs ${BEARSSL_SRCS[*]} ${MXML_SRCS[*]}" \
		"$(sha256sum "$MXML_CONFIG" "$MXML_SHIM" | cut -d' ' -f1 | tr '\n' ' ')" "script 2")
	if [ -f "$prefix/.stamp" ] && [ "$(cat "$prefix/.stamp")" = "$want" ] \
		&& [ -f "$prefix/lib/libbearssl.a" ] && [ -f "$prefix/lib/libmxml.a" ] \
		&& [ -f "$prefix/include/mxml.h" ] && [ -f "$prefix/include/bearssl/bearssl_hash.h" ]; then
		say "$tc: build/deps-$tc up to date"
		return
	fi
	local t0=$SECONDS
	say "$tc: building into build/deps-$tc (${CC[*]} $CFLAGS_DEPS)"
	rm -rf "$prefix"
	mkdir -p "$prefix/obj/bearssl" "$prefix/obj/mxml" "$prefix/lib" \
		"$prefix/include/bearssl"
	local f o objs=()
	local -a flags
	read -r -a flags <<< "$CFLAGS_DEPS"
	flags+=(-DNDEBUG -g0 -w)

	for f in "${BEARSSL_SRCS[@]}"; do
		o=$prefix/obj/bearssl/$(basename "$f" .c).o
		"${CC[@]}" "${flags[@]}" -I"$SRC_DIR/$BEARSSL_DIR/inc" \
			-I"$SRC_DIR/$BEARSSL_DIR/src" -c "$SRC_DIR/$BEARSSL_DIR/$f" -o "$o"
		objs+=("$o")
	done
	"$AR" rcs "$prefix/lib/libbearssl.a" "${objs[@]}"

	# Our config.h (see wasm/deps/mxml-config.h) and its libc stand-ins.
	cp "$MXML_CONFIG" "$prefix/obj/mxml/config.h"
	objs=()
	for f in "${MXML_SRCS[@]/#/$SRC_DIR/$MXML_DIR/}" "$MXML_SHIM"; do
		o=$prefix/obj/mxml/$(basename "$f" .c).o
		# shellcheck disable=SC2046 # word splitting of the per-file flags
		"${CC[@]}" "${flags[@]}" $(mxml_file_flags "$f") -I"$prefix/obj/mxml" \
			-I"$SRC_DIR/$MXML_DIR" -c "$f" -o "$o"
		objs+=("$o")
	done
	"$AR" rcs "$prefix/lib/libmxml.a" "${objs[@]}"

	# Headers laid out as Debian installs them (include/bearssl/*.h).
	cp "$SRC_DIR/$BEARSSL_DIR"/inc/*.h "$prefix/include/bearssl/"
	cp "$SRC_DIR/$MXML_DIR/mxml.h" "$prefix/include/"
	cp "$SRC_DIR/$BEARSSL_DIR/LICENSE.txt" "$prefix/LICENSE.bearssl" 2>/dev/null || true
	cp "$SRC_DIR/$MXML_DIR/LICENSE" "$prefix/LICENSE.mxml" 2>/dev/null || true
	printf '%s\n' "$want" > "$prefix/.stamp"
	say "$tc: done in $((SECONDS - t0)) s: $(du -b "$prefix/lib/libbearssl.a" | cut -f1) B libbearssl.a, $(du -b "$prefix/lib/libmxml.a" | cut -f1) B libmxml.a"
}

main() {
	local which=${1:-all} tcs
	case $which in
	all) tcs=(wasi emscripten) ;;
	wasi|emscripten) tcs=("$which") ;;
	-h|--help) sed -n '2,29p' "$0"; exit 0 ;;
	*) die "usage: $0 [wasi|emscripten|all]" ;;
	esac
	ensure_packages
	ensure_deb_src
	fetch bearssl "$BEARSSL_VERSION" "$BEARSSL_DIR" "${BEARSSL_FILES[@]}"
	fetch mxml "$MXML_VERSION" "$MXML_DIR" "${MXML_FILES[@]}"
	local tc
	for tc in "${tcs[@]}"; do
		build_one "$tc"
	done
}

main "$@"
