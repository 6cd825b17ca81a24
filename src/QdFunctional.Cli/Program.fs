module QdFunctional.Cli.Program

[<EntryPoint>]
let main argv = 0
