namespace QdFunctional

open System
open System.Globalization
open System.IO
open System.Threading
open Parquet
open Parquet.Schema
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

/// The column layouts `qd export` writes.
type ExportLayout =
    /// Ours: cell, objective (objective_0.. with several), measure_0.., solution_0.., extra fields.
    | Ours
    /// pyribs' ArchiveDataFrame (`archive.data(return_type="pandas")`): solution_0.., objective,
    /// measures_0.., threshold, index, so pyribs' own analysis code runs on `pandas.read_csv`.
    | Pyribs

/// The file formats `qd export` writes.
type ExportFormat =
    /// Comma-separated text, one header line (what `pandas.read_csv` reads without pyarrow).
    | Csv
    /// Parquet with one scalar column per value: INT64 for `index` / `cell`, DOUBLE for the rest.
    | ParquetFile

/// One exported column: whole numbers (cell indices) or reals.
type ExportColumn =
    | Whole of int64[]
    | Real of float[]

/// An archive table as CSV or Parquet, in our column layout or pyribs'.
[<RequireQualifiedAccess>]
module Export =
    let private number (x: float) =
        if Double.IsNaN x then
            "NaN"
        else
            x.ToString("R", CultureInfo.InvariantCulture)

    /// The named columns of `table` in `layout`, in file order.
    let columns (layout: ExportLayout) (table: EliteTable) : (string * ExportColumn) list =
        let n, d, m = table.Count, table.SolutionDim, table.ObjectiveCount
        let k = table.Layout.Low.Length

        let strided (values: float[]) width j =
            Array.init n (fun i -> values[i * width + j])

        let cells = table.Cells |> Array.map int64

        let solutions prefix =
            [ for j in 0 .. d - 1 -> $"{prefix}{j}", Real(strided table.Solutions d j) ]

        let measures prefix =
            [ for j in 0 .. k - 1 -> $"{prefix}{j}", Real(strided table.Measures k j) ]

        match layout with
        | Pyribs ->
            if m <> 1 then
                invalidArg
                    "layout"
                    $"pyribs' archives hold exactly one objective; this archive has {m}: export it with --layout ours."

            // A plain archive's threshold is its elite's objective (pyribs' learning rate 1), and
            // the run's result archive is always plain.
            solutions "solution_"
            @ [ "objective", Real(Array.copy table.Objectives) ]
            @ measures "measures_"
            @ [ "threshold", Real(Array.copy table.Objectives); "index", Whole cells ]
        | Ours ->
            let objectives =
                if m = 1 then
                    [ "objective", Real(Array.copy table.Objectives) ]
                else
                    [ for j in 0 .. m - 1 -> $"objective_{j}", Real(strided table.Objectives m j) ]

            [ "cell", Whole cells ]
            @ objectives
            @ measures "measure_"
            @ solutions "solution_"
            @ [ for KeyValue(name, values) in table.Extra -> name, Real(Array.copy values) ]

    /// The header and rows of `table` in `layout`, as CSV text.
    let rows (layout: ExportLayout) (table: EliteTable) : string list * string list seq =
        let columns = columns layout table

        let cell i (column: ExportColumn) =
            match column with
            | Whole values -> string values[i]
            | Real values -> number values[i]

        List.map fst columns, seq { for i in 0 .. table.Count - 1 -> [ for _, column in columns -> cell i column ] }

    /// Writes `table` as CSV to `path` (atomically: a reader never sees half a file).
    let csv (layout: ExportLayout) (table: EliteTable) (path: string) =
        let header, body = rows layout table

        AtomicFile.Write(
            path,
            fun stream ->
                use w = new StreamWriter(stream, Text.UTF8Encoding(false), leaveOpen = true)
                w.NewLine <- "\n"
                w.WriteLine(String.Join(",", header))

                for row in body do
                    w.WriteLine(String.Join(",", row))
        )

    /// Writes `table` as Parquet to `path` (atomically), one required scalar column per exported
    /// column, Snappy-compressed; pandas with pyarrow, polars and DuckDB read it as pyribs'
    /// ArchiveDataFrame in the pyribs layout.
    let parquet (layout: ExportLayout) (table: EliteTable) (path: string) =
        let columns = columns layout table

        let fields: DataField list =
            [
                for name, column in columns ->
                    match column with
                    | Whole _ -> DataField<int64>(name) :> DataField
                    | Real _ -> DataField<float>(name) :> DataField
            ]

        let write (stream: Stream) =
            task {
                let schema = ParquetSchema(fields |> List.map (fun f -> f :> Field))
                let options = ParquetOptions(CompressionMethod = CompressionMethod.Snappy)

                let! writer =
                    ParquetWriter.CreateAsync(schema, stream, options, false, CancellationToken.None)

                if table.Count > 0 then
                    use group = writer.CreateRowGroup()

                    for field, (_, column) in List.zip fields columns do
                        match column with
                        | Whole values ->
                            do!
                                group.WriteAsync<int64>(
                                    field,
                                    ReadOnlyMemory<int64>(values),
                                    Nullable(),
                                    null,
                                    CancellationToken.None
                                )
                        | Real values ->
                            do!
                                group.WriteAsync<float>(
                                    field,
                                    ReadOnlyMemory<float>(values),
                                    Nullable(),
                                    null,
                                    CancellationToken.None
                                )

                    group.CompleteValidate()

                do! writer.DisposeAsync()
            }

        AtomicFile.Write(path, fun stream -> (write stream).GetAwaiter().GetResult())

    /// Writes `table` to `path` in `format` and `layout`.
    let write (format: ExportFormat) (layout: ExportLayout) (table: EliteTable) (path: string) =
        match format with
        | Csv -> csv layout table path
        | ParquetFile -> parquet layout table path
