#!/usr/bin/env bash
# The whole test suite: typecheck, dependency boundaries, unit/component tests, then e2e with real clients.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx --no-install tsc -p tsconfig.json --noEmit
echo "== boundaries"; node --import tsx scripts/check-boundaries.ts
echo "== unit"; bash scripts/unit.sh
echo "== e2e (real clients, private network namespace)"; bash scripts/e2e.sh
