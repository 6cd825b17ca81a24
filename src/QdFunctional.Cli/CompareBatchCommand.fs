module QdFunctional.Cli.CompareBatchCommand

open System.IO
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments

/// `qd compare-batch`: runs every batch size × seed, writes the table and the picture, prints a summary.
let compare (args: ParseResults<CompareBatchArgs>) =
    let task = args.GetResult(CompareBatchArgs.Task, "lp-sphere")

    let algorithm =
        args.GetResult(CompareBatchArgs.Algorithm, Algorithms.MapElites.gaussian)

    let robot =
        (QdFunctional.Physics.AllTasks.Contains task
         && QdFunctional.Physics.AllTasks.Facts(task).Robot)

    if robot then
        QdFunctional.Physics.Native.MuJoCoLibrary.Shared |> ignore

    let p =
        RunConfig.preset
            task
            algorithm
            { RunConfig.defaults with
                Dim = args.GetResult(CompareBatchArgs.Dim, 100)
            }

    let config =
        { p with
            Task = task
            Algorithm = algorithm
            Archive = args.GetResult(CompareBatchArgs.Archive, (if robot then p.Archive else "grid:100x100"))
            Seed = uint64 (args.GetResult(CompareBatchArgs.Seed, 42L))
        }
        |> RunConfig.validate

    let batches =
        args.GetResult(CompareBatchArgs.Batches, (if robot then [ 16; 64; 256 ] else [ 16; 64; 256; 1024 ]))

    let budget =
        args.GetResult(CompareBatchArgs.Budget, (if robot then 1024L else 100_000L))

    let seeds = args.GetResult(CompareBatchArgs.Seeds, (if robot then 2 else 3))

    if batches |> List.exists (fun b -> b < 1) || budget < 1L || seeds < 1 then
        invalidArg "batches" "batch sizes, budget and seeds must be positive."

    let out =
        args.GetResult(CompareBatchArgs.Out, Path.Combine("data", "compare-batch", $"{task}-{algorithm}"))

    Directory.CreateDirectory out |> ignore

    printfn
        "%s on %s (d = %d), archive %s: batch sizes %s, %d evaluations each, %d seeds"
        algorithm
        task
        config.Dim
        config.Archive
        (batches |> List.map string |> String.concat ", ")
        budget
        seeds

    let rows =
        BatchComparison.all config budget batches seeds (fun b s -> printfn "  batch %d, seed %d done" b s)

    let table = Path.Combine(out, "compare-batch.parquet")
    let picture = Path.Combine(out, "compare-batch.png")
    BatchComparison.save table rows
    BatchComparison.plot rows $"{algorithm} on {task}: QD score at several batch sizes, {budget} evaluations" picture

    printfn "%8s %12s %12s %12s" "batch" "evaluations" "seconds" "QD score"

    for b, evals, secs, qd in BatchComparison.means rows do
        let last = evals.Length - 1
        printfn "%8d %12.0f %12.2f %12.2f" b evals[last] secs[last] qd[last]

    printfn "%s" table
    printfn "%s" picture
    0
