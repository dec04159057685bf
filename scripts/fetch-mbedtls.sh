#!/usr/bin/env bash
# Fetches the pinned mbedTLS 3.6 source from Debian's source archive into $1 (an ignored folder).
# apt verifies the download against Debian's signed index; the system's apt setup is not touched
# (a private sources list and lists directory live under the destination's parent).
set -euo pipefail
dest=${1:?usage: fetch-mbedtls.sh DEST}
version=${MBEDTLS_DEB_VERSION:-3.6.6-0.1~deb13u1}
suite=${MBEDTLS_DEB_SUITE:-trixie}
[ -f "$dest/include/mbedtls/ssl.h" ] && exit 0

mkdir -p "$(dirname "$dest")"
work=$(cd "$(dirname "$dest")" && pwd)/apt-mbedtls
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -q)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/dl" && apt-get "${apt_opts[@]}" source --download-only "mbedtls=$version" 2>&1 \
  | grep -v "^W: Download is performed unsandboxed" || true)
orig=$(ls "$work/dl"/mbedtls_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { echo "mbedtls $version not found in Debian $suite sources" >&2; exit 1; }
mkdir -p "$dest"
tar -xf "$orig" -C "$dest" --strip-components=1
echo "  mbedTLS source: $(basename "$orig") -> $dest"
