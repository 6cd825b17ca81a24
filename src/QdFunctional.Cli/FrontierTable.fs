/// The research frontier on pyribs' sphere benchmark (its examples/sphere.py): Density Descent Search
/// and Discount Model Search at d = 100 on a 100×100 grid over ±256, 540 evaluations per iteration,
/// 10,000 iterations, several seeds each, reported as QD score and coverage beside pyribs' published
/// 20-trial rows.
module QdFunctional.Cli.FrontierTable

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open QdFunctional

/// pyribs' published rows for the sphere example (20 trials): QD score mean and standard deviation,
/// coverage % mean and standard deviation.
let pyribs =
    dict
        [
            Algorithms.Dms.dms, (700776.58, 8525.05, 95.99, 1.43)
            Algorithms.Dds.dds, (344447.87, 40153.65, 72.72, 3.21)
        ]

/// The algorithms the table runs by default: those of pyribs' rows this build has.
let algorithms = [ Algorithms.Dds.dds; Algorithms.Dms.dms ]

type Result =
    {
        Algorithm: string
        Seed: int
        QdScore: float
        Coverage: float
        Seconds: float
    }

/// The run `qd run --task lp-sphere --dim 100 --algorithm A --iterations N --seed S` makes.
let config iterations algorithm seed =
    { RunConfig.preset "lp-sphere" algorithm { RunConfig.defaults with Dim = 100 } with
        Dim = 100
        Archive = "grid:100x100"
        Iterations = iterations
        Seed = uint64 seed
        CheckpointEvery = 0
    }

let private runOne iterations (algorithm, seed) =
    let plan = config iterations algorithm seed |> RunPlan.parse
    let t = Run.task plan
    let clock = Stopwatch.StartNew()
    let final = Run.init plan t |> Run.fold plan t ignore
    let s = final.Archive.Stats

    {
        Algorithm = algorithm
        Seed = seed
        QdScore = s.QdScore
        Coverage = 100.0 * s.Coverage
        Seconds = clock.Elapsed.TotalSeconds
    }

let private meanSd (xs: float list) =
    let m = List.average xs

    let sd =
        if xs.Length > 1 then
            sqrt ((xs |> List.sumBy (fun x -> (x - m) ** 2.0)) / float (xs.Length - 1))
        else
            0.0

    m, sd

let private readCsv (csv: string) =
    if File.Exists csv then
        File.ReadAllLines csv
        |> Array.skip 1
        |> Array.map (fun line ->
            let f = line.Split ','

            {
                Algorithm = f[0]
                Seed = int f[1]
                QdScore = float f[2]
                Coverage = float f[3]
                Seconds = float f[4]
            })
        |> Array.toList
    else
        []

/// Runs every (algorithm, seed) on all cores, appending each finished run to `frontier-runs.csv` in
/// outDir, then writes `frontier-table.md` from every run in the CSV (runs of other algorithms or seeds
/// already there are kept; `seeds` 0 only rewrites the table).
let run (seeds: int) (iterations: int) (selected: string list) (outDir: string) =
    Directory.CreateDirectory outDir |> ignore

    for a in selected do
        if not (pyribs.ContainsKey a) then
            invalidArg
                "algorithms"
                $"""The frontier table compares {String.concat ", " pyribs.Keys} with pyribs; got '{a}'."""

    let jobs =
        [
            for s in 1..seeds do
                for a in selected -> a, s
        ]

    printfn
        "Frontier table: %d runs (%d algorithms × %d seeds), %d iterations, lp-sphere d = 100"
        jobs.Length
        selected.Length
        seeds
        iterations

    let csv = Path.Combine(outDir, "frontier-runs.csv")
    let header = "algorithm,seed,qd_score,coverage_percent,seconds"

    let line (r: Result) =
        $"{r.Algorithm},{r.Seed},{r.QdScore:R},{r.Coverage:R},{r.Seconds:F1}"
    // The runs about to be redone leave the CSV first; each finished run is appended at once, so an
    // interrupted call keeps every run it finished.
    let redo = jobs |> Set.ofList

    let kept =
        readCsv csv |> List.filter (fun r -> not (redo.Contains(r.Algorithm, r.Seed)))

    File.WriteAllLines(csv, header :: List.map line kept)
    let gate = obj ()
    let options = ParallelOptions(MaxDegreeOfParallelism = Environment.ProcessorCount)

    Parallel.ForEach(
        jobs,
        options,
        fun job ->
            let r = runOne iterations job

            lock gate (fun () -> File.AppendAllLines(csv, [ line r ]))

            printfn
                "  %-6s seed %d: QD score %.2f, coverage %.2f%% (%.0f s)"
                r.Algorithm
                r.Seed
                r.QdScore
                r.Coverage
                r.Seconds
    )
    |> ignore

    let all = readCsv csv |> List.sortBy (fun r -> r.Algorithm, r.Seed)
    File.WriteAllLines(csv, header :: List.map line all)

    let rows =
        [
            for a in pyribs.Keys do
                let rs = all |> List.filter (fun r -> r.Algorithm = a)

                if not rs.IsEmpty then
                    let qm, qs = meanSd (rs |> List.map _.QdScore)
                    let cm, cs = meanSd (rs |> List.map _.Coverage)
                    let pq, pqs, pc, pcs = pyribs[a]
                    let secs = rs |> List.averageBy _.Seconds
                    // How far our mean lies from pyribs', in pyribs' standard deviations.
                    let offset = sprintf "%+.1f / %+.1f" ((qm - pq) / pqs) ((cm - pc) / pcs)

                    $"| {a} | {rs.Length} | {qm:N2} ± {qs:N2} | {cm:F2} ± {cs:F2} | {pq:N2} ± {pqs:N2} | {pc:F2} ± {pcs:F2} | {offset} | {secs:F0} |"
        ]

    let lines =
        [
            // The documentation site files it under "Results", beside the other tables.
            "---"
            "title: The research frontier"
            "category: Results"
            "categoryindex: 3"
            "---"
            ""
            "# The research frontier on pyribs' sphere benchmark"
            ""
            $"QD score and coverage (%%) after {iterations:N0} iterations of 540 evaluations on LP-sphere, d = 100, "
            + "a 100×100 grid over ±256 (pyribs' `examples/sphere.py`, objectives in [0, 100]); mean ± standard deviation "
            + "over the seeds listed (n). pyribs: its published 20-trial rows. \"Offset\" is our mean minus pyribs' mean "
            + "in pyribs' standard deviations (QD score / coverage)."
            ""
            $"Regenerate with `./qd bench frontier-table --seeds N --iterations {iterations}` (writes this file and "
            + "`frontier-runs.csv`); `--algorithms dds` redoes one row and keeps the other runs in `frontier-runs.csv`."
            ""
            "| algorithm | n | QD score (ours) | coverage % (ours) | QD score (pyribs) | coverage % (pyribs) | offset (sd) | seconds per run |"
            "|---|---|---|---|---|---|---|---|"
        ]
        @ rows

    let md = Path.Combine(outDir, "frontier-table.md")
    // Keep any notes written below the table by hand (a section starting with "## ").
    let notes =
        if File.Exists md then
            File.ReadAllLines md
            |> Array.skipWhile (fun l -> not (l.StartsWith "## "))
            |> Array.toList
        else
            []

    File.WriteAllLines(md, lines @ (if notes.IsEmpty then [] else "" :: notes))
    printfn "%s" md
    printfn "%s" csv
    0
