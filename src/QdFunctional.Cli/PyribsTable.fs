/// pyribs' sphere example (d = 100, 100×100 grid over ±256, 540 evaluations per iteration, 10,000
/// iterations) for the CMA-ME family, Multi-Emitter MAP-Elites and novelty search with CMA-ES, run
/// with pyribs' settings and reported beside pyribs' published 20-trial table (QD score = sum of
/// objectives, coverage of the 100×100 result grid).
module QdFunctional.Cli.PyribsTable

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open QdFunctional

/// One row of the table: pyribs' configuration name, ours, and pyribs' figures (mean, sd).
type Row =
    {
        Pyribs: string
        /// What pyribs runs, in words.
        Settings: string
        Algorithm: string
        /// Our settings on top of the algorithm's preset.
        Tune: RunConfig -> RunConfig
        QdScore: float * float
        Coverage: float * float
    }

let private cmaMe15 ranker restart (c: RunConfig) =
    { c with
        Emitters = 15
        Ranker = ranker
        Restart = restart
    }

/// pyribs' table (its sphere example's documented results: 20 trials, mean ± sd).
let rows =
    [
        {
            Pyribs = "me_map_elites"
            Settings =
                "bandit over 15 obj + 15 2rd + 15 2imp CMA-ES + 15 iso-line (0.01, 0.1), 15 active, reselect on restart"
            Algorithm = Algorithms.MultiEmitter.meMapElites
            Tune = id
            QdScore = 533477.98, 15041.68
            Coverage = 65.28, 2.05
        }
        {
            Pyribs = "cma_me_imp_mu"
            Settings = "2imp, mu, no-improvement restart, 15 × 36"
            Algorithm = Algorithms.CmaMe.cmaMeMu
            Tune = cmaMe15 "2imp" "no-improvement"
            QdScore = 498464.35, 2214.86
            Coverage = 61.11, 0.34
        }
        {
            Pyribs = "cma_me_basic"
            Settings = "2imp, mu, basic restart"
            Algorithm = Algorithms.CmaMe.cmaMeMu
            Tune = cmaMe15 "2imp" "basic"
            QdScore = 398192.00, 10174.36
            Coverage = 47.04, 1.30
        }
        {
            Pyribs = "cma_me_rd"
            Settings = "2rd, filter, no-improvement restart"
            Algorithm = Algorithms.CmaMe.cmaMe
            Tune = cmaMe15 "2rd" "no-improvement"
            QdScore = 458403.60, 2739.42
            Coverage = 56.21, 0.42
        }
        {
            Pyribs = "cma_me_rd_mu"
            Settings = "2rd, mu, no-improvement restart"
            Algorithm = Algorithms.CmaMe.cmaMeMu
            Tune = cmaMe15 "2rd" "no-improvement"
            QdScore = 512692.56, 4070.15
            Coverage = 63.78, 0.61
        }
        {
            Pyribs = "cma_me_opt"
            Settings = "obj, mu, basic restart"
            Algorithm = Algorithms.CmaMe.cmaMeMu
            Tune = cmaMe15 "obj" "basic"
            QdScore = 57517.77, 3042.75
            Coverage = 5.97, 0.33
        }
        {
            Pyribs = "cma_me_mixed"
            Settings = "7 × 2rd + 8 × 2imp, filter, no-improvement restart"
            Algorithm = Algorithms.CmaMe.cmaMe
            Tune = cmaMe15 "2rd:7,2imp:8" "no-improvement"
            QdScore = 458827.27, 2359.05
            Coverage = 56.19, 0.35
        }
        {
            Pyribs = "ns_cma"
            Settings = "nov, mu, basic restart, proximity k 15, threshold 18.944; 100×100 result grid"
            Algorithm = Algorithms.Novelty.nsCma
            Tune = id
            QdScore = 154937.46, 10344.01
            Coverage = 19.19, 1.38
        }
        {
            Pyribs = "nslc"
            Settings =
                "nslc, filter, no-improvement restart, local competition, k 15, threshold 3.7; 100×100 result grid"
            Algorithm = Algorithms.Novelty.nslcCma
            Tune = id
            QdScore = 509331.09, 2565.67
            Coverage = 63.01, 0.35
        }
        {
            Pyribs = "nslc_cma_imp"
            Settings = "2imp, filter, over the same local-competition proximity archive"
            Algorithm = Algorithms.Novelty.nslcCma
            Tune = fun c -> { c with Ranker = "2imp" }
            QdScore = 537891.90, 3242.39
            Coverage = 67.98, 0.43
        }
    ]

type Result =
    {
        Row: string
        Seed: int
        Iterations: int
        QdScore: float
        Coverage: float
        Seconds: float
    }

/// The run config of a row: the algorithm's preset on LP-sphere at d = 100 with pyribs' grid, then the row's settings.
let config (dim: int) (iterations: int) (row: Row) (seed: int) =
    { RunConfig.preset "lp-sphere" row.Algorithm { RunConfig.defaults with Dim = dim } with
        Iterations = iterations
        Seed = uint64 seed
    }
    |> row.Tune

let private runOne dim iterations (row: Row, seed) =
    let plan = config dim iterations row seed |> RunPlan.parse
    let t = Run.task plan
    let clock = Stopwatch.StartNew()
    let final = Run.init plan t |> Run.fold plan t ignore
    // The result archive: the grid novelty runs keep beside their proximity archive, else the archive.
    let s = final.Archive.Stats

    {
        Row = row.Pyribs
        Seed = seed
        Iterations = iterations
        QdScore = s.QdScore + s.QdOffset * float s.NumElites
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

/// What is known about rows outside the spread, printed under the table (measured, not assumed).
let notes =
    [
        ""
        "## Rows outside the spread"
        ""
        "**cma_me_basic** (two-stage improvement, μ selection, restarts only on CMA-ES's stop conditions) ends well above "
        + "pyribs' figure. The rankings, add statuses and improvement values are pyribs' (checked against its code, and the rows "
        + "that restart on no improvement agree). What differs is how the search distribution evolves when nothing restarts it: "
        + "pyribs 0.8.3 run here (seed 1, 1,000 iterations) reaches QD 388,291 / 45.61% with 12 of its 15 step sizes "
        + "collapsed to 0.002-0.043 and one restart in all, already near its published final 398,192 / 47.04%; ours at "
        + "1,000 iterations reaches 514,356 / 63.02% with 12 of 15 step sizes still above 0.15 and one restart. After 100 "
        + "iterations the two agree (212,335 / 23.86% against 223,157 / 24.69%). pyribs' CMA-ES departs from the textbook "
        + "update (Hansen's tutorial, which ours follows) in two places: σ follows the squared-norm rule "
        + "exp(min(1, c_σ/d_σ (‖p_σ‖²/n − 1)/2)), and the rank-one term is scaled by c₁ twice with p_c kept in solution "
        + "units, so without restarts its covariance shrinks by about (1 − c₁) per iteration; which of these collapses the "
        + "step sizes has not been traced yet. Rows that restart (no improvement) or rank by objective or novelty are not "
        + "affected this way."
        ""
        "**nslc_cma_imp** (and nslc, whose two seeds spread widely) also ends above pyribs' figure. Here the emitters do "
        + "restart (about 35 restarts per emitter in 1,000 iterations of nslc-cma, seed 1), so the cause above is at most part "
        + "of it; the proximity archive's add rule, its local competition and pyribs' improvement values are implemented as "
        + "pyribs documents them and checked against brute force, and the rest has not been traced yet."
    ]

/// Within spread: the means differ by at most twice the standard deviation of a difference of one
/// run from each side, 2 √(sd_pyribs² + sd_ours²).
let withinSpread (ourMean: float, ourSd: float) (theirMean: float, theirSd: float) =
    abs (ourMean - theirMean) <= 2.0 * sqrt (theirSd * theirSd + ourSd * ourSd)

let private header = "row,seed,iterations,qd_score,coverage_percent,seconds"

let private line (r: Result) =
    $"{r.Row},{r.Seed},{r.Iterations},{r.QdScore:R},{r.Coverage:R},{r.Seconds:F1}"

let private readCsv (csv: string) =
    if File.Exists csv then
        File.ReadAllLines csv
        |> Array.skip 1
        |> Array.filter (fun l -> l.Trim() <> "")
        |> Array.map (fun l ->
            let f = l.Split ','

            {
                Row = f[0]
                Seed = int f[1]
                Iterations = int f[2]
                QdScore = float f[3]
                Coverage = float f[4]
                Seconds = float f[5]
            })
        |> Array.toList
    else
        []

/// Runs every (row, seed) not yet in `pyribs-runs.csv` on all cores, seed by seed (every row's seed 1
/// first), appending each run to the CSV as it finishes, so an interrupted table continues where it
/// stopped; then writes `pyribs-table.md` from the CSV's runs of this iteration count.
let run (seeds: int) (iterations: int) (selected: string list) (outDir: string) =
    Directory.CreateDirectory outDir |> ignore
    let dim = 100

    let chosen =
        if selected.IsEmpty then
            rows
        else
            let unknown =
                selected
                |> List.filter (fun s -> not (rows |> List.exists (fun r -> r.Pyribs = s)))

            if not unknown.IsEmpty then
                invalidArg
                    "algorithms"
                    $"""Unknown pyribs configuration(s) {String.concat ", " unknown}; known: {rows |> List.map _.Pyribs |> String.concat ", "}."""

            rows |> List.filter (fun r -> List.contains r.Pyribs selected)

    let csv = Path.Combine(outDir, "pyribs-runs.csv")

    if not (File.Exists csv) then
        File.WriteAllLines(csv, [ header ])

    let finished =
        readCsv csv |> List.map (fun r -> r.Row, r.Seed, r.Iterations) |> Set.ofList

    let jobs =
        [
            for s in 1..seeds do
                for r in chosen do
                    if not (finished.Contains(r.Pyribs, s, iterations)) then
                        yield r, s
        ]

    printfn
        "pyribs table: %d runs to do (%d configurations × %d seeds, %d already in %s), %d iterations, d = %d"
        jobs.Length
        chosen.Length
        seeds
        (chosen.Length * seeds - jobs.Length)
        csv
        iterations
        dim

    let gate = obj ()
    let options = ParallelOptions(MaxDegreeOfParallelism = Environment.ProcessorCount)

    Parallel.ForEach(
        jobs,
        options,
        fun job ->
            let r = runOne dim iterations job

            lock gate (fun () ->
                File.AppendAllLines(csv, [ line r ])

                printfn
                    "  %-14s seed %d: QD %.0f, coverage %.2f%% (%.0f s)"
                    r.Row
                    r.Seed
                    r.QdScore
                    r.Coverage
                    r.Seconds)
    )
    |> ignore

    let all = readCsv csv |> List.filter (fun r -> r.Iterations = iterations)

    let lines =
        [
            // The documentation site files it under "Results", beside the DQD table.
            "---"
            "title: pyribs' sphere table"
            "category: Results"
            "categoryindex: 3"
            "---"
            ""
            "# pyribs' sphere table: QdFunctional beside pyribs"
            ""
            $"LP-sphere, d = {dim}, 100×100 grid over ±256, 540 evaluations per iteration, {iterations:N0} iterations; "
            + "QD score = sum of objectives (each in [0, 100]) over the 100×100 result grid, coverage in %. "
            + "Ours: mean ± sd over the n seeds listed; pyribs: its sphere example's published 20 trials. "
            + "Within spread: the means differ by at most 2 √(sd_pyribs² + sd_ours²)."
            ""
            $"Regenerate with `./qd bench pyribs-table --seeds N --iterations {iterations}` (writes this file and "
            + "`pyribs-runs.csv`). Runs already in `pyribs-runs.csv` are kept, so an interrupted table continues; "
            + "delete a row's lines to redo it, and `--algorithms cma_me_rd nslc` limits a call to some rows."
            ""
            "| pyribs configuration | ours | n | QD score (ours) | QD score (pyribs) | coverage % (ours) | coverage % (pyribs) | within spread | seconds per run |"
            "|---|---|---|---|---|---|---|---|---|"
        ]
        @ [
            for row in rows do
                let rs = all |> List.filter (fun r -> r.Row = row.Pyribs)

                if not rs.IsEmpty then
                    let q = meanSd (rs |> List.map _.QdScore)
                    let c = meanSd (rs |> List.map _.Coverage)
                    let pq, pqs = row.QdScore
                    let pc, pcs = row.Coverage

                    let verdict =
                        match withinSpread q row.QdScore, withinSpread c row.Coverage with
                        | true, true -> "yes"
                        | false, false -> "no"
                        | true, false -> "QD score only"
                        | false, true -> "coverage only"

                    let secs = rs |> List.averageBy _.Seconds
                    let tuned = row.Tune(RunConfig.preset "lp-sphere" row.Algorithm RunConfig.defaults)

                    let cmaMe =
                        row.Algorithm = Algorithms.CmaMe.cmaMe
                        || row.Algorithm = Algorithms.CmaMe.cmaMeMu

                    let options =
                        [
                            if cmaMe then
                                $"--emitters {tuned.Emitters}"
                            if tuned.Ranker <> RunConfig.defaults.Ranker || cmaMe then
                                $"--ranker {tuned.Ranker}"
                            if cmaMe then
                                $"--restart {tuned.Restart}"
                        ]

                    let ours = String.concat " " (row.Algorithm :: options)

                    $"| {row.Pyribs} ({row.Settings}) | `{ours}` | {rs.Length} | {fst q:N0} ± {snd q:N0} | {pq:N0} ± {pqs:N0} | {fst c:F2} ± {snd c:F2} | {pc:F2} ± {pcs:F2} | {verdict} | {secs:F0} |"
        ]

    let md = Path.Combine(outDir, "pyribs-table.md")
    File.WriteAllLines(md, lines @ notes)
    printfn "%s" md
    printfn "%s" csv
    0
