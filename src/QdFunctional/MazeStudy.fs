namespace QdFunctional

open QdFunctional.Core.Tasks

/// What one search reached on the deceptive maze, counted over every solution it evaluated.
type MazeOutcome =
    {
        /// The search, as `MazeStudy.searches` names it.
        Search: string
        Seed: uint64
        Evaluations: int64
        /// Smallest distance from an evaluated solution's final position to the goal.
        NearestToGoal: float
        /// Cells of a 10 × 10 grid over the maze in which some evaluated solution ended.
        Cells: int
        /// Of those, cells above the cup's ceiling (y > 0.6), the side the goal is on.
        CellsAboveCeiling: int
        /// Entries or elites in the final archive.
        ArchiveSize: int
    }

/// Novelty search against objective-driven search on the maze, at the same budget, mutation and
/// seed: the study behind the README's table, `qd bench maze` and the test that asserts it.
[<RequireQualifiedAccess>]
module MazeStudy =
    /// The searches compared: novelty search, NSLC, MAP-Elites (20 × 20 grid) and objective only
    /// (MAP-Elites on a single cell: it keeps the best solution and mutates it, a (1 + λ) search).
    let searches =
        [
            Algorithms.Novelty.noveltySearch
            Algorithms.Novelty.nslc
            Algorithms.MapElites.gaussian
            "objective-only"
        ]

    /// The run config of `search` with `iterations` iterations (Gaussian σ 0.2 for all).
    let config (search: string) (seed: uint64) (iterations: int) =
        let algorithm =
            if search = "objective-only" then
                Algorithms.MapElites.gaussian
            else
                search

        let preset = RunConfig.preset "maze" algorithm { RunConfig.defaults with Dim = 20 }

        { preset with
            Task = "maze"
            Dim = 20
            Algorithm = algorithm
            Archive =
                match search with
                | "objective-only" -> "grid:1x1"
                | s when s = Algorithms.MapElites.gaussian -> "grid:20x20"
                | _ -> preset.Archive
            Sigma = 0.2
            Seed = seed
            Iterations = iterations
            CheckpointEvery = 0
        }
        |> RunConfig.validate

    /// A task that remembers where every evaluated solution ended.
    type private Recording(inner: ITask) =
        let reached = ResizeArray<float[]>()
        member _.Reached = reached

        interface ITask with
            member _.Name = inner.Name
            member _.SolutionDim = inner.SolutionDim
            member _.ObjectiveCount = inner.ObjectiveCount
            member _.MeasureDim = inner.MeasureDim
            member _.MeasureLow = inner.MeasureLow
            member _.MeasureHigh = inner.MeasureHigh
            member _.ObjectiveRange = inner.ObjectiveRange
            member _.HasGradients = inner.HasGradients

            member _.Evaluate(solutions, withJacobians) =
                let e = inner.Evaluate(solutions, withJacobians)

                for i in 0 .. e.Count - 1 do
                    reached.Add(e.MeasuresOf(i).ToArray())

                e

    /// Distance from a final position to the goal.
    let distanceToGoal (p: float[]) =
        let struct (gx, gy) = QdFunctional.Diff.Benchmarks.Maze.Goal
        sqrt ((p[0] - gx) ** 2.0 + (p[1] - gy) ** 2.0)

    let private cells (points: float[] seq) =
        points
        |> Seq.map (fun p -> min 9 (int (p[0] * 10.0)), min 9 (int (p[1] * 10.0)))
        |> Seq.distinct
        |> Seq.length

    /// Runs `search` and counts what it reached.
    let run (search: string) (seed: uint64) (iterations: int) =
        let plan = config search seed iterations |> RunPlan.parse
        let task = Recording(Run.task plan)
        let final = Run.init plan task |> Run.fold plan task ignore

        {
            Search = search
            Seed = seed
            Evaluations = final.Evaluations
            NearestToGoal = task.Reached |> Seq.map distanceToGoal |> Seq.min
            Cells = cells task.Reached
            CellsAboveCeiling = task.Reached |> Seq.filter (fun p -> p[1] > 0.6) |> cells
            ArchiveSize = final.Archive.Stats.NumElites
        }

    /// Every search over seeds 1..`seeds`, one line each, then the mean per search: `qd bench maze`.
    let report (out: System.IO.TextWriter) (seeds: int) (iterations: int) =
        out.WriteLine(
            $"Deceptive maze, {iterations} iterations of 36 (+100 initial), sigma 0.2; counted over every evaluated solution:"
        )

        out.WriteLine(
            "  search            seed  evaluations  nearest to goal  cells (10x10)  above ceiling  archive  seconds"
        )

        for search in searches do
            let outcomes =
                [
                    for seed in 1..seeds ->
                        let clock = System.Diagnostics.Stopwatch.StartNew()
                        let o = run search (uint64 seed) iterations

                        out.WriteLine(
                            $"  {search, -16} {seed, 5} {o.Evaluations, 12} {o.NearestToGoal, 16:F3} {o.Cells, 14} {o.CellsAboveCeiling, 14} {o.ArchiveSize, 8} {clock.Elapsed.TotalSeconds, 8:F1}"
                        )

                        o
                ]

            let reached =
                outcomes |> List.filter (fun o -> o.NearestToGoal < 0.1) |> List.length

            out.WriteLine(
                $"  {search, -16}  mean: nearest {outcomes |> List.averageBy (fun o -> o.NearestToGoal):F3}, cells {outcomes |> List.averageBy (fun o -> float o.Cells):F1}, reached the goal (< 0.1) in {reached} of {seeds}"
            )
