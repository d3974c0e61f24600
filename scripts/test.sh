#!/usr/bin/env bash
# `npm test`: set up what is missing, build (the packaging tests import dist/), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
bash scripts/ensure-node-deps.sh
npm run --silent build
exec npx vitest run "$@"
