/// `qd reevaluate RUN [--samples N] [--aggregate mean|median] [--seed S]`: how much of a noisy
/// run's archive is luck (Reevaluate).
module QdFunctional.Cli.ReevaluateCommand

open Argu
open QdFunctional
open QdFunctional.Core.Random
open QdFunctional.Core.Tasks
open QdFunctional.Cli.Arguments

let reevaluate (args: ParseResults<ReevaluateArgs>) =
    let dir = args.GetResult ReevaluateArgs.Run_Dir
    let samples = args.GetResult(ReevaluateArgs.Samples, Reevaluate.defaultSamples)

    if samples < 1 then
        invalidArg "samples" $"--samples must be 1 or more, got {samples}."

    let aggregate =
        match args.TryGetResult ReevaluateArgs.Aggregate with
        | None
        | Some "mean" -> SampleAggregate.Mean
        | Some "median" -> SampleAggregate.Median
        | Some other -> invalidArg "aggregate" $"--aggregate must be mean or median, got '{other}'."

    let key =
        args.TryGetResult ReevaluateArgs.Seed
        |> Option.map (fun s ->
            if s < 0L then
                invalidArg "seed" $"seed must be 0 or more, got {s}."

            Key.Of(uint64 s))

    let summary = Reevaluate.ofRun dir key samples aggregate
    printfn "%s" (Reevaluate.describe summary)
    printfn "%s" (System.IO.Path.Combine(dir, Reevaluate.archiveFileName))
    printfn "%s" (System.IO.Path.Combine(dir, Reevaluate.fileName))
    0
