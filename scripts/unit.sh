#!/usr/bin/env bash
# Runs every unit and component test (*.test.ts beside the code) with node:test through tsx.
# Usage: scripts/unit.sh [path-filter]   e.g. scripts/unit.sh src/conf
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find ${1:-src scripts} -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files under ${1:-src scripts}" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency=2 --test-reporter=spec "${files[@]}"
