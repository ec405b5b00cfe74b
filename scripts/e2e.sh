#!/usr/bin/env bash
# End-to-end tests with real FFmpeg/GStreamer clients, inside a private network namespace this script creates:
# ports can't clash with other programs, nothing leaves the machine, and multicast works on lo.
set -euo pipefail
cd "$(dirname "$0")/.."
# Root first: without it nothing below can run, and as root ensure-clients.sh installs what is missing.
if [ "$(id -u)" != 0 ]; then
  echo "the e2e tests create a network namespace and need root: as root: npm test; otherwise: sudo npm test" >&2
  exit 1
fi
bash scripts/ensure-clients.sh
# Usage: scripts/e2e.sh [file…]   (default: every test/e2e/*.e2e.test.ts)
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test/e2e -name '*.e2e.test.ts' | sort); fi
[ ${#files[@]} -gt 0 ] || { echo "no e2e tests found" >&2; exit 1; }
exec unshare -n -- bash -c '
  set -e
  ip link set lo up
  ip link set lo multicast on
  ip route add 224.0.0.0/4 dev lo
  echo "60000 65000" > /proc/sys/net/ipv4/ip_local_port_range
  exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@"
' e2e "${files[@]}"
