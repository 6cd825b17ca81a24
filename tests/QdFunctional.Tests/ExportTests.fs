/// `qd export`: the archive as CSV in our columns or pyribs', read back by Debian's pandas as a
/// pyribs user would.
module ExportTests

open System
open System.Diagnostics
open System.Globalization
open System.IO
open DuckDB.NET.Data
open Expecto
open QdFunctional
open QdFunctional.Cli

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-export-tests", Guid.NewGuid().ToString("N"))

let private qd (args: string list) = Program.main (List.toArray args)

/// pandas' view of a CSV: column names, dtypes and the sum of every numeric column.
let private pandas (csv: string) =
    let script =
        "import sys, pandas as pd\n"
        + "df = pd.read_csv(sys.argv[1])\n"
        + "for c in df.columns: print(c, df[c].dtype, repr(float(df[c].sum())))\n"

    let info = ProcessStartInfo("/usr/bin/python3")
    info.ArgumentList.Add "-c"
    info.ArgumentList.Add script
    info.ArgumentList.Add csv
    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    use p = Process.Start info
    let out = p.StandardOutput.ReadToEnd()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()

    if p.ExitCode <> 0 then
        failtestf "pandas failed: %s" err

    out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
    |> Array.map (fun line ->
        match line.Split ' ' with
        | [| name; dtype; total |] -> name, dtype, Double.Parse(total, CultureInfo.InvariantCulture)
        | _ -> failtestf "unexpected pandas line %s" line)

/// Rows of a DuckDB query as arrays of boxed values.
let private duckdb (sql: string) =
    use connection = new DuckDBConnection("DataSource=:memory:")
    connection.Open()
    use command = connection.CreateCommand()
    command.CommandText <- sql
    use reader = command.ExecuteReader()

    [|
        while reader.Read() do
            yield Array.init reader.FieldCount (fun i -> reader.GetValue i)
    |]

let private hasPandas () =
    File.Exists "/usr/bin/python3"
    && (use p = Process.Start("/usr/bin/python3", "-c \"import pandas\"")
        p.WaitForExit()
        p.ExitCode = 0)

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Export"
        [
            testCase "pandas reads the pyribs layout with pyribs' columns, dtypes and our values"
            <| fun () ->
                if not (hasPandas ()) then
                    skiptest "Debian's python3-pandas is not installed (./test installs it as root)"

                let dir = tempDir ()

                let code =
                    qd
                        [
                            "run"
                            "--task"
                            "arm"
                            "--dim"
                            "5"
                            "--archive"
                            "grid:8x8"
                            "--iterations"
                            "20"
                            "--out"
                            dir
                            "--quiet"
                        ]

                Expect.equal code 0 "run"
                Expect.equal (qd [ "export"; dir; "--layout"; "pyribs" ]) 0 "export"
                let columns = pandas (Path.Combine(dir, "archive-pyribs.csv"))
                let table = Results.loadArchive (RunDirectory.archivePath dir)

                Expect.equal
                    (columns |> Array.map (fun (n, _, _) -> n) |> Array.toList)
                    ([ for j in 0..4 -> $"solution_{j}" ]
                     @ [ "objective"; "measures_0"; "measures_1"; "threshold"; "index" ])
                    "pyribs' ArchiveDataFrame columns, in its order"

                for name, dtype, total in columns do
                    let expected = if name = "index" then "int64" else "float64"
                    Expect.equal dtype expected $"{name} dtype"

                    let ours =
                        match name with
                        | "index" -> table.Cells |> Array.sumBy float
                        | "objective"
                        | "threshold" -> Array.sum table.Objectives
                        | n when n.StartsWith "measures_" ->
                            let j = int (n.Substring 9)
                            [ for i in 0 .. table.Count - 1 -> table.Measures[2 * i + j] ] |> List.sum
                        | n ->
                            let j = int (n.Substring 9)
                            [ for i in 0 .. table.Count - 1 -> table.Solutions[5 * i + j] ] |> List.sum

                    Expect.floatClose Accuracy.high total ours $"{name} values"

            testCase "our layout names our columns; a MOME archive refuses the pyribs layout in one line"
            <| fun () ->
                let dir = tempDir ()

                qd
                    [
                        "run"
                        "--algorithm"
                        "mome"
                        "--task"
                        "mo-sphere"
                        "--dim"
                        "6"
                        "--archive"
                        "cvt:16"
                        "--iterations"
                        "5"
                        "--out"
                        dir
                        "--quiet"
                    ]
                |> ignore

                Expect.equal (qd [ "export"; dir ]) 0 "ours"
                let header = File.ReadLines(Path.Combine(dir, "archive.csv")) |> Seq.head

                Expect.stringStarts
                    header
                    "cell,objective_0,objective_1,objective_2,measure_0,measure_1,solution_0"
                    "header"

                Expect.equal (qd [ "export"; dir; "--layout"; "pyribs" ]) 2 "pyribs has one objective"
                Expect.isFalse (File.Exists(Path.Combine(dir, "archive-pyribs.csv"))) "nothing written"
                Expect.equal (qd [ "export"; Path.Combine(dir, "absent") ]) 1 "a missing run"

            testCase
                "--to parquet writes pyribs' columns (index INT64, the rest DOUBLE) that DuckDB reads back with our values"
            <| fun () ->
                let dir = tempDir ()

                qd
                    [
                        "run"
                        "--task"
                        "arm"
                        "--dim"
                        "4"
                        "--archive"
                        "grid:8x8"
                        "--iterations"
                        "10"
                        "--out"
                        dir
                        "--quiet"
                    ]
                |> ignore

                Expect.equal (qd [ "export"; dir; "--to"; "parquet"; "--layout"; "pyribs" ]) 0 "export"
                let file = Path.Combine(dir, "archive-pyribs.parquet")
                let table = Results.loadArchive (RunDirectory.archivePath dir)

                let described =
                    duckdb $"DESCRIBE SELECT * FROM read_parquet('{file}')"
                    |> Array.map (fun row -> string row[0], string row[1])
                    |> Array.toList

                Expect.equal
                    described
                    ([ for j in 0..3 -> $"solution_{j}", "DOUBLE" ]
                     @ [ "objective", "DOUBLE"; "measures_0", "DOUBLE"; "measures_1", "DOUBLE" ]
                     @ [ "threshold", "DOUBLE"; "index", "BIGINT" ])
                    "pyribs' columns and types, in its order"

                let rows =
                    duckdb
                        $"SELECT index, objective, measures_0, measures_1, solution_0, solution_3, threshold FROM read_parquet('{file}')"

                Expect.equal rows.Length table.Count "one row per elite"

                rows
                |> Array.iteri (fun i row ->
                    Expect.equal (row[0] :?> int64) (int64 table.Cells[i]) $"row {i} index"
                    Expect.equal (row[1] :?> float) table.Objectives[i] $"row {i} objective, bit for bit"
                    Expect.equal (row[2] :?> float) table.Measures[2 * i] $"row {i} measures_0"
                    Expect.equal (row[3] :?> float) table.Measures[2 * i + 1] $"row {i} measures_1"
                    Expect.equal (row[4] :?> float) table.Solutions[4 * i] $"row {i} solution_0"
                    Expect.equal (row[5] :?> float) table.Solutions[4 * i + 3] $"row {i} solution_3"
                    Expect.equal (row[6] :?> float) table.Objectives[i] $"row {i} threshold")

                Expect.equal (qd [ "export"; dir; "--to"; "parquet" ]) 0 "our layout"

                let flat = Path.Combine(dir, "archive-flat.parquet")

                let ours =
                    duckdb $"DESCRIBE SELECT * FROM read_parquet('{flat}')"
                    |> Array.map (fun row -> string row[0])
                    |> Array.toList

                Expect.equal (List.take 4 ours) [ "cell"; "objective"; "measure_0"; "measure_1" ] "our columns"
                Expect.equal (qd [ "export"; dir; "--to"; "feather" ]) 2 "an unknown format is refused"

                Expect.equal
                    (qd [ "export"; dir; "--to"; "parquet"; "--out"; RunDirectory.archivePath dir ])
                    2
                    "the run's own archive is never overwritten"
        ]
