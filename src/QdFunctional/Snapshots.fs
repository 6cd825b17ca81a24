namespace QdFunctional

open System.IO
open QdFunctional.Core.Archives
open QdFunctional.Core.Live

/// The archive's growth for a dashboard (`qd serve`): at each checkpoint a small heatmap of the
/// archive (at most 128 × 128 bins) is appended to `heatmaps.jsonl` in the run directory.
[<RequireQualifiedAccess>]
module Snapshots =
    /// Appends the archive's heatmap at `iteration`. A failed append is dropped: a dashboard never stops a run.
    let write (dir: string) (iteration: int) (evaluations: int64) (archive: IArchive) =
        try
            match Heatmap.Of(archive, iteration, evaluations) with
            | null -> ()
            | frame -> HeatmapSnapshots.Append(dir, frame)
        with
        | :? IOException
        | :? System.UnauthorizedAccessException -> ()
