#!/usr/bin/env bash
# Brings HiveMatrix up on embedded defaults (see README.md). Installs what it needs first.
set -euo pipefail
source "$(dirname "$0")/scripts/env.sh"
cd "$HM_ROOT"
exec tsx scripts/start.ts "$@"
