module ReportTests

open System
open System.Collections.Generic
open System.IO
open System.Text.RegularExpressions
open Expecto
open QdFunctional
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Cli
open QdFunctional.Core.Archives

let private tempDir () =
    let d =
        Path.Combine(Path.GetTempPath(), "qd-report-tests", Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory d |> ignore
    d

/// Width and height from a PNG header, after checking the signature.
let private pngSize (bytes: byte[]) =
    Expect.equal bytes[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] "PNG signature"

    let be i =
        (int bytes[i] <<< 24)
        ||| (int bytes[i + 1] <<< 16)
        ||| (int bytes[i + 2] <<< 8)
        ||| int bytes[i + 3]

    be 16, be 20

let private colours (path: string) =
    use bmp = SkiaSharp.SKBitmap.Decode path
    bmp.Pixels |> Array.distinct |> Array.length

/// A CVT-like table with k measures: n elites spread over [0, 1]^k, objective rising with measure 0.
let private wideTable k n =
    let rng = Random(5)
    let meas = Array.init (n * k) (fun _ -> rng.NextDouble())

    let layout =
        ArchiveLayout("cvt", Array.zeroCreate k, Array.create k 1.0, [||], meas)

    EliteTable(
        layout,
        2,
        1,
        Array.init n id,
        Array.init n (fun i -> meas[i * k]),
        meas,
        Array.zeroCreate (n * 2),
        Dictionary<string, double[]>()
    )

let private curve scale n =
    [|
        for i in 0..n ->
            let c = scale * (1.0 - exp (-float i / 10.0))
            MetricsRow(i, int64 i * 36L, int (c * 100.0), c, c * 50.0, c / 2.0, c, c / 3.0, float i)
    |]

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Report"
        [
            testCase "parallel coordinates: one PNG of the documented size for 4 and 6 measures; fewer than 2 refused"
            <| fun () ->
                let dir = tempDir ()

                for k in [ 4; 6 ] do
                    let path = Path.Combine(dir, $"parallel-{k}.png")
                    ParallelCoordinates.plot (wideTable k 3000) path
                    Expect.equal (pngSize (File.ReadAllBytes path)) ParallelCoordinates.size "pixel size"
                    Expect.isGreaterThan (colours path) 100 "coloured lines, not a blank canvas"

                Expect.throwsT<ArgumentException>
                    (fun () -> ParallelCoordinates.plot (wideTable 1 10) (Path.Combine(dir, "one.png")))
                    "one measure"

            testCase "Elites.filter keeps whole rows (objectives, measures, solutions, extra fields) and the layout"
            <| fun () ->
                let t = wideTable 3 50
                let extra = Dictionary<string, double[]>()
                extra["age"] <- Array.init 50 float

                let t =
                    EliteTable(t.Layout, 2, 1, t.Cells, t.Objectives, t.Measures, Array.init 100 float, extra)

                let kept = t |> Elites.filter (fun r -> r.Measures[1] > 0.5)

                let expected =
                    Elites.rows t |> Seq.filter (fun r -> r.Measures[1] > 0.5) |> Seq.toList

                Expect.equal (Elites.rows kept |> Seq.toList) expected "the same rows, in order"

                Expect.equal
                    kept.Extra["age"]
                    (expected |> List.map (fun r -> float r.Cell) |> List.toArray)
                    "extra fields follow"

                Expect.equal kept.Layout t.Layout "layout"
                Expect.equal (Elites.top 1 t).[0].Objective (Array.max t.Objectives) "top"
                let path = Path.Combine(tempDir (), "kept.parquet")
                ArchiveParquet.Write(path, kept)

                Expect.equal
                    (ArchiveParquet.Read path |> Elites.rows |> Seq.toList)
                    expected
                    "a valid table for Parquet"

            testCase "run comparison: one chart for several runs, and a table of their final rows"
            <| fun () ->
                let dir = tempDir ()
                let path = Path.Combine(dir, "comparison.png")
                let runs = [ "a", curve 0.5 40; "b", curve 0.9 60 ]
                RunComparison.plot runs path
                Expect.equal (pngSize (File.ReadAllBytes path)) RunComparison.size "pixel size"
                let table = RunComparison.summary runs
                Expect.equal (table |> List.map fst) [ "a"; "b" ] "one row per run"
                Expect.equal (snd table[1]).[0..1] [ "60"; "2160" ] "b's final iteration and evaluations"
                Expect.throwsT<ArgumentException> (fun () -> RunComparison.plot [] path) "nothing to compare"

            testCase "qd report writes a self-contained report.html; qd compare draws runs together"
            <| fun () ->
                let root = tempDir ()

                let run name args =
                    let out = Path.Combine(root, name)

                    Expect.equal
                        (Program.main (
                            Array.append [| "run"; "--iterations"; "20"; "--out"; out; "--quiet" |] (List.toArray args)
                        ))
                        0
                        $"qd run {name}"

                    out

                let grid = run "grid" [ "--task"; "arm"; "--dim"; "8"; "--archive"; "grid:20x20" ]
                let novelty = run "novelty" [ "--task"; "maze"; "--algorithm"; "novelty-search" ]
                Expect.equal (Program.main [| "report"; grid |]) 0 "qd report"
                Expect.equal (Program.main [| "report"; novelty |]) 0 "qd report of a proximity archive"
                let html = File.ReadAllText(Path.Combine(grid, "report.html"))
                let images = Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                Expect.equal images.Count 2 "heatmap and metrics embedded (two measures: no parallel coordinates)"

                Expect.equal
                    (Convert.FromBase64String images[0].Groups[1].Value)
                    (File.ReadAllBytes(Path.Combine(grid, "heatmap.png")))
                    "the heatmap, byte for byte"

                Expect.isFalse (Regex.IsMatch(html, "src=\"(?!data:)")) "no external files: the page stands alone"
                Expect.stringContains html "<td>Task</td><td>arm</td>" "the configuration table"
                Expect.stringContains html "Best elites" "the best elites table"
                Expect.stringContains html "<p>CQD score " "the CQD score under the final metrics"
                // A noisy run's page shows its re-evaluation, in words and as a second archive picture.
                let noisy =
                    run "noisy" [ "--task"; "noisy-arm"; "--dim"; "8"; "--archive"; "grid:20x20" ]

                Expect.equal (Program.main [| "report"; noisy |]) 0 "qd report of a noisy run"
                let noisyHtml = File.ReadAllText(Path.Combine(noisy, "report.html"))
                Expect.stringContains noisyHtml "re-evaluated " "the re-evaluation line"
                Expect.stringContains noisyHtml "<h2>Archive after re-evaluation</h2>" "the corrected archive"
                let noveltyHtml = File.ReadAllText(Path.Combine(novelty, "report.html"))
                Expect.stringContains noveltyHtml "First entries (no objective)" "a diversity-only archive has no best"
                Expect.isFalse (noveltyHtml.Contains "<th>objective</th>") "and no objective column"
                let out = Path.Combine(root, "cmp", "comparison.png")
                Expect.equal (Program.main [| "compare"; grid; novelty; "--out"; out |]) 0 "qd compare"
                Expect.equal (pngSize (File.ReadAllBytes out)) RunComparison.size "the chart"

                Expect.equal
                    (Program.main [| "compare"; Path.Combine(root, "missing") |])
                    1
                    "a missing run is an I/O error"
        ]
