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
            ModelTests.tests
            ModelTests.properties
        ]

[<EntryPoint>]
let main argv =
    QdFunctional.Devices.register ()
    runTestsWithCLIArgs [] argv allTests
