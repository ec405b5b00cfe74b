#!/usr/bin/env bash
# The whole test suite: typecheck, dependency boundaries, unit/component tests, then e2e with real clients.
set -euo pipefail
cd "$(dirname "$0")/.."
# The e2e tests at the end need root: say so now rather than after the unit tests.
if [ "$(id -u)" != 0 ]; then
  echo "npm test needs root for its end-to-end tests: as root: npm test; otherwise: sudo npm test" >&2
  echo "(without root, 'npm run typecheck', 'npm run lint' and 'npm run test:unit' run the other tiers)" >&2
  exit 1
fi
# The real clients first: some unit tests check what our muxers write with ffprobe.
echo "== real clients"; bash scripts/ensure-clients.sh
# The UDP batching addon again, now that the compiler is surely there (npm ci may have run without it).
echo "== native addon"; bash scripts/build-native.sh
echo "== typecheck"; npx --no-install tsc -p tsconfig.json --noEmit
echo "== boundaries"; node --import tsx scripts/check-boundaries.ts
echo "== unit"; bash scripts/unit.sh
echo "== e2e (real clients, private network namespace)"; bash scripts/e2e.sh
