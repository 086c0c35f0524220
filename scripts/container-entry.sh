#!/bin/sh
# The container image's entry point: runs one service's production build, chosen by the first
# argument (`docker run hivematrix codex`, or `args: [codex]` in Kubernetes). Plain node, no tsx.
set -eu
service="${1:-}"
case "$service" in
  '' | *[!a-z0-9-]*)
    echo "usage: <service> (nexus, core, identity, codex, ledger, knowledgetree, beacon, brainhair, template, helm)" >&2
    exit 64
    ;;
esac
shift
entry="/app/services/$service/dist/main.js"
if [ ! -f "$entry" ]; then
  echo "no built service called $service in this image" >&2
  exit 64
fi
exec node "$entry" "$@"
