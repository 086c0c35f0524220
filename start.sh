#!/usr/bin/env bash
# Brings HiveMatrix up on embedded defaults (see README.md). Installs what it needs first (Node.js
# 24 when the machine's is older, npm dependencies), then starts the helm daemon in the
# background: it creates the configuration with new secrets on the first run, starts PostgreSQL
# and every service in dependency order, and this script returns once they are ready, printing the
# URL and where the admin password is. Running it again only prints the status.
# Stop with: npx hivematrix stop
set -euo pipefail
source "$(dirname "$0")/scripts/env.sh"
cd "$HM_ROOT"
exec node services/helm/bin/hivematrix.js start "$@"
