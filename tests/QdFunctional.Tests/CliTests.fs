module CliTests

open System
open System.IO
open Expecto
open QdFunctional.Cli

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-cli-tests", Guid.NewGuid().ToString("N"))

let private qd (args: string list) = Program.main (List.toArray args)

[<Tests>]
let tests =
    testSequenced
    <| testList
        "CLI"
        [
            testCase "qd run writes the three files, qd report draws two pictures"
            <| fun () ->
                let out = tempDir ()

                let code =
                    qd
                        [
                            "run"
                            "--task"
                            "arm"
                            "--dim"
                            "12"
                            "--iterations"
                            "30"
                            "--batch"
                            "20"
                            "--archive"
                            "grid:30x30"
                            "--out"
                            out
                            "--quiet"
                        ]

                Expect.equal code 0 "exit code"

                for f in [ "archive.parquet"; "metrics.parquet"; "config.json"; "checkpoint.bin" ] do
                    Expect.isTrue (File.Exists(Path.Combine(out, f))) f

                Expect.equal (qd [ "report"; out ]) 0 "report exit code"

                for f in [ "heatmap.png"; "metrics.png" ] do
                    let png = File.ReadAllBytes(Path.Combine(out, f))
                    Expect.equal png[1..3] "PNG"B $"{f} is a PNG"

            testCase "qd resume extends a finished run"
            <| fun () ->
                let out = tempDir ()

                qd
                    [
                        "run"
                        "--dim"
                        "10"
                        "--iterations"
                        "5"
                        "--batch"
                        "8"
                        "--archive"
                        "grid:10x10"
                        "--out"
                        out
                        "--quiet"
                    ]
                |> ignore

                Expect.equal (qd [ "resume"; out; "--iterations"; "9"; "--quiet" ]) 0 "resume exit code"

                let metrics =
                    QdFunctional.Results.loadMetrics (Path.Combine(out, "metrics.parquet"))

                Expect.equal (Array.last metrics).Iteration 9 "ran to the new end"

            testCase "the archive does not depend on the number of processors (1, 2 and 4)"
            <| fun () ->
                // The CLI in a child process, with the runtime told how many processors it has.
                let qdDll = Path.Combine(AppContext.BaseDirectory, "qd.dll")

                let runWith (processors: int) =
                    let out = tempDir ()

                    let psi =
                        Diagnostics.ProcessStartInfo(
                            "dotnet",
                            [
                                qdDll
                                "run"
                                "--batch"
                                "300"
                                "--iterations"
                                "15"
                                "--dim"
                                "200"
                                "--out"
                                out
                                "--quiet"
                            ]
                        )

                    psi.Environment["DOTNET_PROCESSOR_COUNT"] <- string processors
                    psi.RedirectStandardOutput <- true
                    use p = Diagnostics.Process.Start psi
                    p.StandardOutput.ReadToEnd() |> ignore
                    p.WaitForExit()
                    Expect.equal p.ExitCode 0 $"run with {processors} processors"
                    File.ReadAllBytes(Path.Combine(out, "archive.parquet"))

                let one = runWith 1
                Expect.equal (runWith 2) one "2 processors"
                Expect.equal (runWith 4) one "4 processors"

            testCase "bad arguments exit with 2 and help exits with 0"
            <| fun () ->
                Expect.equal (qd [ "run"; "--task"; "nope"; "--out"; tempDir () ]) 2 "unknown task"
                Expect.equal (qd [ "run"; "--batch"; "many" ]) 2 "not a number"
                Expect.equal (qd [ "run"; "--archive"; "hex:5"; "--out"; tempDir () ]) 2 "bad archive spec"
                Expect.equal (qd [ "--help" ]) 0 "help"
                Expect.equal (qd [ "report"; tempDir () ]) 1 "report of a missing run"
        ]
