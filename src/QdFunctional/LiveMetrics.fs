namespace QdFunctional

open System.IO
open QdFunctional.Core.Live
open QdFunctional.Core.Metrics

/// The live curve a dashboard (`qd serve`) follows between checkpoints: a few of each second's
/// metrics rows appended to `metrics.live.csv` in the run directory (see MetricsLog).
[<RequireQualifiedAccess>]
module LiveMetrics =
    /// Seconds between logged rows: four points a second draw a smooth live curve and keep an
    /// hour's log under two megabytes; metrics.parquet keeps every iteration.
    let interval = 0.25

    /// The live log's clock: true for the rows it keeps (the first, then one whenever `interval` has
    /// passed on the run's own clock since the last one kept).
    let clock () =
        let mutable last = System.Double.NegativeInfinity

        fun (elapsedSeconds: float) ->
            if elapsedSeconds - last >= interval then
                last <- elapsedSeconds
                true
            else
                false

    /// Appends a row to the live log. A failed append (disk full, directory gone) is dropped: a
    /// dashboard never stops a run.
    let append (dir: string) (row: MetricsRow) =
        try
            MetricsLog.Append(dir, row)
        with
        | :? IOException
        | :? System.UnauthorizedAccessException -> ()

    /// `observe`, then the row appended to the live log when `clock` keeps it.
    let tee (dir: string) (observe: MetricsRow -> unit) =
        let due = clock ()

        fun (row: MetricsRow) ->
            observe row

            if due row.ElapsedSeconds then
                append dir row
