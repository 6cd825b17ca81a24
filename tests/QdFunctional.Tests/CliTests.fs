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
        [ testCase "qd run writes the three files, qd report draws two pictures"
          <| fun () ->
              let out = tempDir ()
              let code =
                  qd [ "run"; "--task"; "arm"; "--dim"; "12"; "--iterations"; "30"; "--batch"; "20"; "--archive"; "grid:30x30"; "--out"; out; "--quiet" ]
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
              qd [ "run"; "--dim"; "10"; "--iterations"; "5"; "--batch"; "8"; "--archive"; "grid:10x10"; "--out"; out; "--quiet" ] |> ignore
              Expect.equal (qd [ "resume"; out; "--iterations"; "9"; "--quiet" ]) 0 "resume exit code"
              let metrics = QdFunctional.Results.loadMetrics (Path.Combine(out, "metrics.parquet"))
              Expect.equal (Array.last metrics).Iteration 9 "ran to the new end"

          testCase "bad arguments exit with 2 and help exits with 0"
          <| fun () ->
              Expect.equal (qd [ "run"; "--task"; "nope"; "--out"; tempDir () ]) 2 "unknown task"
              Expect.equal (qd [ "run"; "--batch"; "many" ]) 2 "not a number"
              Expect.equal (qd [ "run"; "--archive"; "hex:5" ; "--out"; tempDir ()]) 2 "bad archive spec"
              Expect.equal (qd [ "--help" ]) 0 "help"
              Expect.equal (qd [ "report"; tempDir () ]) 1 "report of a missing run" ]
