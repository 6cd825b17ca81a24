#!/usr/bin/env bash
# `./qd docs [OUT] [--root URL]`: the documentation site, built with fsdocs (FSharp.Formatting) from
# docs/ (index, pages, literate tutorials) and the XML doc comments of the packable libraries.
# The tutorials are evaluated while the site is built (they load `#r "nuget: QdFunctional"`, so the
# libraries are packed first) and write their pictures under data/runs/tutorials/; those pictures
# are then copied beside the tutorial pages, where the pages' images point. fsdocs writes absolute
# links from a root: by default the output folder itself (file://OUT/), so the site opens from
# disk; `--root https://host/path/` builds it for a web server instead. Sourced after setup.sh and
# pack.sh; a relative OUT is taken from the current folder.
qd_docs() {
  local out="$root/data/site" site_root=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --root) site_root="${2:?--root needs a URL ending in /}"; shift 2 ;;
      -*) echo "docs: unknown option $1 (usage: ./qd docs [OUT] [--root URL])" >&2; return 2 ;;
      *) out="$1"; shift ;;
    esac
  done
  mkdir -p "$out" && out="$(cd "$out" && pwd)"
  cd "$root"
  # The output folder is emptied first: refuse one that holds anything but an earlier site
  # (marked by the file .qd-docs, written before the first build into it).
  if [ -n "$(ls -A "$out")" ] && [ ! -f "$out/.qd-docs" ]; then
    echo "docs: $out is not empty and holds no earlier site; name an empty or new folder" >&2
    return 2
  fi
  [ -n "$site_root" ] || site_root="file://$out/"
  qd_pack
  # Pictures come from this build's evaluation only, never from an earlier run of a tutorial.
  local pictures="$root/data/runs/tutorials"
  rm -rf "$pictures" "$out"/* "$root/.fsdocs"
  touch "$out/.qd-docs"
  local projects=()
  for p in QdFunctional/QdFunctional.fsproj QdFunctional.Core/QdFunctional.Core.csproj \
    QdFunctional.Diff/QdFunctional.Diff.csproj QdFunctional.Numerics/QdFunctional.Numerics.csproj \
    QdFunctional.Physics/QdFunctional.Physics.csproj QdFunctional.Gpu/QdFunctional.Gpu.csproj \
    QdFunctional.Robots/QdFunctional.Robots.fsproj QdFunctional.Devices/QdFunctional.Devices.fsproj \
    QdFunctional.Cluster/QdFunctional.Cluster.csproj; do
    projects+=("$root/src/$p")
  done
  # fsdocs reads the cluster library with the references of its project only: Orleans' generated
  # code needs the packages' whole closure (the CLI's build folder holds it) and ASP.NET Core's
  # shared framework. Each reference starts with a space, or fsdocs would take it for an option.
  local shared refs=() f
  shared="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2; p = $3 } END { gsub(/[][]/, "", p); print p "/" v }')"
  for f in "$root/src/QdFunctional.Cli/bin/Release/net10.0/"*.dll "$shared"/*.dll; do
    case "$(basename "$f")" in QdFunctional* | qd.dll | FSharp.Core.dll) ;; *) refs+=(" -r:$f") ;; esac
  done
  echo "docs: building the site into $out (the tutorials run: minutes)..." >&2
  # fsdocs keeps its cache in .fsdocs/ (ignored by git); its log goes there too.
  local log="$root/.fsdocs/build.log"
  mkdir -p "$root/.fsdocs"
  if ! dotnet fsdocs build --input docs --output "$out" --eval --strict \
    --properties Configuration=Release --projects "${projects[@]}" \
    --parameters root "$site_root" fsdocs-collection-name QdFunctional --fscoptions "${refs[@]}" >"$log" 2>&1; then
    grep -v '^   at ' "$log" | tail -n 40 >&2
    echo "docs: fsdocs failed (whole log: $log)" >&2
    return 1
  fi
  # fsdocs reports a snippet that failed to evaluate but builds the page all the same.
  if grep -E '\.(fsx|md): error' "$log" >&2; then
    echo "docs: a page's code failed to evaluate (whole log: $log)" >&2
    return 1
  fi
  if [ ! -d "$pictures" ]; then
    echo "docs: the tutorials wrote no pictures under data/runs/tutorials (whole log: $log)" >&2
    return 1
  fi
  (cd "$pictures" && find . -name '*.png' -exec cp --parents {} "$out/tutorials/" \;)
  # fsdocs links every type a signature or doc comment names, also those it writes no page for
  # (C# nested types, internal types a <see cref> names, Orleans' generated invokers): such links
  # become plain text, and the build says which.
  local dangling
  dangling="$(SITE_ROOT="$site_root" OUT="$out" find "$out/reference" -name '*.html' -exec perl -0pi -e '
    s{<a href="\Q$ENV{SITE_ROOT}\Ereference/([^"#]+)\.html(?:#[^"]*)?">(.*?)</a>}{
      -e "$ENV{OUT}/reference/$1.html" ? $& : do { print STDERR "$1\n"; $2 } }gse' {} + 2>&1 | sort -u)"
  [ -z "$dangling" ] ||
    echo "docs: fsdocs wrote no page for $(wc -l <<<"$dangling") linked types; their links are plain text: $(tr '\n' ' ' <<<"$dangling")" >&2
  # fsdocs copies its own package-source file and the tutorials' one; neither belongs on the site.
  rm -f "$out/NuGet.config" "$out/NuGet.Config" "$out/tutorials/NuGet.Config"
  echo "site: $out/index.html ($(du -sh "$out" | cut -f1), $(find "$out" -name '*.html' | wc -l) pages)"
}
