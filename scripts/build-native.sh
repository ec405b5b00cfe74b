#!/usr/bin/env bash
# Builds the optional native addon native/udp-batch (sendmmsg for RTSP/UDP fan-out) with the system C compiler and the
# Node-API headers that come with Node. Run by npm at install (package.json "install"). Never fails: without Linux, a
# compiler or the headers it prints one line and exits 0, and the server then sends UDP with Node's dgram (slower).
# Usage: scripts/build-native.sh [output.node]   (default: native/udp-batch/build/udp_batch.node)
cd "$(dirname "$0")/.." || exit 0
src=native/udp-batch/udp_batch.c
out=${1:-native/udp-batch/build/udp_batch.node}
skip() { echo "udp-batch addon not built ($1): RTSP/UDP uses Node's dgram send"; exit 0; }
[ "$(uname -s)" = Linux ] || skip "sendmmsg is Linux only"
cc=${CC:-$(command -v cc || command -v gcc || command -v clang)}
[ -n "$cc" ] || skip "no C compiler"
# node_api.h: beside the running node (official tarballs, nvm), in the system include dir (Debian's nodejs), or node-gyp's cache.
node_bin=$(command -v node || true)
inc=""
for d in "${NODE_INCLUDE_DIR:-}" "${node_bin:+$(dirname "$(dirname "$node_bin")")/include/node}" /usr/include/node /usr/local/include/node \
  "$HOME/.cache/node-gyp/$(node -p process.versions.node 2>/dev/null)/include/node"; do
  if [ -n "$d" ] && [ -f "$d/node_api.h" ]; then inc=$d; break; fi
done
[ -n "$inc" ] || skip "no node_api.h found"
mkdir -p "$(dirname "$out")" || skip "cannot create $(dirname "$out")"
tmp="$out.tmp.$$"
if "$cc" -O2 -Wall -Wextra -shared -fPIC -I"$inc" -o "$tmp" "$src" 2>"$tmp.log"; then
  mv -f "$tmp" "$out" && rm -f "$tmp.log"
  echo "udp-batch addon built: $out"
else
  echo "udp-batch addon not built (compiler error, see below): RTSP/UDP uses Node's dgram send"
  head -20 "$tmp.log"; rm -f "$tmp" "$tmp.log"
fi
exit 0
