namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence

/// Saving and loading results as Parquet (columns pandas, polars and DuckDB read as they are).
[<RequireQualifiedAccess>]
module Results =
    /// Writes the archive's elites (one row per elite, in cell order) atomically.
    let saveArchive (path: string) (archive: IArchive) =
        ArchiveParquet.Write(path, archive.ToTable())

    /// Reads an `archive.parquet` back as columns.
    let loadArchive (path: string) = ArchiveParquet.Read path

    /// Writes metrics rows atomically.
    let saveMetrics (path: string) (rows: MetricsRow seq) =
        MetricsParquet.Write(path, Seq.toArray rows)

    /// Reads a `metrics.parquet` back.
    let loadMetrics (path: string) = MetricsParquet.Read path
