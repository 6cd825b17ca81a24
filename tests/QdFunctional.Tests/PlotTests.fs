module PlotTests

open System
open System.Collections.Generic
open System.IO
open Expecto
open QdFunctional
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

let private withDir (f: string -> unit) =
    let dir =
        Path.Combine(Path.GetTempPath(), "qdf-plot-" + Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory dir |> ignore

    try
        f dir
    finally
        (try
            Directory.Delete(dir, true)
         with _ ->
             ())

/// Width and height from the PNG header, after checking the 8-byte signature.
let private pngSize (path: string) =
    let b = File.ReadAllBytes path
    Expect.isGreaterThan b.Length 1000 "a real image, not an empty file"
    Expect.equal b[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] "PNG signature"

    let be i =
        (int b[i] <<< 24)
        ||| (int b[i + 1] <<< 16)
        ||| (int b[i + 2] <<< 8)
        ||| int b[i + 3]

    be 16, be 20

/// Number of distinct colours in the PNG, decoded with SkiaSharp (which ScottPlot renders with).
let private colours (path: string) =
    use bmp = SkiaSharp.SKBitmap.Decode path
    bmp.Pixels |> Array.distinct |> Array.length

let private noExtra () =
    Dictionary<string, double[]>() :> IReadOnlyDictionary<_, _>

/// A 2-D grid archive filled inside a disk, objective falling with distance from the centre.
let private gridTable res m =
    let layout =
        ArchiveLayout("grid", [| -1.0; -2.0 |], [| 1.0; 2.0 |], [| res; res |], [||])

    let cells = ResizeArray()
    let meas = ResizeArray()

    for i in 0 .. res - 1 do
        for j in 0 .. res - 1 do
            let x, y =
                -1.0 + (float i + 0.5) * 2.0 / float res, -2.0 + (float j + 0.5) * 4.0 / float res

            if x * x + (y / 2.0) ** 2.0 < 0.8 then
                cells.Add(i * res + j)
                meas.AddRange [ x; y ]

    let n = cells.Count

    let obj =
        Array.init (n * m) (fun e ->
            let i = e / max 1 m in -(meas[2 * i] ** 2.0 + meas[2 * i + 1] ** 2.0) + float (e % max 1 m))

    EliteTable(layout, 2, m, cells.ToArray(), obj, meas.ToArray(), Array.zeroCreate (n * 2), noExtra ())

let private cvtTable k cells filled seed =
    let rng = Random(seed: int)
    let cents = Array.init (cells * k) (fun _ -> rng.NextDouble() * 10.0)

    let layout =
        ArchiveLayout("cvt", Array.create k 0.0, Array.create k 10.0, [||], cents)

    let chosen =
        Array.init cells id |> Array.filter (fun _ -> rng.NextDouble() < filled)

    let n = chosen.Length
    let meas = Array.init (n * k) (fun e -> cents[chosen[e / k] * k + e % k])

    EliteTable(
        layout,
        3,
        1,
        chosen,
        Array.init n (fun i -> float chosen[i]),
        meas,
        Array.zeroCreate (n * 3),
        noExtra ()
    )

let private bitsEq (a: float) (b: float) =
    BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b

[<Tests>]
let tests =
    testList
        "Plot"
        [
            test "grid heatmap is an 800x600 PNG with a colour scale and grey empty cells" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "archive.png")
                    Plot.heatmap (gridTable 30 1) path
                    Expect.equal (pngSize path) Plot.heatmapSize "pixel size"
                    Expect.isGreaterThan (colours path) 50 "many colours: a gradient, not a blank canvas")
            }

            test "grid raster puts cell i*res1+j at column i, row j with its objective" {
                let t = gridTable 12 1
                let r = Plot.raster t
                Expect.equal (Array2D.length1 r, Array2D.length2 r) (12, 12) "one entry per cell"
                let mutable filled = 0

                for e in 0 .. t.Count - 1 do
                    let i, j = t.Cells[e] / 12, t.Cells[e] % 12
                    Expect.isTrue (bitsEq r[j, i] t.Objectives[e]) $"cell {t.Cells[e]}"

                r
                |> Array2D.iter (fun v ->
                    if not (Double.IsNaN v) then
                        filled <- filled + 1)

                Expect.equal filled t.Count "all other cells empty (NaN)"
            }

            test "CVT raster colours every pixel by its nearest centroid (checked by brute force)" {
                let t = cvtTable 2 300 0.6 5
                let r = Plot.raster t
                let rows, cols = Array2D.length1 r, Array2D.length2 r
                Expect.equal (rows, cols) (Plot.cvtRaster, Plot.cvtRaster) "raster size"
                let value = Array.create 300 nan

                for e in 0 .. t.Count - 1 do
                    value[t.Cells[e]] <- t.Objectives[e]

                let rng = Random 9

                for _ in 1..2000 do
                    let row, col = rng.Next rows, rng.Next cols

                    let x, y =
                        (float col + 0.5) / float cols * 10.0, (float row + 0.5) / float rows * 10.0

                    let best =
                        Array.init 300 id
                        |> Array.minBy (fun c ->
                            (t.Layout.Centroids[2 * c] - x) ** 2.0
                            + (t.Layout.Centroids[2 * c + 1] - y) ** 2.0)

                    Expect.isTrue (bitsEq r[row, col] value[best]) $"pixel ({row}, {col})"
            }

            test "CVT heatmap, two measures and more than two, and occupancy without objectives" {
                withDir (fun dir ->
                    for name, t in
                        [
                            "cvt2", cvtTable 2 500 0.7 1
                            "cvt4", cvtTable 4 500 0.7 2
                            "occupancy", gridTable 20 0
                            "two objectives", gridTable 20 2
                        ] do
                        let path = Path.Combine(dir, name + ".png")
                        Plot.heatmap t path
                        Expect.equal (pngSize path) Plot.heatmapSize $"{name} pixel size")
            }

            test "empty archive still draws" {
                withDir (fun dir ->
                    let t = cvtTable 2 50 0.0 3
                    Expect.equal t.Count 0 "empty"
                    let path = Path.Combine(dir, "empty.png")
                    Plot.heatmap t path
                    Expect.equal (pngSize path) Plot.heatmapSize "pixel size")
            }

            test "metrics plot is one PNG of the documented size, NaN objectives tolerated" {
                withDir (fun dir ->
                    let rows =
                        [
                            for i in 1..200 ->
                                let cov = 1.0 - exp (-float i / 50.0)

                                MetricsRow(
                                    i,
                                    int64 i * 100L,
                                    int (cov * 400.0),
                                    cov,
                                    cov * 1000.0,
                                    cov * 2.5,
                                    (if i = 1 then nan else log (float i)),
                                    (if i = 1 then nan else log (float i) / 2.0),
                                    float i * 0.1
                                )
                        ]

                    let path = Path.Combine(dir, "metrics.png")
                    Plot.metrics rows path
                    Expect.equal (pngSize path) Plot.metricsSize "pixel size"
                    Expect.isGreaterThan (colours path) 5 "curves drawn"
                    Plot.metrics [] (Path.Combine(dir, "none.png"))
                    Expect.equal (pngSize (Path.Combine(dir, "none.png"))) Plot.metricsSize "empty metrics still draw"
                    // A MOME run's rows carry the global hypervolume on some rows: a fourth panel, gaps elsewhere.
                    let withVolume =
                        rows
                        |> List.mapi (fun i (r: MetricsRow) ->
                            MetricsRow(
                                r.Iteration,
                                r.Evaluations,
                                r.NumElites,
                                r.Coverage,
                                r.QdScore,
                                r.NormQdScore,
                                r.BestObjective,
                                r.MeanObjective,
                                r.ElapsedSeconds,
                                (if i % 3 = 0 then float i else nan),
                                nan
                            ))

                    let four = Path.Combine(dir, "volume.png")
                    Plot.metrics withVolume four
                    let w, h = Plot.metricsSize
                    Expect.equal (pngSize four) (w, h * 4 / 3) "a fourth panel")
            }
        ]
