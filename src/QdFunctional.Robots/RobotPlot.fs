namespace QdFunctional

open System
open QdFunctional.Core.Persistence
open QdFunctional.Physics
open ScottPlot

/// One elite's path seen from above, for the trajectories picture.
type TopDownTrack =
    {
        Label: string
        X: float[]
        Y: float[]
    }

/// Pictures of robot runs: the CPG tutorial's metric curves and top-down paths of elites.
[<RequireQualifiedAccess>]
module RobotPlot =
    let private save (image: ScottPlot.Image) (path: string) =
        let bytes = image.GetImageBytes(ScottPlot.ImageFormat.Png, 100)
        AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))

    /// Fitness (max, mean, min), occupancy (%) and, when known, the furthest distance travelled,
    /// against iteration: the tutorial's curves, stacked panels in one PNG.
    let metrics (rows: RobotMetricsRow[]) (path: string) =
        let it = rows |> Array.map (fun r -> float r.Iteration)

        let distances = rows |> Array.map (fun r -> r.FurthestDistance)
        let withDistance = distances |> Array.exists Double.IsFinite
        let mp = ScottPlot.Multiplot()
        mp.AddPlots(if withDistance then 3 else 2)

        let panel i (title: string) (ylabel: string) (series: (string * float[]) list) =
            let p = mp.GetPlot i

            for name, ys in series do
                let keep = Array.init ys.Length id |> Array.filter (fun j -> Double.IsFinite ys[j])

                let s =
                    p.Add.Scatter(keep |> Array.map (fun j -> it[j]), keep |> Array.map (fun j -> ys[j]))

                s.MarkerSize <- (if keep.Length > 50 then 0.0f else 4.0f)

                if series.Length > 1 then
                    s.LegendText <- name

            if series.Length > 1 then
                p.ShowLegend(ScottPlot.Alignment.LowerRight) |> ignore

            p.Title title
            p.YLabel ylabel
            p.XLabel "iteration"

        panel
            0
            "Fitness"
            "fitness"
            [
                "max", rows |> Array.map (fun r -> r.MaxFitness)
                "mean", rows |> Array.map (fun r -> r.MeanFitness)
                "min", rows |> Array.map (fun r -> r.MinFitness)
            ]

        panel 1 "Occupancy" "occupied cells (%)" [ "occupancy", rows |> Array.map (fun r -> 100.0 * r.Occupancy) ]

        if withDistance then
            panel 2 "Furthest distance travelled" "distance (m)" [ "furthest", distances ]

        try
            use image = mp.Render(800, if withDistance then 900 else 600)
            save image path
        finally
            for p in mp.GetPlots() do
                p.Dispose()

    /// Paths seen from above, each from a circle (start) to a square (end), inside `limits`
    /// ((xmin, xmax), (ymin, ymax)) widened to hold every path.
    let trajectories
        (tracks: TopDownTrack list)
        (limits: (float * float) * (float * float))
        (title: string)
        (path: string)
        =
        use plt = new ScottPlot.Plot()
        let (x0, x1), (y0, y1) = limits

        let all f =
            tracks |> List.collect (fun t -> List.ofArray (f t))

        let xs, ys = all (fun t -> t.X), all (fun t -> t.Y)
        let lo a b = List.fold min a b
        let hi a b = List.fold max a b
        let x0, x1, y0, y1 = lo x0 xs, hi x1 xs, lo y0 ys, hi y1 ys

        for t in tracks do
            let line = plt.Add.ScatterLine(t.X, t.Y)
            line.LegendText <- t.Label
            line.LineWidth <- 2.0f
            let start = plt.Add.Marker(t.X[0], t.Y[0], MarkerShape.OpenCircle, 8.0f, line.Color)
            start.LegendText <- ""

            let finish =
                plt.Add.Marker(t.X[t.X.Length - 1], t.Y[t.Y.Length - 1], MarkerShape.FilledSquare, 8.0f, line.Color)

            finish.LegendText <- ""

        plt.ShowLegend(ScottPlot.Alignment.UpperRight) |> ignore
        plt.Title title
        plt.XLabel "x (m)"
        plt.YLabel "y (m)"
        plt.Axes.SetLimits(x0, x1, y0, y1)
        plt.Axes.SquareUnits()
        use image = plt.GetImage(800, 800)
        save image path
