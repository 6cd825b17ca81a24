/// Our Parquet files read by an independent reader: DuckDB (its own C++ Parquet reader, through
/// DuckDB.NET), so the files are proven usable outside this library, not just round-trippable.
module DuckDbTests

open System
open System.IO
open System.Threading
open DuckDB.NET.Data
open Expecto
open QdFunctional
open QdFunctional.Core.Persistence

/// A finished small run (MAP-Elites or novelty search) in a fresh directory.
let private smallRun (config: RunConfig) =
    let dir = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore

    RunDirectory.start dir config
    |> RunDirectory.execute dir CancellationToken.None ignore
    |> ignore

    dir

/// Rows of a query as arrays of boxed values.
let private query (sql: string) =
    use connection = new DuckDBConnection("DataSource=:memory:")
    connection.Open()
    use command = connection.CreateCommand()
    command.CommandText <- sql
    use reader = command.ExecuteReader()

    [|
        while reader.Read() do
            yield Array.init reader.FieldCount (fun i -> if reader.IsDBNull i then null else reader.GetValue i)
    |]

/// DuckDB's view of a file's columns: (name, type) in order.
let private describe (path: string) =
    query $"DESCRIBE SELECT * FROM read_parquet('{path}')"
    |> Array.map (fun row -> string row[0], string row[1])

[<Tests>]
let tests =
    testList
        "DuckDB reads our Parquet"
        [
            testCase "archive.parquet: scalar columns, the solution as a LIST of DOUBLE, the same values"
            <| fun () ->
                let dir =
                    smallRun
                        { RunConfig.defaults with
                            Dim = 12
                            Archive = "grid:20x20"
                            Iterations = 15
                            Batch = 16
                            InitialPopulation = 10
                            CheckpointEvery = 0
                        }

                let path = RunDirectory.archivePath dir
                let table = ArchiveParquet.Read path

                Expect.equal
                    (describe path)
                    [|
                        "cell", "INTEGER"
                        "objective", "DOUBLE"
                        "measure_0", "DOUBLE"
                        "measure_1", "DOUBLE"
                        "solution", "DOUBLE[]"
                    |]
                    "columns and types"

                let summary =
                    query
                        $"SELECT count(*), min(len(solution)), max(len(solution)), max(objective) FROM read_parquet('{path}')"

                Expect.equal (Convert.ToInt64(summary[0][0])) (int64 table.Count) "one row per elite"
                Expect.equal (Convert.ToInt64(summary[0][1])) 12L "every solution has d = 12 numbers"
                Expect.equal (Convert.ToInt64(summary[0][2])) 12L "every solution has d = 12 numbers"
                Expect.equal (summary[0][3] :?> float) (Array.max table.Objectives) "best objective"

                // Every row, in file order: cell, objective, measures and the whole solution, bit for bit.
                let rows =
                    query
                        $"SELECT cell, objective, measure_0, measure_1, solution FROM read_parquet('{path}') ORDER BY file_row_number"

                Expect.equal rows.Length table.Count "rows"

                for i, row in Array.indexed rows do
                    Expect.equal (row[0] :?> int) table.Cells[i] $"cell of row {i}"
                    Expect.equal (row[1] :?> float) table.Objectives[i] $"objective of row {i}"
                    Expect.equal (row[2] :?> float) table.Measures[2 * i] $"measure_0 of row {i}"
                    Expect.equal (row[3] :?> float) table.Measures[2 * i + 1] $"measure_1 of row {i}"

                    let solution =
                        row[4] :?> Collections.IEnumerable
                        |> Seq.cast<obj>
                        |> Seq.map unbox<float>
                        |> Seq.toArray

                    Expect.equal solution table.Solutions[12 * i .. 12 * i + 11] $"solution of row {i}"

                let metadata =
                    query $"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{path}')"

                let header = metadata |> Array.find (fun r -> string r[0] = "qdfunctional")
                Expect.stringContains (string header[1]) "\"kind\":\"grid\"" "the layout travels in the file's metadata"

            testCase "metrics.parquet with row groups appended (a run between checkpoints): every row, in order"
            <| fun () ->
                let dir = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))
                Directory.CreateDirectory dir |> ignore
                let path = Path.Combine(dir, "metrics.parquet")

                let rows =
                    Array.init 30 (fun i ->
                        QdFunctional.Core.Metrics.MetricsRow(
                            i,
                            int64 (100 * i),
                            i / 2,
                            0.01 * float i,
                            float (i * i),
                            0.5,
                            1.0,
                            0.25,
                            0.001 * float i
                        ))

                MetricsParquet.Write(path, rows[0..11])
                Expect.isTrue (MetricsParquet.TryAppend(path, rows[12..19])) "appended"
                Expect.isTrue (MetricsParquet.TryAppend(path, rows[20..])) "appended"

                let back =
                    query $"SELECT iteration, evaluations, qd_score FROM read_parquet('{path}') ORDER BY iteration"
                    |> Array.map (fun r -> r[0] :?> int, r[1] :?> int64, r[2] :?> float)

                Expect.equal back (rows |> Array.map (fun m -> m.Iteration, m.Evaluations, m.QdScore)) "every row"

                let groups =
                    query $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{path}')"

                Expect.equal (Convert.ToInt64(groups[0][0])) 3L "three row groups"

            testCase "metrics.parquet: one typed row per iteration, the same numbers"
            <| fun () ->
                let dir =
                    smallRun
                        { RunConfig.preset "maze" "novelty-search" { RunConfig.defaults with Dim = 20 } with
                            Task = "maze"
                            Dim = 20
                            Algorithm = "novelty-search"
                            Iterations = 12
                            CheckpointEvery = 0
                        }

                let path = RunDirectory.metricsPath dir
                let columns = describe path |> Map.ofArray
                Expect.equal columns["iteration"] "INTEGER" "iteration"
                Expect.equal columns["evaluations"] "BIGINT" "evaluations"
                Expect.equal columns["num_elites"] "INTEGER" "num_elites"
                Expect.equal columns["qd_score"] "DOUBLE" "qd_score"
                let ours = Results.loadMetrics path

                let rows =
                    query $"SELECT iteration, evaluations, num_elites FROM read_parquet('{path}') ORDER BY iteration"

                Expect.equal
                    (rows |> Array.map (fun r -> r[0] :?> int, r[1] :?> int64, r[2] :?> int))
                    (ours |> Array.map (fun m -> m.Iteration, m.Evaluations, m.NumElites))
                    "iterations, evaluations and archive sizes"

                // Novelty search's mean novelty: a plain DOUBLE column, NULL on the rows that skip it.
                Expect.equal columns["mean_novelty"] "DOUBLE" "mean_novelty"
                Expect.isFalse (columns.ContainsKey "global_hypervolume") "no MOME column in a novelty run"

                let novelty =
                    query $"SELECT mean_novelty FROM read_parquet('{path}') ORDER BY iteration"
                    |> Array.map (fun r -> if isNull r[0] then nan else r[0] :?> float)

                Expect.equal
                    (novelty |> Array.map BitConverter.DoubleToInt64Bits)
                    (ours |> Array.map (fun m -> BitConverter.DoubleToInt64Bits m.MeanNovelty))
                    "the same values, NULL for NaN"

                Expect.isFalse (Double.IsNaN(Array.last novelty)) "the last row has it"

                // The novelty run's archive: told no objective, so no objective column; cells are entry slots 0..n-1.
                let archive = RunDirectory.archivePath dir

                Expect.equal
                    (describe archive)
                    [|
                        "cell", "INTEGER"
                        "measure_0", "DOUBLE"
                        "measure_1", "DOUBLE"
                        "solution", "DOUBLE[]"
                    |]
                    "diversity-only columns"

                let slots =
                    query $"SELECT min(cell), max(cell), count(*) FROM read_parquet('{archive}')"

                Expect.equal (slots[0][0] :?> int) 0 "first slot"
                Expect.equal (Convert.ToInt64(slots[0][2])) (int64 (slots[0][1] :?> int) + 1L) "slots are 0..n-1"
        ]
