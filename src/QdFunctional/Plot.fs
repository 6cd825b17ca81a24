namespace QdFunctional

open System
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open ScottPlot // brings the Multiplot extension methods (AddPlots, GetPlot, Render) into scope
open QdFunctional.Core.Archives

/// PNG pictures of a run: the archive over its measure space and the metric curves over iterations.
/// Files are written atomically (see AtomicFile), so a report never picks up a half-written image.
[<RequireQualifiedAccess>]
module Plot =

    /// Width and height in pixels of archive pictures.
    let heatmapSize = 800, 600

    /// Width and height in pixels of the metrics picture (three stacked panels).
    let metricsSize = 800, 900

    /// Pixels per side of the raster a CVT archive is painted on (each pixel takes its nearest centroid's colour).
    let cvtRaster = 400

    /// Bins per side when elites with more than two measures are projected on the first two.
    let projectionBins = 64

    /// Encodes a finished ScottPlot image as PNG and writes it atomically.
    let savePng (image: ScottPlot.Image) (path: string) =
        let bytes = image.GetImageBytes(ScottPlot.ImageFormat.Png, 100)
        AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))

    /// The value drawn for each elite: its first objective, or 1 (occupied) when the archive has none.
    let private eliteValue (t: EliteTable) i =
        if t.ObjectiveCount = 0 then
            1.0
        else
            t.Objectives[i * t.ObjectiveCount]

    /// Keeps the best value per raster cell, so several elites (or cells) landing on one pixel show the best.
    let private keepMax (raster: float[,]) row col v =
        let old = raster[row, col]

        if Double.IsNaN old || v > old then
            raster[row, col] <- v

    /// Axis bounds of one measure, widened when degenerate so ScottPlot always gets a proper rectangle.
    let private bounds (t: EliteTable) j =
        if j >= t.Layout.MeasureDim then
            0.0, 1.0
        else
            let lo, hi = t.Layout.Low[j], t.Layout.High[j]

            if Double.IsFinite lo && Double.IsFinite hi && hi > lo then
                lo, hi
            elif Double.IsFinite lo then
                lo, lo + 1.0
            else
                0.0, 1.0

    /// Bin of value v among n equal bins over [lo, hi], clamped so boundary values stay inside.
    let private bin (lo: float) (hi: float) n (v: float) =
        if Double.IsNaN v then
            0
        else
            Math.Clamp(int (Math.Floor((v - lo) / (hi - lo) * float n)), 0, n - 1)

    /// Grid archive: one raster cell per grid cell of the first two measures. Cell indices are row-major
    /// over the measures (the first measure varies slowest, like numpy's ravel_multi_index).
    let private gridRaster (t: EliteTable) =
        let res = t.Layout.Resolution
        let k = res.Length
        let strides = Array.create k 1

        for j in k - 2 .. -1 .. 0 do
            strides[j] <- strides[j + 1] * res[j + 1]

        let cols = res[0]
        let rows = if k >= 2 then res[1] else 1
        let raster = Array2D.create rows cols nan

        for i in 0 .. t.Count - 1 do
            let cell = t.Cells[i]
            let c = (cell / strides[0]) % res[0]
            let r = if k >= 2 then (cell / strides[1]) % res[1] else 0
            keepMax raster r c (eliteValue t i)

        raster

    /// Buckets of centroid indices over the 2-D bounds, for nearest-centroid queries without a full scan.
    type private CentroidIndex =
        {
            Xs: float[]
            Ys: float[]
            Buckets: int[][]
            G: int
            X0: float
            Y0: float
            W: float
            H: float
        }

    let private centroidIndex (t: EliteTable) =
        let k = t.Layout.MeasureDim
        let n = t.Layout.Centroids.Length / k
        let xs = Array.init n (fun c -> t.Layout.Centroids[c * k])

        let ys =
            Array.init n (fun c -> if k >= 2 then t.Layout.Centroids[c * k + 1] else 0.0)

        let (x0, x1), (y0, y1) = bounds t 0, bounds t 1
        let g = max 1 (int (sqrt (float n / 2.0)))
        let w, h = (x1 - x0) / float g, (y1 - y0) / float g
        let lists = Array.init (g * g) (fun _ -> ResizeArray<int>())

        for c in 0 .. n - 1 do
            lists[bin y0 y1 g ys[c] * g + bin x0 x1 g xs[c]].Add c

        {
            Xs = xs
            Ys = ys
            Buckets = lists |> Array.map (fun l -> l.ToArray())
            G = g
            X0 = x0
            Y0 = y0
            W = w
            H = h
        }

    /// Nearest centroid to (x, y): search rings of buckets outwards until no unvisited bucket can be closer.
    let private nearest (ix: CentroidIndex) (x: float) (y: float) =
        let g = ix.G
        let bx = Math.Clamp(int ((x - ix.X0) / ix.W), 0, g - 1)
        let by = Math.Clamp(int ((y - ix.Y0) / ix.H), 0, g - 1)
        let step = min ix.W ix.H
        let mutable best = -1
        let mutable bestD = Double.PositiveInfinity
        let mutable r = 0 // next ring to search

        let visit cx cy =
            if cx >= 0 && cx < g && cy >= 0 && cy < g then
                for c in ix.Buckets[cy * g + cx] do
                    let dx, dy = ix.Xs[c] - x, ix.Ys[c] - y
                    let d = dx * dx + dy * dy

                    if d < bestD then
                        bestD <- d
                        best <- c
        // Once rings 0..r-1 are searched, unsearched buckets lie at least (r-1) bucket widths away along some axis.
        while r <= g && (best < 0 || bestD > (float (r - 1) * step) ** 2.0) do
            if r = 0 then
                visit bx by
            else
                for cx in bx - r .. bx + r do
                    visit cx (by - r)
                    visit cx (by + r)

                for cy in by - r + 1 .. by + r - 1 do
                    visit (bx - r) cy
                    visit (bx + r) cy

            r <- r + 1

        best

    /// CVT archive with one or two measures: paint each pixel with its nearest centroid's elite (NaN when empty).
    let private cvtRasterOf (t: EliteTable) =
        let cells = t.Layout.CellCount
        let value = Array.create cells nan

        for i in 0 .. t.Count - 1 do
            let c = t.Cells[i]

            if Double.IsNaN value[c] || eliteValue t i > value[c] then
                value[c] <- eliteValue t i

        let rows = if t.Layout.MeasureDim >= 2 then cvtRaster else 1
        let raster = Array2D.create rows cvtRaster nan

        if cells > 0 then
            let ix = centroidIndex t
            let (x0, x1), (y0, y1) = bounds t 0, bounds t 1

            for r in 0 .. rows - 1 do
                let y =
                    if rows = 1 then
                        0.0
                    else
                        y0 + (float r + 0.5) / float rows * (y1 - y0)

                for c in 0 .. cvtRaster - 1 do
                    let x = x0 + (float c + 0.5) / float cvtRaster * (x1 - x0)
                    raster[r, c] <- value[nearest ix x y]

        raster

    /// More than two measures: bin the elites' first two measures, keeping the best value per bin.
    let private projectedRaster (t: EliteTable) =
        let k = t.Layout.MeasureDim
        let (x0, x1), (y0, y1) = bounds t 0, bounds t 1
        let raster = Array2D.create projectionBins projectionBins nan

        for i in 0 .. t.Count - 1 do
            let r =
                if k >= 2 then
                    bin y0 y1 projectionBins t.Measures[i * k + 1]
                else
                    0

            let c = bin x0 x1 projectionBins t.Measures[i * k]
            keepMax raster r c (eliteValue t i)

        raster

    /// Colour range over the finite values; a single value gets a unit-wide range so the colour bar is drawable.
    let private colourRange (raster: float[,]) =
        let mutable lo, hi = Double.PositiveInfinity, Double.NegativeInfinity

        raster
        |> Array2D.iter (fun v ->
            if Double.IsFinite v then
                (lo <- min lo v
                 hi <- max hi v))

        if lo > hi then ScottPlot.Range(0.0, 1.0)
        elif lo = hi then ScottPlot.Range(lo - 0.5, hi + 0.5)
        else ScottPlot.Range(lo, hi)

    /// How the archive is drawn and on what raster: values per raster cell, row 0 at the lowest measure_1,
    /// column 0 at the lowest measure_0, NaN where no elite is. Shared by heatmap and by callers who
    /// want the numbers behind the picture.
    let private rasterAndKind (table: EliteTable) =
        ArgumentNullException.ThrowIfNull table
        let k = table.Layout.MeasureDim

        if k < 1 then
            invalidArg (nameof table) "the archive has no measures to plot"

        match table.Layout.Kind with
        | "grid"
        | "categorical" ->
            gridRaster table,
            (if k > 2 then
                 $"{table.Layout.Kind}, first 2 of {k} measures"
             else
                 table.Layout.Kind)
        | "sliding" -> projectedRaster table, $"sliding boundaries, {k} measures binned"
        | "dns" ->
            projectedRaster table,
            (if k > 2 then
                 $"DNS, first 2 of {k} measures binned"
             else
                 "DNS, binned")
        | "cvt" when k > 2 -> projectedRaster table, $"CVT, first 2 of {k} measures"
        | "cvt" -> cvtRasterOf table, "CVT"
        | "proximity" ->
            projectedRaster table,
            (if k > 2 then
                 $"proximity, first 2 of {k} measures binned"
             else
                 "proximity, binned")
        | kind ->
            invalidArg
                (nameof table)
                $"layout kind '{kind}' is not 'grid', 'cvt', 'sliding', 'categorical', 'proximity' or 'dns'"

    /// The values the archive picture shows: a float[rows, cols] over the first two measures' bounds,
    /// row 0 at the lowest measure_1, NaN for empty cells; grid archives give one entry per cell of the
    /// first two measures, CVT archives a 400 × 400 nearest-centroid raster, more measures a 64 × 64 projection.
    let raster (table: EliteTable) : float[,] = fst (rasterAndKind table)

    /// Archive picture: the best objective per cell over the first two measures, empty cells light grey,
    /// with a colour bar. Grid archives show one rectangle per cell; CVT archives a Voronoi picture
    /// (every pixel coloured by its nearest centroid); more than two measures are projected on the first two.
    /// Without objectives the colour shows occupancy.
    let rec heatmap (table: EliteTable) (path: string) =
        let label =
            match table.ObjectiveCount with
            | 1 -> "objective"
            | m -> $"objective_0 (of {m})"

        heatmapLabelled label table path

    /// The archive picture of `heatmap` with the colour bar named `label` (for values other than an objective).
    and heatmapLabelled (label: string) (table: EliteTable) (path: string) =
        let raster, how = rasterAndKind table
        let k = table.Layout.MeasureDim

        let (x0, x1), (y0, y1) = bounds table 0, bounds table 1
        use plt = new ScottPlot.Plot()
        // ScottPlot cannot range an all-NaN heatmap: an empty archive is drawn as zeros made invisible
        // over a grey data area, which looks the same as all cells empty.
        let empty = raster |> Seq.cast<float> |> Seq.forall Double.IsNaN

        let hm =
            plt.Add.Heatmap(
                if empty then
                    Array2D.zeroCreate (Array2D.length1 raster) (Array2D.length2 raster)
                else
                    raster
            )

        if empty then
            hm.Opacity <- 0.0
            plt.DataBackground.Color <- ScottPlot.Colors.LightGray
        // The range goes first: ScottPlot recomputes it from the data on every setting, which fails when all cells are empty.
        hm.ManualRange <-
            Nullable(
                if table.ObjectiveCount = 0 then
                    ScottPlot.Range(0.0, 1.0)
                else
                    colourRange raster
            )

        hm.FlipVertically <- true
        hm.Rectangle <- Nullable(ScottPlot.CoordinateRect(x0, x1, y0, y1))
        hm.NaNCellColor <- ScottPlot.Colors.LightGray
        hm.Colormap <- ScottPlot.Colormaps.Viridis()
        // Occupancy has one colour, so a scale would say nothing; objectives get a labelled colour bar.
        if table.ObjectiveCount > 0 then
            let bar = plt.Add.ColorBar(hm)
            bar.Label <- label

        let cells = table.Layout.CellCount

        // A MOME cell holds a whole front: coverage counts cells, not solutions.
        let occupied = table.Cells |> Seq.distinct |> Seq.length

        let coverage =
            if cells = 0 then
                0.0
            else
                100.0 * float occupied / float cells

        let what =
            if table.ObjectiveCount = 0 then "occupied cells"
            elif occupied < table.Count then "solutions"
            else "elites"

        if table.Layout.Kind = "proximity" || table.Layout.Kind = "dns" then
            plt.Title($"Archive ({how}): {table.Count} entries")
        else
            plt.Title($"Archive ({how}): {table.Count} {what}, {coverage:F1}%% of {cells} cells")

        plt.XLabel(ArchiveColumns.MeasureColumn 0)
        plt.YLabel(if k >= 2 then ArchiveColumns.MeasureColumn 1 else "")
        plt.Axes.SetLimits(x0, x1, y0, y1)
        let w, h = heatmapSize
        use image = plt.GetImage(w, h)
        savePng image path

    /// Finite (x, y) points of one series, so NaN (an empty archive's best objective) leaves a gap, not a crash.
    let private finite (xs: float[]) (ys: float[]) =
        let keep = Array.init xs.Length id |> Array.filter (fun i -> Double.IsFinite ys[i])
        Array.map (fun i -> xs[i]) keep, Array.map (fun i -> ys[i]) keep

    /// Metrics picture: coverage (%), QD score and best/mean objective against iteration, stacked panels in one PNG,
    /// and a fourth for MOME's global hypervolume or novelty search's mean novelty when the rows carry them
    /// (they are computed for some rows only: the others are gaps).
    let metrics (rows: MetricsRow seq) (path: string) =
        ArgumentNullException.ThrowIfNull rows
        let rows = Array.ofSeq rows
        let it = rows |> Array.map (fun r -> float r.Iteration)

        let figure =
            [
                "Global hypervolume", "hypervolume", rows |> Array.map (fun r -> r.GlobalHypervolume)
                "Mean novelty", "mean distance to the k nearest", rows |> Array.map (fun r -> r.MeanNovelty)
            ]
            |> List.tryFind (fun (_, _, ys) -> ys |> Array.exists Double.IsFinite)

        let mp = ScottPlot.Multiplot()
        mp.AddPlots(if figure.IsSome then 4 else 3)

        let panel i (title: string) (ylabel: string) (series: (string * float[]) list) =
            let p = mp.GetPlot i

            for name, ys in series do
                let xs, ys = finite it ys
                let s = p.Add.Scatter(xs, ys)

                if series.Length > 1 then
                    s.LegendText <- name

                s.MarkerSize <- (if xs.Length > 50 then 0.0f else 4.0f)

            if series.Length > 1 then
                p.ShowLegend(ScottPlot.Alignment.LowerRight) |> ignore

            p.Title title
            p.YLabel ylabel
            p.XLabel "iteration"

        panel 0 "Coverage" "occupied cells (%)" [ "coverage", rows |> Array.map (fun r -> 100.0 * r.Coverage) ]
        panel 1 "QD score" "QD score" [ "QD score", rows |> Array.map (fun r -> r.QdScore) ]

        panel
            2
            "Objective"
            "objective"
            [
                "best", rows |> Array.map (fun r -> r.BestObjective)
                "mean", rows |> Array.map (fun r -> r.MeanObjective)
            ]

        figure
        |> Option.iter (fun (title, label, ys) -> panel 3 title label [ title, ys ])

        let w, h = metricsSize
        let h = if figure.IsSome then h * 4 / 3 else h

        try
            use image = mp.Render(w, h)
            savePng image path
        finally
            for p in mp.GetPlots() do
                p.Dispose()
