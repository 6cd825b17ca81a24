/// The typed run plan: presets applied in one place with explicit options on top, every error
/// at once, and CMA-MAE from the command line annealing as its paper says.
module RunPlanTests

open System
open System.IO
open System.Threading
open Argu
open Expecto
open Microsoft.FSharp.Reflection
open QdFunctional
open QdFunctional.Cli
open QdFunctional.Cli.Arguments

let private parseRun (args: string list) =
    ArgumentParser.Create<RunArgs>(programName = "qd run").ParseCommandLine(List.toArray args)

/// The fields where two configs differ, by name (empty when equal field by field).
let private differences (a: RunConfig) (b: RunConfig) =
    FSharpType.GetRecordFields typeof<RunConfig>
    |> Array.filter (fun f ->
        let x, y = f.GetValue a, f.GetValue b

        match x, y with
        | (:? float as u), (:? float as v) -> not (u = v || (Double.IsNaN u && Double.IsNaN v))
        | _ -> not (Object.Equals(x, y)))
    |> Array.map _.Name
    |> Array.toList

/// One task of each family the recipes serve: LP, the arm, the maze, several objectives, a robot.
let private tasks = [ "lp-sphere"; "arm"; "maze"; "mo-sphere"; "brittle-star" ]

[<Tests>]
let tests =
    testList
        "Run plan"
        [
            testList
                "qd run's config is the recipe's preset plus the explicit options, field by field"
                [
                    for algorithm in Recipes.algorithms do
                        for task in tasks do
                            let facts = Tasks.facts task

                            let preset =
                                Recipes.preset
                                    task
                                    algorithm
                                    { RunConfig.defaults with
                                        Task = task
                                        Algorithm = algorithm
                                        Dim = facts.DefaultDim
                                    }

                            // Only the combinations the plan accepts (mome needs several objectives, …).
                            if (RunPlan.tryParse preset) |> Result.isOk then
                                testCase $"{algorithm} on {task}"
                                <| fun () ->
                                    let explicitOnes =
                                        [ "--iterations"; "7"; "--seed"; "3"; "--emitters"; "2"; "--line-sigma"; "0.3" ]

                                    let config =
                                        RunCommand.configOf (
                                            parseRun ([ "--algorithm"; algorithm; "--task"; task ] @ explicitOnes)
                                        )

                                    let expected =
                                        { preset with
                                            Iterations = 7
                                            Seed = 3UL
                                            Emitters = 2
                                            LineSigma = 0.3
                                        }

                                    Expect.equal (differences config expected) [] "fields that differ"
                ]

            testCase "cma-mae and cma-maega keep their annealing preset from the command line"
            <| fun () ->
                for algorithm in [ "cma-mae"; "cma-maega" ] do
                    let config = RunCommand.configOf (parseRun [ "--algorithm"; algorithm ])
                    Expect.equal config.ArchiveLearningRate 0.01 $"{algorithm}: learning rate"
                    Expect.equal config.ThresholdMin 0.0 $"{algorithm}: minimum threshold"
                    Expect.equal config.Restart "basic" $"{algorithm}: restarts"

                let overridden =
                    RunCommand.configOf (parseRun [ "--algorithm"; "cma-mae"; "--learning-rate"; "0.1" ])

                Expect.equal overridden.ArchiveLearningRate 0.1 "an explicit learning rate wins"
                Expect.equal overridden.ThresholdMin 0.0 "and the rest of the preset stays"

            testCase "CMA-MAE from the command line anneals: thresholds move at the learning rate"
            <| fun () ->
                let config =
                    RunCommand.configOf (
                        parseRun
                            [
                                "--algorithm"
                                "cma-mae"
                                "--dim"
                                "10"
                                "--archive"
                                "grid:10x10"
                                "--iterations"
                                "30"
                            ]
                    )

                let plan = RunPlan.parse config
                let task = Run.task plan
                let final = Run.init plan task |> Run.fold plan task ignore
                let search = final.Scheduler.Archive
                let result = final.Scheduler.Results
                Expect.isFalse (obj.ReferenceEquals(search, result)) "a result archive beside the search archive"

                // Each threshold starts at 0 and moves towards each accepted objective by a share α of
                // the gap, so it stays above 0 and below the cell's best objective; with α = 1
                // (plain MAP-Elites) it would equal the elite's objective.
                let best = result.Elites |> Seq.map (fun e -> e.Cell, e.Objective) |> Map.ofSeq

                let ratios =
                    [
                        for e in search.Elites do
                            Expect.isGreaterThan e.Threshold 0.0 $"cell {e.Cell}: threshold above the minimum"

                            Expect.isLessThan
                                e.Threshold
                                best[e.Cell]
                                $"cell {e.Cell}: threshold below the best objective"

                            e.Threshold / best[e.Cell]
                    ]

                Expect.isLessThan (List.average ratios) 0.5 "thresholds lag far behind the objectives (α = 0.01)"

                Expect.isGreaterThan
                    result.Stats.QdScore
                    search.Stats.QdScore
                    "the result archive keeps each cell's best; the search archive its latest entrant"

            testCase "a config with several errors reports all of them at once"
            <| fun () ->
                let bad =
                    { RunConfig.defaults with
                        Batch = 0
                        Sigma = nan
                        Ranker = "best"
                        Archive = "grid:10"
                    }

                match RunPlan.tryParse bad with
                | Ok _ -> failtest "accepted"
                | Error errors ->
                    Expect.equal errors.Length 4 $"four errors: {errors}"

                    for word in [ "batch"; "sigma"; "ranker"; "measures" ] do
                        Expect.isTrue
                            (errors |> List.exists (fun e -> e.Contains word))
                            $"an error names {word}: {errors}"

            testCase "qd run --help lists every algorithm the recipes have"
            <| fun () ->
                let usage = ArgumentParser.Create<RunArgs>(programName = "qd run").PrintUsage()

                for algorithm in Recipes.algorithms do
                    Expect.stringContains usage algorithm $"{algorithm} in the help"

            testCase "no algorithm name is spelled outside its recipe in the product sources"
            <| fun () ->
                let src = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "src")

                let offenders =
                    [
                        for file in Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories) do
                            let ext = Path.GetExtension file

                            if
                                (ext = ".fs" || ext = ".cs")
                                && not (
                                    file.Contains $"{Path.DirectorySeparatorChar}Recipes{Path.DirectorySeparatorChar}"
                                )
                                && not (file.Contains $"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                            then
                                // Code lines only: comments may name algorithms.
                                let code =
                                    File.ReadAllLines file
                                    |> Array.filter (fun l -> not (l.TrimStart().StartsWith "//"))

                                // pyribs' NSLC ranker and sphere configuration share the name "nslc" with our
                                // algorithm: the ranker table and the pyribs table may spell ranker names.
                                let rankerNames = RankerKind.names |> List.map fst |> Set.ofList

                                let mayShare =
                                    Path.GetFileName file = "Emitter.fs" || Path.GetFileName file = "PyribsTable.fs"

                                for line in code do
                                    for algorithm in Recipes.algorithms do
                                        if
                                            line.Contains $"\"{algorithm}\""
                                            && not (mayShare && rankerNames.Contains algorithm)
                                        then
                                            $"{Path.GetFileName file}: {line.Trim()}"
                    ]

                Expect.equal offenders [] "algorithm literals outside src/QdFunctional/Recipes"
        ]
