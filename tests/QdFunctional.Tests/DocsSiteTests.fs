/// The documentation site (`./qd docs`): built once per test run (or taken from QD_DOCS_SITE when
/// that names a built one), every link inside it leads to a file that is there, and each tutorial
/// page shows its figures in Debian's chromium.
module DocsSiteTests

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Text.Json
open System.Text.RegularExpressions
open Expecto

/// The repository's root (the folder that holds QdFunctional.sln).
let private repository =
    lazy
        (let rec up (d: DirectoryInfo) =
            if isNull d then
                failwith "no QdFunctional.sln above the test's folder"
            elif File.Exists(Path.Combine(d.FullName, "QdFunctional.sln")) then
                d.FullName
            else
                up d.Parent

         up (DirectoryInfo AppContext.BaseDirectory))

/// The site's folder: QD_DOCS_SITE if it names a built site, else one built now into
/// TestResults/docs-site with tools/docs.sh (the tutorials run while it builds: minutes, once).
let private site =
    lazy
        (match Environment.GetEnvironmentVariable "QD_DOCS_SITE" with
         | null
         | "" ->
             let root = repository.Force()
             let out = Path.Combine(root, "TestResults", "docs-site")
             let log = Path.Combine(root, "TestResults", "docs-site.log")
             Directory.CreateDirectory(Path.GetDirectoryName log) |> ignore

             let info =
                 ProcessStartInfo(
                     "bash",
                     [
                         "-c"
                         // setup.sh restores nothing and builds nothing here: ./test has built already.
                         "source tools/setup.sh && source tools/pack.sh && source tools/docs.sh && qd_docs \"$1\" >\"$2\" 2>&1"
                         "docs"
                         out
                         log
                     ]
                 )

             info.WorkingDirectory <- root
             use p = Process.Start info

             if not (p.WaitForExit(TimeSpan.FromMinutes 20.0)) then
                 p.Kill true
                 failwithf "./qd docs took over 20 minutes; its log: %s" log

             if p.ExitCode <> 0 then
                 let tail = File.ReadAllLines log |> Array.rev |> Array.truncate 30 |> Array.rev
                 failwithf "./qd docs failed (exit %d):\n%s" p.ExitCode (String.Join("\n", tail))

             out
         | built when File.Exists(Path.Combine(built, "index.html")) -> Path.GetFullPath built
         | other -> failwithf "QD_DOCS_SITE=%s holds no index.html" other)

let private pages (dir: string) =
    Directory.GetFiles(dir, "*.html", SearchOption.AllDirectories) |> Array.sort

/// The root URL fsdocs wrote absolute links from (the template's `data-root`).
let private rootUrl (dir: string) =
    let m =
        Regex.Match(File.ReadAllText(Path.Combine(dir, "index.html")), "data-root=\"([^\"]*)\"")

    if m.Success then
        WebUtility.HtmlDecode m.Groups[1].Value
    else
        failwith "index.html has no data-root"

let private attribute =
    Regex("\\s(?:href|src)\\s*=\\s*\"([^\"]*)\"", RegexOptions.Compiled)

let private anchor =
    Regex("\\s(?:id|name)\\s*=\\s*\"([^\"]*)\"", RegexOptions.Compiled)

/// Where a link from `page` leads inside the site: Some (file, fragment), or None for a link out of
/// the site (another scheme or host, a fragment of the same page is Some (page, fragment)).
let private target (dir: string) (root: string) (page: string) (link: string) =
    let link = WebUtility.HtmlDecode link
    let hash = link.IndexOf '#'

    let path, fragment =
        if hash >= 0 then
            link.Substring(0, hash), link.Substring(hash + 1)
        else
            link, ""

    let path =
        match path.IndexOf '?' with
        | -1 -> path
        | q -> path.Substring(0, q)

    if path = "" then
        Some(page, fragment)
    elif path.StartsWith root then
        Some(Path.GetFullPath(Path.Combine(dir, Uri.UnescapeDataString(path.Substring root.Length))), fragment)
    elif Regex.IsMatch(path, "^[a-zA-Z][a-zA-Z0-9+.-]*:") || path.StartsWith "//" then
        // Another scheme or host: a file:// link outside the root is the site's mistake, the rest leave it.
        if path.StartsWith "file:" then
            Some(path, fragment)
        else
            None
    elif path.StartsWith "/" then
        Some(path, fragment)
    else
        Some(Path.GetFullPath(Path.Combine(Path.GetDirectoryName page, Uri.UnescapeDataString path)), fragment)

/// Every link inside the site that leads nowhere: (page, link, why).
let brokenLinks (dir: string) =
    let dir = Path.GetFullPath dir
    let root = rootUrl dir
    let anchors = Collections.Generic.Dictionary<string, Set<string>>()

    let anchorsOf (file: string) =
        match anchors.TryGetValue file with
        | true, a -> a
        | _ ->
            let a =
                anchor.Matches(File.ReadAllText file)
                |> Seq.map (fun m -> WebUtility.HtmlDecode m.Groups[1].Value)
                |> Set.ofSeq

            anchors[file] <- a
            a

    [
        for page in pages dir do
            for m in attribute.Matches(File.ReadAllText page) do
                let link = m.Groups[1].Value

                match target dir root page link with
                | None -> ()
                | Some(file, _) when not (file.StartsWith(dir + string Path.DirectorySeparatorChar)) ->
                    yield Path.GetRelativePath(dir, page), link, "leads outside the site"
                | Some(file, _) when not (File.Exists file) ->
                    yield Path.GetRelativePath(dir, page), link, "no such file"
                | Some(file, fragment) when
                    fragment <> ""
                    && file.EndsWith ".html"
                    && not (Set.contains (Uri.UnescapeDataString fragment) (anchorsOf file))
                    ->
                    yield Path.GetRelativePath(dir, page), link, "no such anchor"
                | Some _ -> ()
    ]
    |> List.distinct

/// The tutorials in docs/tutorials, each with the pictures its text shows (`![...](path)`).
let private tutorials () =
    let folder = Path.Combine(repository.Force(), "docs", "tutorials")

    [
        for script in Directory.GetFiles(folder, "*.fsx") |> Array.sort ->
            let figures =
                Regex.Matches(File.ReadAllText script, "!\\[[^\\]]*\\]\\(([^)\\s]+)\\)")
                |> Seq.map (fun m -> m.Groups[1].Value)
                |> List.ofSeq

            Path.GetFileNameWithoutExtension script, figures
    ]

let private needsChromium (body: unit -> unit) =
    if HeadlessChromium.available () then
        body ()
    else
        skiptest
            "chromium is not installed: apt-get install chromium (./test installs it when run as root, see tools/system-packages.sh)"

[<Tests>]
let tests =
    testSequenced
    <| testList
        "docs site"
        [
            testCase
                "every tutorial has a page with pictures, and the index links each of them, the pyribs page and the API reference"
            <| fun () ->
                let dir = site.Force()
                let index = File.ReadAllText(Path.Combine(dir, "index.html"))

                for name, figures in tutorials () do
                    Expect.isTrue (File.Exists(Path.Combine(dir, "tutorials", name + ".html"))) $"{name}: its page"
                    Expect.isNonEmpty figures $"{name}: a tutorial shows at least one picture"
                    Expect.isTrue (index.Contains $"href=\"tutorials/{name}.html\"") $"the index links {name}"

                Expect.isTrue (index.Contains "href=\"pyribs.html\"") "the index links the pyribs page"
                Expect.isTrue (index.Contains "href=\"reference/index.html\"") "the index links the API reference"

                // One page per namespace: the front, the core's archives, the engine, and the rest.
                for space in
                    [
                        "qdfunctional"
                        "qdfunctional-core-archives"
                        "qdfunctional-diff"
                        "qdfunctional-numerics"
                        "qdfunctional-physics"
                        "qdfunctional-gpu"
                        "qdfunctional-cluster"
                    ] do
                    Expect.isTrue
                        (File.Exists(Path.Combine(dir, "reference", space + ".html")))
                        $"the API reference has the namespace page {space}"

            testCase "every link inside the site (href and src) leads to a file there, and every #anchor to an element"
            <| fun () ->
                let dir = site.Force()
                Expect.isGreaterThan (pages dir).Length 100 "the API reference's pages are there"

                let broken =
                    brokenLinks dir |> List.map (fun (page, link, why) -> $"{page}: {link} ({why})")

                Expect.isEmpty
                    broken
                    $"{broken.Length} broken links, the first:\n{String.Join('\n', List.truncate 20 broken)}"

            testCase "each tutorial page shows its figures in chromium (every image loaded, naturalWidth > 0)"
            <| fun () ->
                needsChromium (fun () ->
                    let dir = site.Force()
                    use b = HeadlessChromium.launch ()

                    for name, figures in tutorials () do
                        let url = Uri(Path.Combine(dir, "tutorials", name + ".html")).AbsoluteUri
                        HeadlessChromium.navigate b url

                        let loaded =
                            HeadlessChromium.waitUntil
                                b
                                60.0
                                $"location.href === {JsonSerializer.Serialize url} && document.readyState === 'complete' && [...document.images].every(i => i.complete)"
                                (fun v -> v.ValueKind = JsonValueKind.True)

                        Expect.isTrue loaded $"{name}: the page and its images finished loading"

                        let shown =
                            HeadlessChromium.evaluate
                                b
                                "[...document.querySelectorAll('#content img')].map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight])"

                        let shown =
                            [
                                for i in shown.EnumerateArray() -> i[0].GetString(), i[1].GetInt32(), i[2].GetInt32()
                            ]

                        Expect.equal
                            (shown |> List.map (fun (src, _, _) -> src) |> List.sort)
                            (List.sort figures)
                            $"{name}: the page holds the figures its text names"

                        for src, width, height in shown do
                            Expect.isTrue (width > 0 && height > 0) $"{name}: {src} is shown ({width} × {height})")
        ]
