namespace QdFunctional

open System
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open ScottPlot

/// Several runs' metrics on one chart: coverage, QD score and best objective against evaluations
/// (not iterations, so algorithms with different batch sizes compare at equal cost), one line per run.
[<RequireQualifiedAccess>]
module RunComparison =
    /// Width and height in pixels (three stacked panels).
    let size = 900, 1000

    /// Writes the comparison of `runs` (name, metrics rows) to `path` (PNG, atomically).
    let plot (runs: (string * MetricsRow[]) list) (path: string) =
        if List.isEmpty runs then
            invalidArg (nameof runs) "nothing to compare: give at least one run"

        let mp = Multiplot()
        mp.AddPlots 3

        let panel i (title: string) (ylabel: string) (pick: MetricsRow -> float) =
            let p = mp.GetPlot i

            for name, rows in runs do
                let keep = rows |> Array.filter (fun r -> Double.IsFinite(pick r))
                let xs = keep |> Array.map (fun r -> float r.Evaluations)
                let ys = keep |> Array.map pick
                let line = p.Add.ScatterLine(xs, ys)
                line.LegendText <- name
                line.LineWidth <- 2.0f

            p.ShowLegend(Alignment.LowerRight) |> ignore
            p.Title title
            p.YLabel ylabel
            p.XLabel "evaluations"

        panel 0 "Coverage" "occupied cells (%)" (fun r -> 100.0 * r.Coverage)
        panel 1 "QD score" "QD score" (fun r -> r.QdScore)
        panel 2 "Best objective" "objective" (fun r -> r.BestObjective)
        let w, h = size

        try
            use image = mp.Render(w, h)
            let bytes = image.GetImageBytes(ImageFormat.Png, 100)
            AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))
        finally
            for p in mp.GetPlots() do
                p.Dispose()

    /// The comparison table: per run, its final row (iterations, evaluations, elites, coverage,
    /// QD score, best objective) as text columns, for the console and HTML reports.
    let summary (runs: (string * MetricsRow[]) list) =
        [
            for name, rows in runs do
                match Array.tryLast rows with
                | Some r ->
                    name,
                    [
                        string r.Iteration
                        string r.Evaluations
                        string r.NumElites
                        $"{100.0 * r.Coverage:F2}%%"
                        $"{r.QdScore:G6}"
                        $"{r.BestObjective:G6}"
                    ]
                | None -> name, [ "-"; "-"; "-"; "-"; "-"; "-" ]
        ]

    /// Column names of `summary`.
    let summaryColumns =
        [
            "iterations"
            "evaluations"
            "elites"
            "coverage"
            "QD score"
            "best objective"
        ]
