#!/usr/bin/env bash
# `npm run demo`: a throwaway UCS-like directory with sample users, the pascom simulator, and
# the connector serving its admin page. Sets up what is missing first (Debian packages, npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh --no-browser
bash scripts/ensure-node-deps.sh
exec node --import tsx scripts/demo.ts "$@"
