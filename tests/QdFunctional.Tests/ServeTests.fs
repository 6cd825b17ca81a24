/// `qd serve`: what the dashboard shows, what it refuses, and a run watched live in Debian's chromium.
module ServeTests

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Text.Json
open System.Text.RegularExpressions
open System.Threading
open Expecto
open QdFunctional.Serve

let private tempDir () =
    let d =
        Path.Combine(Path.GetTempPath(), "qd-serve-tests", Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory d |> ignore
    d

/// A small finished run written by the CLI in this process.
let private smallRun (dir: string) (extra: string list) =
    let code =
        QdFunctional.Cli.Program.main (
            List.toArray (
                [
                    "run"
                    "--dim"
                    "10"
                    "--iterations"
                    "20"
                    "--batch"
                    "8"
                    "--archive"
                    "grid:10x10"
                    "--checkpoint-every"
                    "5"
                    "--out"
                    dir
                    "--quiet"
                ]
                @ extra
            )
        )

    Expect.equal code 0 $"qd run {dir}"

/// A finished run of `qd run ARGS --out DIR --quiet` in this process.
let private cliRun (dir: string) (args: string list) =
    let code =
        QdFunctional.Cli.Program.main (List.toArray (("run" :: args) @ [ "--out"; dir; "--quiet" ]))

    Expect.equal code 0 $"qd run {dir}"

let private withDashboard (root: string) (test: HttpClient -> Uri -> unit) =
    let dashboard = Dashboard.StartAsync(root, "127.0.0.1", 0).GetAwaiter().GetResult()

    try
        use http =
            new HttpClient(BaseAddress = dashboard.Address, Timeout = TimeSpan.FromSeconds 30.0)

        test http dashboard.Address
    finally
        dashboard.DisposeAsync().AsTask().GetAwaiter().GetResult()

let private status (http: HttpClient) (url: string) =
    use r = http.GetAsync(url).GetAwaiter().GetResult()
    r.StatusCode

let private json (http: HttpClient) (url: string) =
    use r = http.GetAsync(url).GetAwaiter().GetResult()
    Expect.equal r.StatusCode HttpStatusCode.OK $"GET {url}"
    JsonDocument.Parse(r.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone()

let private runs (http: HttpClient) =
    [ for r in (json http "/api/runs").EnumerateArray() -> r ]

let private field (name: string) (e: JsonElement) = e.GetProperty(name).GetString()

/// The repository's root, where test artefacts go (TestResults/ is not committed).
let private artefacts () =
    let rec up (d: DirectoryInfo) =
        if isNull d then
            Path.GetTempPath()
        elif File.Exists(Path.Combine(d.FullName, "QdFunctional.sln")) then
            d.FullName
        else
            up d.Parent

    let dir =
        Path.Combine(up (DirectoryInfo AppContext.BaseDirectory), "TestResults", "serve")

    Directory.CreateDirectory dir |> ignore
    dir

let private needsChromium (body: unit -> unit) =
    if HeadlessChromium.available () then
        body ()
    else
        skiptest
            "chromium is not installed: apt-get install chromium (./test installs it when run as root, see tools/system-packages.sh)"

/// `qd` in a child process (the same runtime and build as these tests).
let private startQd (args: string list) =
    let info = ProcessStartInfo Environment.ProcessPath
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qd.dll"))

    for a in args do
        info.ArgumentList.Add a

    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    Process.Start info

let private stop (p: Process) =
    if not p.HasExited then
        p.Kill true
        p.WaitForExit 10000 |> ignore

[<Tests>]
let tests =
    testSequenced
    <| testList
        "serve"
        [
            testCase
                "the live metrics log keeps rows exactly; a resumed run's rows replace those logged past its checkpoint"
            <| fun () ->
                let dir = tempDir ()

                let row i t =
                    QdFunctional.Core.Metrics.MetricsRow(
                        i,
                        int64 (36 * i),
                        i,
                        0.1 / 3.0,
                        Math.PI * float i,
                        nan,
                        1e-300,
                        -0.0,
                        t
                    )

                // A run logs at most four rows a second, going by its own clock.
                let seen = ResizeArray()
                let observe = QdFunctional.LiveMetrics.tee dir seen.Add

                for i in 1..10 do
                    observe (row i (0.1 * float i))

                Expect.equal seen.Count 10 "every row is observed"

                let logged =
                    MetricsLogReader.ReadAll(Path.Combine(dir, QdFunctional.Core.Live.MetricsLog.FileName))

                Expect.equal (logged |> Array.map (fun r -> r.Iteration)) [| 1; 4; 7; 10 |] "a row every 0.25 s"
                Expect.equal logged[1] (row 4 0.4) "the logged row is the row, to the last bit (NaN included)"
                // Killed at 10, resumed from a checkpoint at 5: rows 6.. come again and win.
                let rows = ResizeArray(logged)
                let lines = [ for i in 6..8 -> QdFunctional.Core.Live.MetricsLog.Format(row i 9.0) ]
                MetricsLogReader.Add(rows, lines @ [ "half a li" ])
                Expect.equal [ for r in rows -> r.Iteration ] [ 1; 4; 6; 7; 8 ] "the resumed rows replace the old ones"
                // The archive-wide figures travel too; a line of the older, shorter layout reads them as NaN.
                let figured =
                    QdFunctional.Core.Metrics.MetricsRow(3, 9L, 2, 0.5, 1.0, 0.1, 2.0, 1.0, 0.7, 0.1 / 7.0, nan)

                let line = QdFunctional.Core.Live.MetricsLog.Format figured

                Expect.equal (QdFunctional.Core.Live.MetricsLog.Parse line) figured "a row with a figure, exactly"

                let old =
                    QdFunctional.Core.Live.MetricsLog.Parse(String.Join(',', line.Split(',')[..8]))

                Expect.equal
                    old
                    (QdFunctional.Core.Metrics.MetricsRow(3, 9L, 2, 0.5, 1.0, 0.1, 2.0, 1.0, 0.7))
                    "an old line"

                Expect.isTrue (Double.IsNaN old.GlobalHypervolume) "no figure in an old line"

            testCase
                "a live log an older build began gets the current header and padded lines when a newer build appends"
            <| fun () ->
                let dir = tempDir ()
                Directory.CreateDirectory dir |> ignore
                let path = Path.Combine(dir, QdFunctional.Core.Live.MetricsLog.FileName)
                let header = QdFunctional.Core.Live.MetricsLog.Header
                let oldHeader = String.Join(',', header.Split(',')[..8])

                let oldRow =
                    QdFunctional.Core.Metrics.MetricsRow(1, 36L, 3, 0.03, 9.0, 0.09, 4.0, 3.0, 0.1)

                let oldLine =
                    String.Join(',', QdFunctional.Core.Live.MetricsLog.Format(oldRow).Split(',')[..8])

                File.WriteAllLines(path, [| oldHeader; oldLine |])

                QdFunctional.Core.Live.MetricsLog.Append(
                    dir,
                    QdFunctional.Core.Metrics.MetricsRow(2, 72L, 5, 0.05, 15.0, 0.15, 4.5, 3.0, 0.2)
                )

                let lines = File.ReadAllLines path
                Expect.equal lines[0] header "the current header"
                let width = header.Split(',').Length

                for line in lines do
                    Expect.equal (line.Split(',').Length) width $"every line as wide as the header: {line}"

                Expect.equal (QdFunctional.Core.Live.MetricsLog.Parse lines[1]) oldRow "the old row reads the same"

            testCase "a path outside the served directory gets 404: '..', absolute, and a symlink leading out"
            <| fun () ->
                let top = tempDir ()
                let root = Path.Combine(top, "runs")
                let outside = Path.Combine(top, "secret")
                smallRun (Path.Combine(root, "ok")) []
                smallRun outside []
                File.CreateSymbolicLink(Path.Combine(root, "escape"), outside) |> ignore
                Directory.CreateDirectory(Path.Combine(root, "odd")) |> ignore
                // A run directory whose metrics file is a link to a file outside.
                smallRun (Path.Combine(root, "linked")) []
                File.Delete(Path.Combine(root, "linked", "metrics.parquet"))
                File.Delete(Path.Combine(root, "linked", "metrics.live.csv"))

                File.CreateSymbolicLink(
                    Path.Combine(root, "linked", "metrics.parquet"),
                    Path.Combine(outside, "metrics.parquet")
                )
                |> ignore

                withDashboard root (fun http _ ->
                    Expect.equal (status http "/api/metrics?run=ok") HttpStatusCode.OK "the run inside"

                    for bad in
                        [
                            "../secret"
                            "ok/../../secret"
                            Uri.EscapeDataString outside
                            "%2e%2e%2fsecret"
                            "escape"
                            "escape/"
                            "odd/../../secret"
                            "/etc"
                        ] do
                        for api in [ "run"; "metrics"; "heatmap"; "events"; "compare-events" ] do
                            Expect.equal
                                (status http $"/api/{api}?run={bad}")
                                HttpStatusCode.NotFound
                                $"/api/{api}?run={bad}"

                    Expect.equal (status http "/../secret/config.json") HttpStatusCode.NotFound "a raw path"
                    let listed = runs http |> List.map (field "id")
                    Expect.equal listed [ "linked"; "ok" ] "links out are not listed"
                    // The linked file is not read: the run has no metrics on record inside.
                    let linked = json http "/api/metrics?run=linked"
                    Expect.equal (linked.GetProperty("iteration").GetArrayLength()) 0 "no rows from outside")

            testCase "a corrupt metrics.parquet is shown with its error on its row, and the rest works"
            <| fun () ->
                let root = tempDir ()
                smallRun (Path.Combine(root, "good")) []
                smallRun (Path.Combine(root, "bad")) []
                let path = Path.Combine(root, "bad", "metrics.parquet")
                let bytes = File.ReadAllBytes path
                // Half a file: what a copy cut short leaves.
                File.WriteAllBytes(path, bytes[.. bytes.Length / 2])

                withDashboard root (fun http _ ->
                    let rows = runs http
                    let bad = rows |> List.find (fun r -> field "id" r = "bad")
                    let good = rows |> List.find (fun r -> field "id" r = "good")
                    Expect.equal (field "status" bad) "failed" "the corrupt run"
                    Expect.stringContains (field "error" bad) "metrics.parquet" "the error names the file"
                    Expect.equal (field "status" good) "finished" "the other run"
                    Expect.equal (status http "/api/metrics?run=bad") (enum 422) "its curves say why they are missing"
                    let page = json http "/api/run?run=bad"
                    Expect.equal (page.GetProperty("summary") |> field "status") "failed" "its page opens"
                    Expect.isTrue (page.GetProperty("frames").GetArrayLength() > 0) "its heatmaps still show"
                    let curves = json http "/api/metrics?run=good"
                    Expect.equal (curves.GetProperty("iteration").GetArrayLength()) 21 "rows 0..20 of the good run")

            testCase "a run deleted while shown: its live stream says gone, and the server goes on"
            <| fun () ->
                let root = tempDir ()
                let dir = Path.Combine(root, "doomed")
                smallRun dir []
                smallRun (Path.Combine(root, "kept")) []

                withDashboard root (fun http _ ->
                    use stream = http.GetStreamAsync("/api/events?run=doomed").GetAwaiter().GetResult()

                    use reader = new StreamReader(stream)

                    let rec next () =
                        match reader.ReadLine() with
                        | null -> None
                        | line when line.StartsWith "event: " -> Some(line.Substring 7)
                        | _ -> next ()

                    Expect.equal (next ()) (Some "status") "the stream starts with the status"
                    Directory.Delete(dir, true)

                    let rec untilGone n =
                        if n = 0 then
                            None
                        else
                            (match next () with
                             | Some "gone" -> Some "gone"
                             | Some _ -> untilGone (n - 1)
                             | None -> None)

                    Expect.equal (untilGone 20) (Some "gone") "the page is told"
                    Expect.equal (status http "/api/run?run=doomed") HttpStatusCode.NotFound "its page is gone"
                    Expect.equal (runs http |> List.map (field "id")) [ "kept" ] "the list goes on")

            testCase
                "heatmap snapshots: one per checkpoint, growing, and the final archive's best elites; nothing written, no foreign Host"
            <| fun () ->
                let root = tempDir ()
                smallRun (Path.Combine(root, "r")) []

                let listing () =
                    [
                        for f in Directory.GetFiles(Path.Combine(root, "r")) ->
                            let i = FileInfo f
                            i.Name, i.Length, i.LastWriteTimeUtc
                    ]

                let before = listing ()

                withDashboard root (fun http address ->
                    // Another site's page pointed at this server (DNS rebinding) is told no.
                    use forged = new HttpRequestMessage(HttpMethod.Get, "/api/runs")
                    forged.Headers.Host <- $"evil.example:{address.Port}"

                    Expect.equal (http.Send(forged).StatusCode) HttpStatusCode.BadRequest "a foreign Host header"

                    let page = json http "/api/run?run=r"

                    let frames =
                        [
                            for f in page.GetProperty("frames").EnumerateArray() ->
                                f.GetProperty("iteration").GetInt32()
                        ]

                    Expect.equal frames [ 5; 10; 15; 20 ] "a frame per checkpoint"

                    let elites k =
                        (json http $"/api/heatmap?run=r&frame={k}").GetProperty("elites").GetInt32()

                    Expect.isLessThanOrEqual (elites 0) (elites 3) "the archive grows"
                    let now = json http "/api/heatmap?run=r"
                    let archive = page.GetProperty("archive")

                    Expect.equal
                        (now.GetProperty("occupied").GetInt32())
                        (archive.GetProperty("elites").GetInt32())
                        "a 10x10 grid: one bin per cell"

                    let best =
                        [
                            for e in archive.GetProperty("best").EnumerateArray() ->
                                (e.GetProperty("objectives")[0]).GetDouble()
                        ]

                    Expect.equal best (List.sortDescending best) "best elites first"
                    Expect.isTrue (best.Length > 0 && best.Length <= ArchiveView.BestCount) "at most ten")

                Expect.equal (listing ()) before "the server wrote nothing into the run's directory"

            testCase "a pipeline is listed with its runs finished out of three per step, its runs beside it"
            <| fun () ->
                let root = tempDir ()
                let pipe = Path.Combine(root, "pipe")
                smallRun (Path.Combine(pipe, "step-00", "single-1")) []

                let state (finished: string list) =
                    File.WriteAllText(
                        Path.Combine(pipe, "pipeline.json"),
                        JsonSerializer.Serialize
                            {|
                                Config =
                                    {|
                                        Task = "mo-sphere"
                                        Steps = 2
                                        Seed = 42
                                    |}
                                Finished = finished
                                Skipped = ([]: int list)
                            |}
                    )

                state [ "step-00/single-1" ]

                withDashboard root (fun http _ ->
                    let row id =
                        runs http |> List.find (fun r -> field "id" r = id)

                    let p = row "pipe"
                    Expect.equal (field "kind" p) "pipeline" "a pipeline"
                    Expect.equal (field "status" p) "stopped" "one run of six done, nothing running"

                    Expect.equal
                        (p.GetProperty("done").GetInt32(), p.GetProperty("total").GetInt32())
                        (1, 6)
                        "progress"

                    Expect.equal (field "kind" (row "pipe/step-00/single-1")) "run" "its run is listed too"

                    state
                        [
                            for s in 0..1 do
                                for r in [ "single-1"; "single-2"; "mome" ] -> $"step-0{s}/{r}"
                        ]

                    Expect.equal (field "status" (row "pipe")) "finished" "all six done")

            testCase "a robot run's replayed trajectories are served as x-y paths; a damaged one says why"
            <| fun () ->
                let root = tempDir ()
                let dir = Path.Combine(root, "robot")
                smallRun dir []
                // The columns qd replay writes: time, x, y, z (and the joints), one row per control step.
                let steps = 5000

                let fields =
                    [ for c in [ "time"; "x"; "y"; "z" ] -> Parquet.Schema.DataField<double> c ]

                let values =
                    [
                        Array.init steps (fun i -> float i * 0.01)
                        Array.init steps (fun i -> cos (float i / 500.0))
                        Array.init steps (fun i -> sin (float i / 500.0))
                        Array.zeroCreate steps
                    ]

                do
                    use stream = File.Create(Path.Combine(dir, "replay-best.parquet"))

                    let writer =
                        Parquet.ParquetWriter
                            .CreateAsync(
                                Parquet.Schema.ParquetSchema(fields |> List.map (fun f -> f :> Parquet.Schema.Field)),
                                stream
                            )
                            .GetAwaiter()
                            .GetResult()

                    do
                        use group = writer.CreateRowGroup()

                        for f, v in List.zip fields values do
                            group.WriteAsync<double>(f, ReadOnlyMemory v).GetAwaiter().GetResult()

                    writer.DisposeAsync().AsTask().GetAwaiter().GetResult()

                File.WriteAllText(Path.Combine(dir, "replay-cell-7.parquet"), "not parquet")

                withDashboard root (fun http _ ->
                    let paths =
                        [ for p in (json http "/api/trajectories?run=robot").EnumerateArray() -> p ]

                    Expect.equal
                        (paths |> List.map (field "name"))
                        [ "replay-best.parquet"; "replay-cell-7.parquet" ]
                        "both files"

                    let best = paths[0]
                    let xs = [ for x in best.GetProperty("x").EnumerateArray() -> x.GetDouble() ]
                    Expect.isLessThanOrEqual xs.Length Trajectories.MaxPoints "thinned"
                    Expect.equal xs.Head 1.0 "starts where the robot started"
                    Expect.floatClose Accuracy.high (List.last xs) (cos 9.998) "ends where it ended"
                    Expect.stringContains (field "error" paths[1]) "replay-cell-7.parquet" "the damaged file is named")

            testCase
                "a MOME run's page draws its global hypervolume, a novelty run's its mean novelty; runs without them (an older file too) draw neither"
            <| fun () ->
                needsChromium (fun () ->
                    let root = tempDir ()

                    cliRun
                        (Path.Combine(root, "mome"))
                        [
                            "--task"
                            "mo-rastrigin"
                            "--algorithm"
                            "mome"
                            "--archive"
                            "cvt:16"
                            "--dim"
                            "10"
                            "--iterations"
                            "20"
                            "--checkpoint-every"
                            "5"
                        ]

                    cliRun
                        (Path.Combine(root, "novelty"))
                        [
                            "--task"
                            "maze"
                            "--algorithm"
                            "novelty-search"
                            "--dim"
                            "20"
                            "--iterations"
                            "20"
                            "--checkpoint-every"
                            "5"
                        ]

                    smallRun (Path.Combine(root, "grid")) []
                    // The MOME run as a build before these figures wrote it: no such column, no live log.
                    let older = Path.Combine(root, "older-mome")
                    Directory.CreateDirectory older |> ignore

                    for f in Directory.GetFiles(Path.Combine(root, "mome")) do
                        if not (f.EndsWith QdFunctional.Core.Live.MetricsLog.FileName) then
                            File.Copy(f, Path.Combine(older, Path.GetFileName f))

                    let metrics = Path.Combine(older, "metrics.parquet")

                    QdFunctional.Core.Persistence.MetricsParquet.Write(
                        metrics,
                        [|
                            for r in QdFunctional.Core.Persistence.MetricsParquet.Read metrics ->
                                QdFunctional.Core.Metrics.MetricsRow(
                                    r.Iteration,
                                    r.Evaluations,
                                    r.NumElites,
                                    r.Coverage,
                                    r.QdScore,
                                    r.NormQdScore,
                                    r.BestObjective,
                                    r.MeanObjective,
                                    r.ElapsedSeconds
                                )
                        |]
                    )

                    withDashboard root (fun http address ->
                        // The API: the figure on the rows that have it (the last, every checkpoint's), null elsewhere.
                        let column (run: string) (name: string) =
                            [
                                for v in (json http $"/api/metrics?run={run}").GetProperty(name).EnumerateArray() ->
                                    if v.ValueKind = JsonValueKind.Null then
                                        nan
                                    else
                                        v.GetDouble()
                            ]

                        let hv = column "mome" "globalHypervolume"

                        let last =
                            QdFunctional.Results.loadMetrics (Path.Combine(root, "mome", "metrics.parquet"))

                        Expect.equal (List.last hv) (Array.last last).GlobalHypervolume "the last row's hypervolume"
                        Expect.isGreaterThan (List.last hv) 0.0 "a hypervolume"
                        Expect.isGreaterThan (List.last (column "novelty" "meanNovelty")) 0.0 "a mean novelty"

                        Expect.isTrue
                            (column "grid" "globalHypervolume" |> List.forall Double.IsNaN)
                            "none for a grid run"

                        use b = HeadlessChromium.launch ()

                        let curves (run: string) =
                            // A new document per run (the query differs), so nothing is left from the last page.
                            HeadlessChromium.navigate b (address.ToString() + $"?page={run}#/run/{run}")

                            let ready =
                                HeadlessChromium.waitUntil
                                    b
                                    30.0
                                    $"location.search === '?page={run}' && window.qd.ready && window.qd.curves !== undefined"
                                    (fun v -> v.ValueKind = JsonValueKind.True)

                            Expect.isTrue ready $"{run}: the page drew its charts"

                            let drawn =
                                HeadlessChromium.evaluate
                                    b
                                    "[...document.querySelectorAll('[data-chart]')].map(c => [c.dataset.chart, window.qd.curves[c.dataset.chart]])"

                            [ for c in drawn.EnumerateArray() -> c[0].GetString(), c[1].GetInt32() ]
                            |> Map.ofList

                        let mome = curves "mome"
                        let figured = hv |> List.filter (Double.IsNaN >> not) |> List.length
                        Expect.isGreaterThanOrEqual figured 5 "rows 0, 5, 10, 15 and 20 at least"

                        Expect.equal
                            (mome.TryFind "globalHypervolume")
                            (Some figured)
                            "the MOME page: a global hypervolume curve, every logged point"

                        Expect.isTrue (mome.ContainsKey "qdScore") "beside the MOQD score"
                        Thread.Sleep 300
                        HeadlessChromium.screenshot b (Path.Combine(artefacts (), "run-page-mome.png"))
                        let novelty = curves "novelty"

                        Expect.isGreaterThanOrEqual
                            (novelty.TryFind "meanNovelty" |> Option.defaultValue 0)
                            5
                            "the novelty page: a mean novelty curve"

                        Expect.isTrue (novelty.ContainsKey "numElites") "and its entries"
                        Expect.isFalse (novelty.ContainsKey "globalHypervolume") "no hypervolume for novelty search"

                        for run in [ "grid"; "older-mome" ] do
                            let drawn = curves run
                            Expect.isTrue (drawn.ContainsKey "qdScore") $"{run}: the usual curves"
                            Expect.isFalse (drawn.ContainsKey "globalHypervolume") $"{run}: no hypervolume curve"
                            Expect.isFalse (drawn.ContainsKey "meanNovelty") $"{run}: no novelty curve"

                        Expect.isEmpty b.Errors ("no error in the page: " + String.Join("; ", b.Errors))))

            testCase "20 runs under the directory are listed, filtered and grouped with mean ± spread"
            <| fun () ->
                needsChromium (fun () ->
                    let root = tempDir ()

                    for algorithm in [ "map-elites"; "map-elites-line" ] do
                        for seed in 1..10 do
                            smallRun
                                (Path.Combine(root, "sweep", algorithm, $"s{seed}"))
                                [ "--algorithm"; algorithm; "--seed"; string seed ]

                    withDashboard root (fun http address ->
                        Expect.equal (runs http).Length 20 "every run, found recursively"
                        use b = HeadlessChromium.launch ()
                        HeadlessChromium.navigate b (address.ToString() + "#/")

                        Expect.isTrue
                            (HeadlessChromium.waitUntil
                                b
                                30.0
                                "document.querySelectorAll('#runs tbody tr').length"
                                (fun v -> v.GetInt32() = 20))
                            "20 rows"

                        let groups =
                            "(() => { const s = document.querySelector('select'); s.value = 'Algorithm'; s.dispatchEvent(new Event('change'));"
                            + " return [...document.querySelectorAll('#groups tbody tr')].map(r => [...r.cells].map(c => c.textContent)); })()"

                        let rows = HeadlessChromium.evaluate b groups

                        let table =
                            [
                                for r in rows.EnumerateArray() -> [ for c in r.EnumerateArray() -> c.GetString() ]
                            ]

                        Expect.equal
                            (table |> List.map (fun r -> r[0], r[1]))
                            [ "map-elites", "10"; "map-elites-line", "10" ]
                            "two groups of ten"

                        for r in table do
                            Expect.stringContains r[3] "±" $"QD score mean ± spread of {r[0]}"

                        let filtered =
                            "(() => { const f = document.querySelector('input[type=search]'); f.value = 'Algorithm=map-elites Seed=3';"
                            + " f.dispatchEvent(new Event('input')); return document.querySelectorAll('#runs tbody tr').length; })()"

                        Expect.equal ((HeadlessChromium.evaluate b filtered).GetInt32()) 1 "one run with both fields"

                        // Two runs on one chart: every point of both curves (21 rows each).
                        HeadlessChromium.navigate
                            b
                            (address.ToString()
                             + "#/compare?runs=sweep%2Fmap-elites%2Fs1,sweep%2Fmap-elites-line%2Fs1")

                        Expect.isTrue
                            (HeadlessChromium.waitUntil b 30.0 "window.qd.ready && window.qd.points" (fun v ->
                                v.ValueKind = JsonValueKind.Number && v.GetInt32() = 42))
                            "both runs' curves on the compare chart"

                        Expect.isEmpty b.Errors ("no error in the page: " + String.Join("; ", b.Errors))))

            testCase
                "qd serve beside qd run: the QD score curve grows live, the heatmap fills, the status turns finished"
            <| fun () ->
                needsChromium (fun () ->
                    let root = tempDir ()
                    let serve = startQd [ "serve"; root; "--port"; "0" ]

                    try
                        let line = serve.StandardOutput.ReadLine()
                        let address = Regex.Match(line, "http://\\S+").Value
                        Expect.isNotEmpty address $"qd serve printed its address: {line}"
                        let dir = Path.Combine(root, "live")
                        // The browser first: under load it may take longer to start than the run lasts.
                        use b = HeadlessChromium.launch ()
                        HeadlessChromium.navigate b (address + "#/")
                        // Long enough (several seconds) to be watched while it goes.
                        let run =
                            startQd
                                [
                                    "run"
                                    "--iterations"
                                    "16000"
                                    "--dim"
                                    "200"
                                    "--checkpoint-every"
                                    "400"
                                    "--out"
                                    dir
                                    "--quiet"
                                ]

                        try
                            let clock = Stopwatch.StartNew()

                            while not (File.Exists(Path.Combine(dir, "config.json")))
                                  && clock.Elapsed.TotalSeconds < 60.0 do
                                Thread.Sleep 50

                            HeadlessChromium.navigate b (address + "#/run/live")

                            let qd name =
                                HeadlessChromium.evaluate b $"window.qd.{name}"

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "window.qd.status" (fun v ->
                                    v.GetString() = "running"))
                                "shown running"

                            let first = (qd "points").GetInt32()

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "[window.qd.points, window.qd.status]" (fun v ->
                                    v[0].GetInt32() > first && v[1].GetString() = "running"))
                                "the curve gains points while the run goes"

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 60.0 "window.qd.cells" (fun v -> v.GetInt32() > 0))
                                "the heatmap shows cells"

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 120.0 "window.qd.status" (fun v ->
                                    v.GetString() = "finished"))
                                "the status turns finished"

                            run.WaitForExit()
                            Expect.equal run.ExitCode 0 "qd run"
                            // The final rows arrive with the results: the whole curve, every iteration.
                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "window.qd.points" (fun v -> v.GetInt32() > 1000))
                                "the finished curve"

                            Thread.Sleep 500
                            let png = Path.Combine(artefacts (), "run-page.png")
                            HeadlessChromium.screenshot b png
                            printfn "serve: screenshot %s" png
                            Expect.isEmpty b.Errors ("no error in the page: " + String.Join("; ", b.Errors))
                        finally
                            stop run
                    finally
                        stop serve)

            testCase "the compare chart gains points while a compared run goes"
            <| fun () ->
                needsChromium (fun () ->
                    let root = tempDir ()
                    smallRun (Path.Combine(root, "done")) []
                    let dir = Path.Combine(root, "going")

                    withDashboard root (fun _ address ->
                        use b = HeadlessChromium.launch ()

                        let run =
                            startQd
                                [
                                    "run"
                                    "--iterations"
                                    "16000"
                                    "--dim"
                                    "200"
                                    "--checkpoint-every"
                                    "400"
                                    "--out"
                                    dir
                                    "--quiet"
                                ]

                        try
                            let clock = Stopwatch.StartNew()

                            while not (File.Exists(Path.Combine(dir, QdFunctional.Core.Live.MetricsLog.FileName)))
                                  && clock.Elapsed.TotalSeconds < 60.0 do
                                Thread.Sleep 50

                            HeadlessChromium.navigate b (address.ToString() + "#/compare?runs=done,going")

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "window.qd.ready && window.qd.points" (fun v ->
                                    v.ValueKind = JsonValueKind.Number && v.GetInt32() >= 21))
                                "the compare chart is drawn"

                            let first = (HeadlessChromium.evaluate b "window.qd.points").GetInt32()

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "window.qd.points" (fun v ->
                                    v.GetInt32() > first + 2))
                                "points arrive while the run goes"

                            Expect.isFalse run.HasExited "the run was still going when they came"
                            run.WaitForExit()
                            Expect.equal run.ExitCode 0 "qd run"

                            Expect.isTrue
                                (HeadlessChromium.waitUntil b 30.0 "window.qd.points" (fun v ->
                                    v.GetInt32() > first + 100))
                                "and its final rows with its results"

                            Expect.isEmpty b.Errors ("no error in the page: " + String.Join("; ", b.Errors))
                        finally
                            stop run))
        ]
