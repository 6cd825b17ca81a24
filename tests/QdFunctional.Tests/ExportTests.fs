/// `qd export`: the archive as CSV in our columns or pyribs', read back by Debian's pandas as a
/// pyribs user would.
module ExportTests

open System
open System.Diagnostics
open System.Globalization
open System.IO
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
        ]
