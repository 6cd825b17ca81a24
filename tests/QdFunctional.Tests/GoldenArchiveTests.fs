/// Guards every archive's bytes across refactors: each case is a `qd run` command line, and the
/// SHA-256 of the archive.parquet it writes must equal the one recorded in
/// golden-archives.sha256. A deliberate change of results (a new random stream, a fixed preset)
/// re-records the file once with QD_RECORD_GOLDEN=1 and says so in its commit.
module GoldenArchiveTests

open System
open System.IO
open System.Security.Cryptography
open Expecto
open QdFunctional.Cli

let private goldenFile =
    Path.Combine(__SOURCE_DIRECTORY__, "golden-archives.sha256")

/// Small runs over every algorithm and every task family, each in a few seconds at most.
let private cases: (string * string list) list =
    let lp = [ "--dim"; "12"; "--archive"; "grid:10x10"; "--iterations"; "15" ]

    let arm =
        [
            "--task"
            "arm"
            "--dim"
            "8"
            "--archive"
            "grid:10x10"
            "--iterations"
            "15"
        ]

    [
        for algorithm in
            [
                "map-elites"
                "map-elites-line"
                "og-map-elites"
                "omg-mega"
                "cma-me"
                "cma-mega"
            ] do
            for task in [ "lp-sphere"; "lp-rastrigin" ] do
                $"{algorithm} {task}", [ "--algorithm"; algorithm; "--task"; task ] @ lp

            $"{algorithm} arm", [ "--algorithm"; algorithm ] @ arm
        for algorithm in [ "cma-mega-adam"; "cma-me-mu"; "cma-mae"; "cma-maega" ] do
            $"{algorithm} lp-sphere", [ "--algorithm"; algorithm ] @ lp
            $"{algorithm} arm", [ "--algorithm"; algorithm ] @ arm
        "map-elites lp-sphere cvt",
        [
            "--algorithm"
            "map-elites"
            "--dim"
            "12"
            "--archive"
            "cvt:50"
            "--iterations"
            "10"
        ]
        "map-elites-line lp-sphere 3 emitters", [ "--emitters"; "3" ] @ lp
        "cma-me sep-cma-es rd", [ "--algorithm"; "cma-me"; "--strategy"; "sep-cma-es"; "--ranker"; "rd" ] @ lp
        "cma-me obj basic", [ "--algorithm"; "cma-me"; "--ranker"; "obj"; "--restart"; "basic" ] @ lp
        "cma-me restart 5", [ "--algorithm"; "cma-me"; "--restart"; "5" ] @ lp
        "me-map-elites lp-sphere",
        [
            "--algorithm"
            "me-map-elites"
            "--emitters"
            "3"
            "--ranker"
            "obj:2,2rd:2,2imp:2"
        ]
        @ lp
        "me-map-elites-all lp-sphere",
        [
            "--algorithm"
            "me-map-elites-all"
            "--emitters"
            "2"
            "--ranker"
            "2rd:2,2imp:1"
        ]
        @ lp
        "cma-me-mu mixed 2rd 1rd 2obj 1imp",
        [
            "--algorithm"
            "cma-me-mu"
            "--emitters"
            "4"
            "--ranker"
            "2rd:1,1rd:1,2obj:1,1imp:1"
        ]
        @ lp
        "ns-cma lp-sphere",
        [
            "--algorithm"
            "ns-cma"
            "--emitters"
            "3"
            "--dim"
            "12"
            "--iterations"
            "15"
        ]
        "nslc-cma lp-sphere",
        [
            "--algorithm"
            "nslc-cma"
            "--emitters"
            "3"
            "--dim"
            "12"
            "--iterations"
            "15"
        ]
        "nslc-cma 2imp batch novelty",
        [
            "--algorithm"
            "nslc-cma"
            "--emitters"
            "3"
            "--ranker"
            "2imp"
            "--archive"
            "proximity:k=15,threshold=0.5,batch=true"
            "--dim"
            "12"
            "--iterations"
            "15"
        ]
        "cma-mega engine", [ "--algorithm"; "cma-mega"; "--gradients"; "engine" ] @ lp
        "cma-mega engine float32",
        [ "--algorithm"; "cma-mega"; "--gradients"; "engine"; "--dtype"; "float32" ]
        @ lp
        "cma-mega es", [ "--algorithm"; "cma-mega"; "--gradients"; "es" ] @ lp
        "omg-mega es arm", [ "--algorithm"; "omg-mega"; "--gradients"; "es" ] @ arm
        "map-elites-line ilgpu-cpu", [ "--device"; "ilgpu-cpu" ] @ lp
        "og-map-elites ilgpu-cpu arm", [ "--algorithm"; "og-map-elites"; "--device"; "ilgpu-cpu" ] @ arm
        for emitter in [ "standard"; "biased"; "gradient"; "hybrid"; "hybrid-gradient"; "mega-hybrid" ] do
            $"mome {emitter} mo-sphere",
            [
                "--algorithm"
                "mome"
                "--task"
                "mo-sphere"
                "--dim"
                "10"
                "--archive"
                "cvt:32"
                "--iterations"
                "10"
                "--batch"
                "20"
                "--mome-emitter"
                emitter
            ]
        "mome mo-rastrigin",
        [
            "--algorithm"
            "mome"
            "--task"
            "mo-rastrigin"
            "--dim"
            "10"
            "--archive"
            "cvt:32"
            "--iterations"
            "10"
        ]
        "adam mo-sphere",
        [
            "--algorithm"
            "adam"
            "--task"
            "mo-sphere"
            "--dim"
            "10"
            "--iterations"
            "10"
        ]
        "novelty-search maze", [ "--algorithm"; "novelty-search"; "--task"; "maze"; "--iterations"; "20" ]
        "nslc maze", [ "--algorithm"; "nslc"; "--task"; "maze"; "--iterations"; "20" ]
        "map-elites brittle-star",
        [
            "--task"
            "brittle-star"
            "--iterations"
            "1"
            "--batch"
            "6"
            "--init-pop"
            "6"
        ]
        "map-elites quadruped",
        [
            "--task"
            "quadruped"
            "--iterations"
            "1"
            "--batch"
            "6"
            "--init-pop"
            "6"
        ]
    ]

/// The archive bytes' SHA-256 of one case, run through the command line into a fresh folder.
let private hashOf (args: string list) =
    let out =
        Path.Combine(Path.GetTempPath(), "qd-golden", Guid.NewGuid().ToString("N"))

    let code =
        Program.main (List.toArray ([ "run" ] @ args @ [ "--out"; out; "--quiet" ]))

    if code <> 0 then
        failwithf "qd run %s exited with %d" (String.concat " " args) code

    let hash =
        SHA256.HashData(File.ReadAllBytes(Path.Combine(out, "archive.parquet")))
        |> Convert.ToHexStringLower

    Directory.Delete(out, true)
    hash

let private recorded () =
    File.ReadAllLines goldenFile
    |> Array.filter (fun l -> l.Trim() <> "" && not (l.StartsWith "#"))
    |> Array.map (fun l -> l.Substring(66), l.Substring(0, 64))
    |> Map.ofArray

/// QD_RECORD_GOLDEN=1 writes the file afresh instead of comparing.
let private recording = Environment.GetEnvironmentVariable "QD_RECORD_GOLDEN" = "1"

let private robot (name: string) =
    name.EndsWith "brittle-star" || name.EndsWith "quadruped"

[<Tests>]
let tests =
    if recording then
        testCase "record golden archive hashes"
        <| fun () ->
            let lines =
                [
                    "# SHA-256 of archive.parquet per `qd run` case (GoldenArchiveTests.fs); re-record with QD_RECORD_GOLDEN=1."
                    for name, args in cases do
                        $"{hashOf args}  {name}"
                ]

            File.WriteAllLines(goldenFile, lines)
    else
        testSequenced
        <| testList
            "Golden archives"
            [
                for name, args in cases ->
                    testCase name
                    <| fun () ->
                        if robot name && not (QdFunctional.Physics.Native.MuJoCoLibrary.IsAvailable()) then
                            skiptest "MuJoCo is not installed"

                        match Map.tryFind name (recorded ()) with
                        | None -> failtestf "no recorded hash for '%s' in %s" name goldenFile
                        | Some expected -> Expect.equal (hashOf args) expected $"archive bytes of qd run {args}"
            ]
