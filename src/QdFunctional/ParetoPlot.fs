namespace QdFunctional

open System
open System.Collections.Generic
open QdFunctional.Core.Archives
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence

/// Pictures of multi-objective results: each cell's front hypervolume as a map, and the global
/// Pareto front in objective space.
[<RequireQualifiedAccess>]
module ParetoPlot =
    /// One row per occupied cell whose single objective is the hypervolume of the cell's front
    /// from `reference` (the table of a MOME archive has one row per solution).
    let cellHypervolumes (table: EliteTable) (reference: float[]) =
        let m = table.ObjectiveCount

        if reference.Length <> m then
            invalidArg "reference" $"the reference point has {reference.Length} values; the archive has {m} objectives."

        let k = table.Layout.MeasureDim
        let rows = Dictionary<int, ResizeArray<int>>()

        for i in 0 .. table.Count - 1 do
            match rows.TryGetValue table.Cells[i] with
            | true, list -> list.Add i
            | _ -> rows[table.Cells[i]] <- ResizeArray [ i ]

        let cells = rows.Keys |> Seq.sort |> Seq.toArray

        let volume cell =
            let points =
                rows[cell]
                |> Seq.collect (fun i -> table.Objectives[i * m .. (i + 1) * m - 1])
                |> Seq.toArray

            Hypervolume.Of(ReadOnlySpan points, m, ReadOnlySpan reference)

        let firstOf cell = rows[cell][0]

        EliteTable(
            table.Layout,
            table.SolutionDim,
            1,
            cells,
            cells |> Array.map volume,
            cells
            |> Array.collect (fun c -> table.Measures[firstOf c * k .. (firstOf c + 1) * k - 1]),
            cells
            |> Array.collect (fun c ->
                table.Solutions[firstOf c * table.SolutionDim .. (firstOf c + 1) * table.SolutionDim - 1]),
            Dictionary<string, float[]>()
        )

    /// The map of each cell's front hypervolume (MOME's per-cell contribution to the MOQD score).
    let hypervolumeMap (table: EliteTable) (reference: float[]) (path: string) =
        Plot.heatmapLabelled "front hypervolume" (cellHypervolumes table reference) path

    /// Indices of the rows of `objectives` (n × m) that no other row dominates.
    let frontOf (objectives: float[]) (m: int) =
        let keep = Array.zeroCreate (objectives.Length / m)
        ParetoFront.NonDominated(ReadOnlySpan objectives, m, Span keep) |> ignore
        keep |> Array.indexed |> Array.filter snd |> Array.map fst

    /// Every solution in objective space (objectives `a` and `b`), the global Pareto front
    /// highlighted and, for two objectives, drawn as the staircase it dominates.
    let front (objectives: float[]) (m: int) (a: int) (b: int) (path: string) =
        if m < 2 then
            invalidArg "objectives" "a Pareto front needs at least two objectives."

        let n = objectives.Length / m
        let xs = Array.init n (fun i -> objectives[i * m + a])
        let ys = Array.init n (fun i -> objectives[i * m + b])
        let onFront = frontOf objectives m
        use plt = new ScottPlot.Plot()
        let all = plt.Add.ScatterPoints(xs, ys)
        all.Color <- ScottPlot.Colors.Gray.WithAlpha(0.35)
        all.MarkerSize <- 4.0f
        all.LegendText <- $"all {n} solutions"
        let sorted = onFront |> Array.sortBy (fun i -> xs[i])
        let fx = sorted |> Array.map (fun i -> xs[i])
        let fy = sorted |> Array.map (fun i -> ys[i])
        let f = plt.Add.Scatter(fx, fy)
        f.Color <- ScottPlot.Colors.OrangeRed
        f.MarkerSize <- 6.0f
        f.LegendText <- $"global Pareto front ({onFront.Length})"

        if m = 2 then
            f.ConnectStyle <- ScottPlot.ConnectStyle.StepVertical
        else
            f.LineWidth <- 0.0f

        plt.ShowLegend(ScottPlot.Alignment.LowerLeft) |> ignore

        let suffix =
            if m > 2 then
                $" (objectives {a} and {b} of {m}; the front is over all {m})"
            else
                ""

        plt.Title($"Global Pareto front{suffix}")
        plt.XLabel(ArchiveColumns.ObjectiveColumn(a, m))
        plt.YLabel(ArchiveColumns.ObjectiveColumn(b, m))
        let w, h = Plot.heatmapSize
        use image = plt.GetImage(w, h)
        Plot.savePng image path
