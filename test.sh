#!/usr/bin/env bash
# Runs every check: type-check, format, lint, unit tests, database tests, browser tests.
# Exits non-zero on the first failing stage. Installs what it needs first.
set -euo pipefail
source "$(dirname "$0")/scripts/env.sh"
cd "$HM_ROOT"

echo "==> Type-check (tsc)"
tsc -p tsconfig.json
echo "==> Format (prettier --check)"
prettier --check --log-level warn .
echo "==> Lint (eslint, layers)"
eslint --max-warnings 0 .
npm run --silent lint:layers
echo "==> Tests"
exec tsx scripts/run-tests.ts "$@"
