module Main

open System
open Expecto
open QdFunctional.Diff

let private allTests =
    testList
        "diff"
        [
            KernelTests.tests
            GradientTests.tests
            TaskTests.tests
            ErrorTests.tests
            EngineTests.tests
            FrontTests.tests
            PortableMathTests.tests
            FixedOrderTests.tests
            DtypeTests.tests
            GpuTests.tests
        ]

/// Runs the suite; with --bench [backend] runs the engine benchmark instead (never part of the tests).
[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    | "--bench" :: rest ->
        match rest with
        | name :: _ -> Engine.Backend <- Backends.ByName name
        | [] -> ()

        Benchmarks.EngineBenchmark.Run(Console.Out)
        0
    | _ -> runTestsWithCLIArgs [] argv allTests
