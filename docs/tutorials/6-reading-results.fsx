(**
---
title: Reading results with DuckDB and pandas
category: Tutorials
index: 6
---

# Reading results with DuckDB and pandas

A run leaves Parquet files: `archive.parquet` (one row per elite: `cell`, `objective`,
`measure_0..`, the `solution` as a list) and `metrics.parquet` (one row per iteration). Any
Parquet reader opens them. This tutorial makes a small run, queries it with DuckDB from F#, and
exports pyribs' layout for pandas.

DuckDB.NET comes from the package feed like QdFunctional itself.
*)
#r "nuget: QdFunctional"
#r "nuget: DuckDB.NET.Data.Full, 1.5.6"

open System.IO
open System.Threading
open DuckDB.NET.Data
open QdFunctional

// `dotnet fsi` does not look in runtimes/<rid>/native: point DuckDB's bindings at libduckdb.so.
do
    let native =
        Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "tests", "QdFunctional.Tests", "bin", "Release", "net10.0", "runtimes", "linux-x64", "native")

    System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(
        typeof<DuckDB.NET.Native.DuckDBDecimal>.Assembly,
        fun name _ _ ->
            let file = Path.Combine(native, "lib" + name + ".so")

            if File.Exists file then
                System.Runtime.InteropServices.NativeLibrary.Load file
            else
                nativeint 0
    )

(**
## A run to look at

CMA-MAE on LP-sphere through a run directory, as `qd run --algorithm cma-mae` makes it.
*)
let dir = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "data", "runs", "tutorials", "reading-results") |> Path.GetFullPath

let config =
    { RunConfig.preset "lp-sphere" "cma-mae" { RunConfig.defaults with Dim = 20 } with
        Archive = "grid:20x20"
        Iterations = 200
        CheckpointEvery = 100
    }

RunDirectory.startWith Run.task true dir config
|> RunDirectory.execute dir CancellationToken.None ignore
|> ignore

(**
## SQL over the files

DuckDB reads Parquet in place. `query` runs one statement and prints its rows.
*)
let query (sql: string) =
    use connection = new DuckDBConnection("DataSource=:memory:")
    connection.Open()
    use command = connection.CreateCommand()
    command.CommandText <- sql
    use reader = command.ExecuteReader()

    while reader.Read() do
        [
            for i in 0 .. reader.FieldCount - 1 ->
                match reader.GetValue i with
                | :? System.Collections.IEnumerable as xs when not (xs :? string) ->
                    xs |> Seq.cast<obj> |> Seq.map string |> String.concat ", " |> sprintf "[%s]"
                | v -> string v
        ]
        |> String.concat "  "
        |> printfn "  %s"

let archive = RunDirectory.archivePath dir
let metrics = RunDirectory.metricsPath dir

printfn "the best five elites:"
query $"SELECT cell, round(objective, 3), round(measure_0, 2), round(measure_1, 2), len(solution) FROM '{archive}' ORDER BY objective DESC LIMIT 5"

printfn "elites in one corner of measure space, the first three numbers of each solution:"
query $"SELECT round(objective, 2), list_transform(solution[1:3], v -> round(v, 3)) FROM '{archive}' WHERE measure_0 > 20 AND measure_1 > 20 ORDER BY objective DESC LIMIT 3"

printfn "QD score every 50 iterations:"
query $"SELECT iteration, round(qd_score, 1), round(coverage, 3) FROM '{metrics}' WHERE iteration %% 50 = 0"

printfn "the layout stored with the archive:"
query $"SELECT decode(value) FROM parquet_kv_metadata('{archive}') WHERE decode(key) = 'qdfunctional'"
(*** include-output ***)

(**
## pyribs' layout, for pandas

pyribs' analysis code reads an `ArchiveDataFrame`: `solution_0..`, `objective`, `measures_0..`,
`threshold`, `index`. `Export.write` (`qd export RUN --to csv|parquet --layout pyribs`) writes
those columns; `pandas.read_csv` reads the CSV even where pandas has no Parquet engine.
*)
let table = Results.loadArchive archive
let pyribsCsv = Path.Combine(dir, "archive-pyribs.csv")
let pyribsParquet = Path.Combine(dir, "archive-pyribs.parquet")
Export.write Csv Pyribs table pyribsCsv
Export.write ParquetFile Pyribs table pyribsParquet

printfn "pyribs' columns, as DuckDB types them:"
query $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{pyribsParquet}') WHERE column_name NOT LIKE 'solution_%%'"
(*** include-output ***)

(**
In Python:

```python
import pandas as pd
df = pd.read_csv("data/runs/tutorials/reading-results/archive-pyribs.csv")
df.nlargest(5, "objective")[["index", "objective", "measures_0", "measures_1"]]
```

## A picture from the file

The table read back from Parquet is an elite table like any archive's, so `Plot.heatmap` draws it
(and `Plot.metrics` the metrics file's rows, as `qd report` does):
*)
Plot.heatmap table (Path.Combine(dir, "heatmap.png"))
Plot.metrics (Results.loadMetrics metrics) (Path.Combine(dir, "metrics.png"))

(**
![The archive read back from archive.parquet](reading-results/heatmap.png)

![QD score, coverage and objective from metrics.parquet](reading-results/metrics.png)
*)
printfn "files in %s" dir
