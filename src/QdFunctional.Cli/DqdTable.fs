/// The experiment of "Differentiable Quality Diversity" (Fontaine and Nikolaidis 2021, Table 1):
/// six algorithms on LP-sphere, LP-Rastrigin and the arm at d = 1000 for 10,000 iterations,
/// several seeds each, reported as normalized QD score and coverage beside the paper's figures.
module QdFunctional.Cli.DqdTable

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open QdFunctional

/// The paper's figures (normalized QD score, coverage %) that this repository has on record
/// (shared/FACTS.md); the rest of the paper's table is not reproduced here from memory.
let paper =
    dict
        [
            ("lp-sphere", Algorithms.CmaMega.cmaMega), (75.29, 100.0)
            ("lp-sphere", Algorithms.GradientOperators.omg), (71.58, 92.09)
            ("lp-sphere", Algorithms.MapElites.line), (12.21, 14.32)
            ("lp-sphere", Algorithms.MapElites.gaussian), (1.04, 1.17)
            ("lp-rastrigin", Algorithms.CmaMega.cmaMega), (62.54, 100.0)
            ("lp-rastrigin", Algorithms.GradientOperators.omg), (55.90, 77.00)
            ("arm", Algorithms.CmaMega.cmaMega), (74.18, 74.18)
            ("arm", Algorithms.CmaMe.cmaMe), (55.98, 56.95)
        ]

let algorithms =
    [
        Algorithms.MapElites.gaussian
        Algorithms.MapElites.line
        Algorithms.CmaMe.cmaMe
        Algorithms.GradientOperators.og
        Algorithms.GradientOperators.omg
        Algorithms.CmaMega.cmaMega
    ]

let tasks = [ "lp-sphere"; "lp-rastrigin"; "arm" ]

type Result =
    {
        Task: string
        Algorithm: string
        Seed: int
        NormQdScore: float
        Coverage: float
        Seconds: float
    }

let private runOne iterations dim (task, algorithm, seed) =
    let config =
        { RunConfig.preset task algorithm { RunConfig.defaults with Dim = dim } with
            Task = task
            Algorithm = algorithm
            Iterations = iterations
            Seed = uint64 seed
        }
        |> RunPlan.parse

    let t = Run.task config
    let clock = Stopwatch.StartNew()
    let final = Run.init config t |> Run.fold config t ignore
    let s = final.Archive.Stats

    {
        Task = task
        Algorithm = algorithm
        Seed = seed
        NormQdScore = s.NormQdScore
        Coverage = 100.0 * s.Coverage
        Seconds = clock.Elapsed.TotalSeconds
    }

let private meanSd (xs: float list) =
    let m = List.average xs

    let sd =
        if xs.Length > 1 then
            sqrt (xs |> List.sumBy (fun x -> (x - m) ** 2.0) |> fun v -> v / float (xs.Length - 1))
        else
            0.0

    m, sd

/// Runs every (task, algorithm, seed) on all cores and writes the Markdown table and raw CSV.
let run
    (seeds: int)
    (iterations: int)
    (dim: int)
    (selectedTasks: string list)
    (selectedAlgorithms: string list)
    (outDir: string)
    =
    Directory.CreateDirectory outDir |> ignore

    let jobs =
        [
            for t in selectedTasks do
                for a in selectedAlgorithms do
                    for s in 1..seeds -> t, a, s
        ]

    printfn
        "DQD table: %d runs (%d tasks × %d algorithms × %d seeds), %d iterations, d = %d"
        jobs.Length
        selectedTasks.Length
        selectedAlgorithms.Length
        seeds
        iterations
        dim

    let results = Collections.Concurrent.ConcurrentBag<Result>()
    let options = ParallelOptions(MaxDegreeOfParallelism = Environment.ProcessorCount)

    Parallel.ForEach(
        jobs,
        options,
        fun job ->
            let r = runOne iterations dim job
            results.Add r

            printfn
                "  %-13s %-16s seed %d: QD %.2f, coverage %.2f%% (%.0f s)"
                r.Task
                r.Algorithm
                r.Seed
                r.NormQdScore
                r.Coverage
                r.Seconds
    )
    |> ignore

    let csv = Path.Combine(outDir, "dqd-runs.csv")
    // Runs already in the CSV (from an earlier call with other algorithms) stay, unless redone now.
    let earlier =
        if File.Exists csv then
            File.ReadAllLines csv
            |> Array.skip 1
            |> Array.map (fun line ->
                let f = line.Split ','

                {
                    Task = f[0]
                    Algorithm = f[1]
                    Seed = int f[2]
                    NormQdScore = float f[3]
                    Coverage = float f[4]
                    Seconds = float f[5]
                })
            |> Array.toList
        else
            []

    let redone = results |> Seq.map (fun r -> r.Task, r.Algorithm, r.Seed) |> Set.ofSeq

    let all =
        (earlier
         |> List.filter (fun r -> not (redone.Contains(r.Task, r.Algorithm, r.Seed))))
        @ List.ofSeq results
        |> List.sortBy (fun r -> r.Task, r.Algorithm, r.Seed)

    File.WriteAllLines(
        csv,
        "task,algorithm,seed,norm_qd_score,coverage_percent,seconds"
        :: [
            for r in all -> $"{r.Task},{r.Algorithm},{r.Seed},{r.NormQdScore:R},{r.Coverage:R},{r.Seconds:F1}"
        ]
    )

    let lines =
        [
            // The documentation site files it under "Results", not "Other".
            "---"
            "title: Differentiable QD benchmark"
            "category: Results"
            "categoryindex: 3"
            "---"
            ""
            "# Differentiable QD benchmark: QdFunctional beside the paper"
            ""
            $"Normalized QD score and coverage (%%) after {iterations:N0} iterations, d = {dim}, 100×100 grid, mean ± standard deviation over the seeds listed (n). "
            + "Paper: Fontaine and Nikolaidis 2021, Table 1 (20 trials); only the entries this repository has on record are shown, the others are marked —."
            ""
            $"Regenerate with `./qd bench dqd --seeds N --iterations {iterations}` (writes this file and `dqd-runs.csv`); "
            + "`--algorithms a b` and `--tasks t` redo some rows and keep the other runs already in `dqd-runs.csv`. "
            + "CMA-ME has fewer seeds here: its full-covariance CMA-ES at d = 1000 costs minutes per run."
            ""
            "| task | algorithm | n | QD score (ours) | coverage % (ours) | QD score (paper) | coverage % (paper) | seconds per run |"
            "|---|---|---|---|---|---|---|---|"
        ]
        @ [
            for t in tasks do
                for a in algorithms do
                    let rs = all |> List.filter (fun r -> r.Task = t && r.Algorithm = a)

                    if not rs.IsEmpty then
                        let qm, qs = meanSd (rs |> List.map (fun r -> r.NormQdScore))
                        let cm, cs = meanSd (rs |> List.map (fun r -> r.Coverage))

                        let pq, pc =
                            match paper.TryGetValue((t, a)) with
                            | true, (q, c) -> $"{q:F2}", $"{c:F2}"
                            | _ -> "—", "—"

                        let secs = rs |> List.averageBy (fun r -> r.Seconds)
                        $"| {t} | {a} | {rs.Length} | {qm:F2} ± {qs:F2} | {cm:F2} ± {cs:F2} | {pq} | {pc} | {secs:F0} |"
        ]

    let md = Path.Combine(outDir, "dqd-table.md")
    File.WriteAllLines(md, lines)
    printfn "%s" md
    printfn "%s" csv
    0
