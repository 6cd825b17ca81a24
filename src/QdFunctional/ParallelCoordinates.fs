namespace QdFunctional

open System
open QdFunctional.Core.Persistence
open ScottPlot
open QdFunctional.Core.Archives

/// Archives with more than two measures drawn as parallel coordinates: one vertical axis per
/// measure (scaled to its bounds), one line per elite through its measure values, coloured by
/// objective (best drawn last, on top). A heatmap can show only two measures; this shows all.
[<RequireQualifiedAccess>]
module ParallelCoordinates =
    /// Width and height in pixels.
    let size = 900, 600

    /// At most this many elites are drawn (every n-th in file order beyond it), so the picture stays readable.
    let maxLines = 1500

    /// Measure j of elite i scaled to [0, 1] over the layout's bounds (outside values fall outside).
    let private scaled (t: EliteTable) i j =
        let lo, hi = t.Layout.Low[j], t.Layout.High[j]
        let v = t.Measures[i * t.Layout.MeasureDim + j]
        if hi > lo then (v - lo) / (hi - lo) else 0.5

    /// Writes the picture of `table` to `path` (PNG, atomically).
    let plot (table: EliteTable) (path: string) =
        ArgumentNullException.ThrowIfNull table
        let k = table.Layout.MeasureDim

        if k < 2 then
            invalidArg (nameof table) $"parallel coordinates need at least 2 measures, the archive has {k}"

        let value i =
            if table.ObjectiveCount = 0 then
                0.0
            else
                table.Objectives[i * table.ObjectiveCount]

        let stride = max 1 ((table.Count + maxLines - 1) / maxLines)
        let shown = [| 0..stride .. table.Count - 1 |] |> Array.sortBy (fun i -> value i, i)

        let lo =
            if shown.Length = 0 then
                0.0
            else
                shown |> Array.map value |> Array.min

        let hi =
            if shown.Length = 0 then
                1.0
            else
                shown |> Array.map value |> Array.max

        let colormap = Colormaps.Viridis()
        use plt = new Plot()
        let xs = Array.init k float

        for j in 0 .. k - 1 do
            let axis = plt.Add.VerticalLine(float j)
            axis.Color <- Colors.Gray
            axis.LineWidth <- 1.0f

        for i in shown do
            let line = plt.Add.ScatterLine(xs, Array.init k (scaled table i))
            let fraction = if hi > lo then (value i - lo) / (hi - lo) else 1.0
            line.Color <- colormap.GetColor(fraction).WithAlpha(0.5)
            line.LineWidth <- 1.0f

        let ticks =
            Array.init k (fun j ->
                let name = ArchiveColumns.MeasureColumn j
                Tick(float j, $"{name}\n[{table.Layout.Low[j]:G3}, {table.Layout.High[j]:G3}]"))

        plt.Axes.Bottom.TickGenerator <- TickGenerators.NumericManual(ticks)
        plt.Axes.SetLimits(-0.2, float (k - 1) + 0.2, -0.05, 1.05)
        plt.YLabel "measure, scaled to its bounds"

        let colour =
            if table.ObjectiveCount = 0 then
                "no objective"
            else
                $"colour: objective {lo:G4} (dark) to {hi:G4} (yellow)"

        let sampled = if stride > 1 then $", every {stride}th drawn" else ""

        plt.Title($"{table.Count} elites over {k} measures{sampled}; {colour}")
        let w, h = size
        use image = plt.GetImage(w, h)
        let bytes = image.GetImageBytes(ImageFormat.Png, 100)
        AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))
