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

/// Runs qd in a child process with the given DOTNET_Enable* switches, and returns the archive's bytes.
let private archiveBytesWith (switches: (string * string) list) (args: string list) =
    let out =
        Path.Combine(Path.GetTempPath(), "qd-portability-tests", Guid.NewGuid().ToString("N"))

    let info =
        ProcessStartInfo(dotnet, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)

    for a in [ qdDll; "run" ] @ args @ [ "--out"; out; "--quiet" ] do
        info.ArgumentList.Add a

    for name, value in switches do
        info.Environment[name] <- value

    use p = Process.Start info
    let stdout = p.StandardOutput.ReadToEndAsync()
    let stderr = p.StandardError.ReadToEnd()
    p.WaitForExit()

    if p.ExitCode <> 0 then
        failtestf "qd %A exited with %d: %s %s" args p.ExitCode stdout.Result stderr

    let bytes = File.ReadAllBytes(Path.Combine(out, "archive.parquet"))
    Directory.Delete(out, true)
    bytes

/// Runs qd in a child process, AVX and AVX2 off when asked.
let private archiveBytes (noAvx: bool) (args: string list) =
    archiveBytesWith
        (if noAvx then
             [ "DOTNET_EnableAVX2", "0"; "DOTNET_EnableAVX", "0" ]
         else
             [])
        args

[<Tests>]
let tests =
    testSequenced
    <| testList
        "portability"
        [
            for algorithm in [ "map-elites"; "map-elites-line"; "cma-mega" ] do
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

            // The normal draws have a 512-bit form (sixteen values per group) and the tasks a vector form:
            // switching AVX-512 off, or every vector extension, must not change a bit.
            for task in [ "arm"; "lp-rastrigin" ] do
                for name, switches in
                    [
                        "AVX-512", [ "DOTNET_EnableAVX512F", "0" ]
                        "AVX2 and AVX", [ "DOTNET_EnableAVX2", "0"; "DOTNET_EnableAVX", "0" ]
                    ] do
                    testCase $"map-elites-line on {task} writes the same archive bytes with and without {name}"
                    <| fun () ->
                        let args =
                            [
                                "--task"
                                task
                                "--dim"
                                "21"
                                "--iterations"
                                "40"
                                "--algorithm"
                                "map-elites-line"
                                "--batch"
                                "37"
                            ]

                        let usual = archiveBytesWith [] args
                        let without = archiveBytesWith switches args
                        Expect.isTrue (usual.AsSpan().SequenceEqual(ReadOnlySpan without)) "archive.parquet bytes"

            // The engine's kernels too: fused multiply-adds and 512-bit vectors never change a bit.
            for name, switch in [ "FMA", "DOTNET_EnableFMA"; "AVX-512", "DOTNET_EnableAVX512F" ] do
                testCase
                    $"cma-mega with engine gradients on the arm writes the same archive bytes with and without {name}"
                <| fun () ->
                    let args =
                        [
                            "--task"
                            "arm"
                            "--dim"
                            "50"
                            "--iterations"
                            "30"
                            "--algorithm"
                            "cma-mega"
                            "--gradients"
                            "engine"
                        ]

                    let usual = archiveBytesWith [] args
                    let without = archiveBytesWith [ switch, "0" ] args
                    Expect.isTrue (usual.AsSpan().SequenceEqual(ReadOnlySpan without)) "archive.parquet bytes"
        ]
