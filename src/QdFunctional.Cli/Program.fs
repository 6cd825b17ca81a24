module QdFunctional.Cli.Program

open System
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

[<EntryPoint>]
let main argv =
    // `qd` knows every task and device the project has.
    Robots.register ()
    Devices.register ()
    let parser = ArgumentParser.Create<QdArgs>(programName = "qd")

    try
        let args = parser.ParseCommandLine(argv, raiseOnUsage = true)

        if args.Contains Version then
            printfn "qd %s" RunConfig.version
            0
        else

            match args.GetSubCommand() with
            | Run r -> RunCommand.run r
            | Pipeline p -> PipelineCommand.pipeline p
            | Resume r when Pipeline.isPipeline (r.GetResult ResumeArgs.Run_Dir) ->
                PipelineCommand.resume (r.GetResult ResumeArgs.Run_Dir) (r.Contains ResumeArgs.Quiet)
            | Resume r -> RunCommand.resume r
            | Report r -> ReportCommand.report r
            | Compare c -> CompareCommand.compare c
            | Bench b -> BenchCommand.bench b
            | Worker w -> ClusterCommand.worker w
            | Cluster c -> ClusterCommand.cluster c
            | Replay r -> ReplayCommand.replay r
            | Export e -> ExportCommand.export e
            | Reevaluate r -> ReevaluateCommand.reevaluate r
            | Compare_Batch c -> CompareBatchCommand.compare c
            | Serve s -> ServeCommand.serve s
            | Version -> 0
    with
    | :? ArguParseException as e ->
        // Help requested, or bad arguments: Argu's message already names the argument.
        let help = e.ErrorCode = ErrorCode.HelpText
        (if help then stdout else stderr).WriteLine e.Message
        if help then 0 else 2
    | :? QdFunctional.Physics.Native.PhysicsUnavailableException as e ->
        // MuJoCo missing: one line that says what to install.
        eprintfn "qd: %s" e.Message
        1
    | :? QdFunctional.Gpu.DeviceUnavailableException as e ->
        // The message is the whole story (which device, what to use instead): no stack trace.
        eprintfn "qd: %s" e.Message
        2
    | :? ArgumentException as e ->
        // .NET appends " (Parameter 'name')" to the message; the message already names it.
        let tail = $" (Parameter '{e.ParamName}')"

        eprintfn
            "qd: %s"
            (if isNull e.ParamName then
                 e.Message
             else
                 e.Message.Replace(tail, ""))

        2
    | :? QdFunctional.Core.Tasks.EvaluationUnavailableException as e ->
        eprintfn "qd: %s" e.Message
        1
    | :? IO.IOException as e ->
        eprintfn "qd: %s" e.Message
        1
