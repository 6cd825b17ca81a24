/// The reproducibility promise end to end: `qd run` writes the same archive bytes whether the JIT
/// may use AVX/AVX2 or not (each run in a child process, since the switch is read at start-up).
/// That holds because normals, task functions, CMA updates and reductions use PortableMath and
/// FixedOrder, whose results do not depend on the vector hardware.
module PortabilityTests

open System
open System.Diagnostics
open System.IO
open Expecto

let private qdDll = Path.Combine(AppContext.BaseDirectory, "qd.dll")

let private dotnet =
    match Environment.ProcessPath with
    | null -> "dotnet"
    | p when Path.GetFileNameWithoutExtension(p) = "dotnet" -> p
    | _ -> "dotnet"

/// Runs qd in a child process, AVX and AVX2 off when asked, and returns the archive's bytes.
let private archiveBytes (noAvx: bool) (args: string list) =
    let out =
        Path.Combine(Path.GetTempPath(), "qd-portability-tests", Guid.NewGuid().ToString("N"))

    let info =
        ProcessStartInfo(dotnet, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)

    for a in [ qdDll; "run" ] @ args @ [ "--out"; out; "--quiet" ] do
        info.ArgumentList.Add a

    if noAvx then
        info.Environment["DOTNET_EnableAVX2"] <- "0"
        info.Environment["DOTNET_EnableAVX"] <- "0"

    use p = Process.Start info
    let stdout = p.StandardOutput.ReadToEndAsync()
    let stderr = p.StandardError.ReadToEnd()
    p.WaitForExit()

    if p.ExitCode <> 0 then
        failtestf "qd %A exited with %d: %s %s" args p.ExitCode stdout.Result stderr

    let bytes = File.ReadAllBytes(Path.Combine(out, "archive.parquet"))
    Directory.Delete(out, true)
    bytes

[<Tests>]
let tests =
    testSequenced
    <| testList
        "portability"
        [
            for algorithm in [ "map-elites"; "map-elites-line"; "cma-mega" ] ->
                testCase $"{algorithm} on lp-rastrigin writes the same archive bytes with and without AVX2"
                <| fun () ->
                    let args =
                        [
                            "--task"
                            "lp-rastrigin"
                            "--dim"
                            "50"
                            "--iterations"
                            "40"
                            "--algorithm"
                            algorithm
                        ]

                    let withAvx = archiveBytes false args
                    let without = archiveBytes true args
                    Expect.isTrue (withAvx.AsSpan().SequenceEqual(ReadOnlySpan without)) "archive.parquet bytes"
        ]
