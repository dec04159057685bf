#!/usr/bin/env bash
# Fetches Moddable's XS engine sources as shipped in the npm package @agoric/xsnap (pinned), into
# $1 (the unpacked package). The package's LGPL-3.0-or-later sources are used, never committed.
set -euo pipefail
dest=${1:?usage: fetch-xsnap.sh DIR}
version=0.15.0
# The tarball's SHA-256 as first fetched: npm checks the registry's integrity, this pins the bytes.
sha256=ba82e67dc4bf31a4f0084cd7eb251d0a9c9a671c914494d1f6c2fe61272ceceb
work=$(dirname "$dest")
mkdir -p "$work"
tgz="$work/agoric-xsnap-$version.tgz"
if [ ! -f "$tgz" ]; then
  (cd "$work" && npm pack "@agoric/xsnap@$version" --silent >/dev/null)
fi
got=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$sha256" ]; then
  echo "fetch-xsnap: $tgz has SHA-256 $got, expected $sha256" >&2
  exit 1
fi
rm -rf "$dest" "$work/package"
tar -xzf "$tgz" -C "$work"
[ "$work/package" = "$dest" ] || mv "$work/package" "$dest"
touch "$dest/.fetched"
