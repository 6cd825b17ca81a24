#!/usr/bin/env bash
# Set-up shared by ./qd, ./test and .ci/run: restore the local dotnet tools, derive the
# package feed from the SDK's own configured source (no committed file names a registry
# host), restore with Paket and build the solution in Release. Sourced, not executed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -z "${NUGET_FEED:-}" ]; then
  NUGET_FEED="$(dotnet nuget list source --format short | awk '$1 ~ /^E/ {print $2; exit}')"
  if [ -z "$NUGET_FEED" ]; then
    echo "setup: the .NET SDK has no enabled package source (dotnet nuget list source)" >&2
    exit 2
  fi
  export NUGET_FEED
fi

qd_setup_restore() {
  dotnet tool restore >/dev/null
  dotnet paket restore >/dev/null
}

source "$root/tools/web-assets.sh"

# Build when any source is newer than the last build stamp, so a warm ./qd starts at once.
qd_setup_build() {
  qd_web_assets
  local stamp="$root/src/QdFunctional.Cli/bin/Release/.built"
  if [ -f "$stamp" ] && [ -z "$(find src tests paket.lock Directory.Build.props -newer "$stamp" \
       \( -name '*.cs' -o -name '*.fs' -o -name '*.fsproj' -o -name '*.csproj' -o -name 'paket.*' -o -name '*.props' -o -name '*.xml' -o -path '*/wwwroot/*' \) \
       -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]; then
    return 0
  fi
  qd_setup_restore
  echo "setup: building QdFunctional (Release)..." >&2
  dotnet build QdFunctional.sln -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  touch "$stamp"
}
