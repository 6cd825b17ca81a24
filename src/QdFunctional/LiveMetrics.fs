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

    /// `observe`, then the row appended to the live log when `interval` has passed since the last
    /// one. A failed append (disk full, directory gone) is dropped: a dashboard never stops a run.
    let tee (dir: string) (observe: MetricsRow -> unit) =
        let mutable last = System.Double.NegativeInfinity

        fun (row: MetricsRow) ->
            observe row

            if row.ElapsedSeconds - last >= interval then
                last <- row.ElapsedSeconds

                try
                    MetricsLog.Append(dir, row)
                with
                | :? IOException
                | :? System.UnauthorizedAccessException -> ()
