// Benchmark of `qd serve` (figures, not a test): a run directory with a 10,000-elite archive
// (100 x 100 grid, d = 1000: 80 MB of solutions the server never reads), 100,000 metrics rows and
// 100 heatmap snapshots (the last before the end, so the final map is aggregated from the
// archive); the server's memory after serving its page, and the time until the page has drawn
// its charts and its heatmap in headless chromium, cold (first request) and warm.
// Run it after a build (./qd --help builds), with chromium installed:
//     dotnet fsi scripts/bench/serve_bench.fsx
#r "nuget: QdFunctional"
#load "../../tests/QdFunctional.Tests/HeadlessChromium.fs"

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open QdFunctional.Core.Live
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Random

let side, d, rows = 100, 1000, 100_000
let root = Path.Combine(Path.GetTempPath(), "qd-serve-bench-" + Guid.NewGuid().ToString("N"))
let dir = Path.Combine(root, "big")
Directory.CreateDirectory dir |> ignore

// A finished run's files: config, metrics with one row per iteration, a full archive, snapshots.
File.WriteAllText(
    Path.Combine(dir, "config.json"),
    $"""{{"Task":"lp-sphere","Dim":{d},"Algorithm":"map-elites","Archive":"grid:{side}x{side}","Iterations":{rows - 1},"Seed":42}}"""
)

let metrics =
    [| for i in 0 .. rows - 1 ->
           let t = float i / float rows
           MetricsRow(i, int64 (100 + 36 * i), int (10_000.0 * sqrt t), sqrt t, 8e5 * sqrt t, 80.0 * sqrt t, 99.0, 80.0, 60.0 * t) |]

MetricsParquet.Write(Path.Combine(dir, "metrics.parquet"), metrics)
let n = side * side
let layout = ArchiveLayout("grid", [| -51.2; -51.2 |], [| 51.2; 51.2 |], [| side; side |], [||])
let cellSize = 102.4 / float side
let measures = Array.init (2 * n) (fun j -> let c = j / 2 in -51.2 + cellSize * (float (if j % 2 = 0 then c % side else c / side) + 0.5))
let objectives = Array.init n (fun c -> 100.0 - float (c % 97))
let solutions: float[] = Array.zeroCreate (n * d)
(Key.Of 42UL).Normal(Span<float> solutions)
let table = EliteTable(layout, d, 1, Array.init n id, objectives, measures, solutions, Map.empty)
ArchiveParquet.Write(Path.Combine(dir, "archive.parquet"), table)

for k in 1..100 do
    let m = n * k / 100
    let frame = Heatmap.Aggregate(layout, k * 990, 0L, ReadOnlySpan(Array.init m (fun c -> measures[2 * c])), ReadOnlySpan(Array.init m (fun c -> measures[2 * c + 1])), ReadOnlySpan(objectives, 0, m))
    HeatmapSnapshots.Append(dir, frame)

let sizeOf f = FileInfo(Path.Combine(dir, f)).Length / 1024L
printfn "run directory: archive.parquet %d KiB, metrics.parquet %d KiB, heatmaps.jsonl %d KiB" (sizeOf "archive.parquet") (sizeOf "metrics.parquet") (sizeOf "heatmaps.jsonl")

let qdDll = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "src", "QdFunctional.Cli", "bin", "Release", "net10.0", "qd.dll")
let info = ProcessStartInfo("dotnet", [ qdDll; "serve"; root; "--port"; "0" ], RedirectStandardOutput = true)
let serve = Process.Start info

let kib (field: string) =
    File.ReadLines($"/proc/{serve.Id}/status") |> Seq.find (fun l -> l.StartsWith field) |> fun l -> Regex.Match(l, "\\d+").Value |> int64

try
    let address = Regex.Match(serve.StandardOutput.ReadLine(), "http://\\S+").Value
    printfn "server started: resident %d MiB" (kib "VmRSS:" / 1024L)
    use b = HeadlessChromium.launch ()

    let load label =
        HeadlessChromium.navigate b "about:blank"
        HeadlessChromium.navigate b (address + "#/run/big")
        let drawn = "window.qd && window.qd.chartsAt && window.qd.heatmapAt ? Math.max(window.qd.chartsAt, window.qd.heatmapAt) : 0"
        if not (HeadlessChromium.waitUntil b 120.0 drawn (fun v -> v.GetDouble() > 0.0)) then failwith "the page did not draw"
        let paint = (HeadlessChromium.evaluate b "performance.getEntriesByName('first-contentful-paint')[0].startTime").GetDouble()
        let ms = (HeadlessChromium.evaluate b drawn).GetDouble()
        let points = (HeadlessChromium.evaluate b "window.qd.points").GetInt32()
        printfn "%s: first contentful paint %.0f ms, charts (%d points) and heatmap drawn at %.0f ms" label paint points ms

    load "cold"
    load "warm"
    load "warm"
    printfn "server after serving: resident %d MiB, peak %d MiB" (kib "VmRSS:" / 1024L) (kib "VmHWM:" / 1024L)
finally
    serve.Kill true
    Directory.Delete(root, true)
