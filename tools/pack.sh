#!/usr/bin/env bash
# `./qd pack`: the libraries as NuGet packages in packages/, the folder scripts/ and docs/ name
# as a package source (their NuGet.Config), so `#r "nuget: QdFunctional"` loads this checkout's
# build. Sourced after setup.sh; packs only when the build is newer than the last pack.
qd_pack() {
  local out="$root/packages" stamp="$root/packages/.packed"
  local built="$root/src/QdFunctional.Cli/bin/Release/.built"
  if [ -f "$stamp" ] && [ -f "$built" ] && [ "$stamp" -nt "$built" ]; then
    return 0
  fi
  echo "pack: packing the libraries into packages/..." >&2
  rm -rf "$out"
  dotnet pack "$root/QdFunctional.sln" -c Release --no-build -nologo -v quiet -clp:ErrorsOnly >&2
  # The same version number with new contents: drop the copies NuGet extracted before, or
  # `dotnet fsi` would keep loading the old build from its package cache.
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}" file name
  for file in "$out"/*.nupkg; do
    name="$(basename "$file" .nupkg)"
    local id="${name%.*.*.*}" version="${name#"${name%.*.*.*}".}"
    rm -rf "$cache/${id,,}/$version"
  done
  touch "$stamp"
}
