module Main

open Expecto

[<EntryPoint>]
let main argv =
    QdFunctional.Robots.register ()
    QdFunctional.Devices.register ()
    Tests.runTestsInAssemblyWithCLIArgs [] argv
