#!/usr/bin/env bash
# qd serve's page draws its charts with uPlot, fetched from npm at set-up: the version is pinned in
# src/QdFunctional.Serve/web/package.json and package-lock.json (which record no download host), and
# node_modules is never committed. Sourced by tools/setup.sh; run it alone to fetch again.
qd_web_assets() {
  local web="$root/src/QdFunctional.Serve/web"
  [ -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "setup: qd serve shows no charts until npm fetches uPlot: apt-get install npm, then run ./qd again" >&2
    return 0
  fi
  echo "setup: fetching uPlot for qd serve (npm ci)..." >&2
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    echo "setup: npm ci failed in $web; qd serve will show no charts" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  root="$(cd "$(dirname "$0")/.." && pwd)"
  rm -rf "$root/src/QdFunctional.Serve/web/node_modules"
  qd_web_assets
fi
