#!/usr/bin/env bash
# Runs every unit and component test (*.test.ts beside the code, and the e2e helpers' own under test/support) with node:test through tsx.
# Usage: scripts/unit.sh [dir…]   e.g. scripts/unit.sh src/conf src/auth
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=(src scripts test/support)
mapfile -t files < <(find "${dirs[@]}" -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files under ${dirs[*]}" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency=2 --test-reporter=spec "${files[@]}"
