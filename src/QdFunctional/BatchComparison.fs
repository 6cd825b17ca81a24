namespace QdFunctional

open System
open System.Diagnostics
open Parquet.Serialization
open QdFunctional.Core.Persistence
open ScottPlot // the Multiplot extension methods

/// One iteration of one run of a batch-size comparison (a row of `compare-batch.parquet`).
[<CLIMutable>]
type BatchComparisonRow =
    {
        batch: int
        seed: int64
        iteration: int
        evaluations: int64
        elapsed_seconds: float
        qd_score: float
        norm_qd_score: float
        coverage: float
    }

/// QDax's opening experiment: the same configuration at several batch sizes for one evaluation
/// budget, so that QD score can be read against evaluations (sample efficiency) and against wall
/// time (what a larger batch buys in throughput).
[<RequireQualifiedAccess>]
module BatchComparison =
    /// Runs `config` with batch size `batch` and seed `seed` until `budget` evaluations are spent
    /// (initial population included); one row per iteration, iteration 0 after the initial population.
    let run (config: RunConfig) (budget: int64) (batch: int) (seed: uint64) =
        let config =
            { config with
                Batch = batch
                Seed = seed
                Iterations = Int32.MaxValue
            }
            |> RunPlan.parse

        let task = Run.task config

        try
            let clock = Stopwatch.StartNew()
            let mutable state = Run.init config task
            let rows = ResizeArray()

            let record (s: RunState) =
                let st = s.Archive.Stats

                rows.Add
                    {
                        batch = batch
                        seed = int64 seed
                        iteration = s.Iteration
                        evaluations = s.Evaluations
                        elapsed_seconds = clock.Elapsed.TotalSeconds
                        qd_score = st.QdScore
                        norm_qd_score = st.NormQdScore
                        coverage = st.Coverage
                    }

            record state

            while state.Evaluations < budget do
                state <- Run.step config task state
                record state

            rows.ToArray()
        finally
            match task with
            | :? IDisposable as d -> d.Dispose()
            | _ -> ()

    /// Every batch size × seed (seeds `config.Seed`, `config.Seed + 1`, …), calling `progress` after each run.
    /// A short untimed run first, so that the first batch size does not pay for JIT compilation.
    let all (config: RunConfig) (budget: int64) (batches: int list) (seeds: int) (progress: int -> uint64 -> unit) =
        match batches with
        | first :: _ -> run config (min budget (int64 (2 * first))) first config.Seed |> ignore
        | [] -> ()

        [|
            for b in batches do
                for s in 0 .. seeds - 1 do
                    let seed = config.Seed + uint64 s
                    yield! run config budget b seed
                    progress b seed
        |]

    /// Writes the table atomically.
    let save (path: string) (rows: BatchComparisonRow[]) =
        AtomicFile.Write(
            path,
            fun stream ->
                ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult()
                |> ignore
        )

    /// Reads a table back.
    let load (path: string) =
        use stream = IO.File.OpenRead path

        (ParquetSerializer.DeserializeAsync<BatchComparisonRow>(stream).GetAwaiter().GetResult()).Data
        |> Seq.toArray

    /// Mean over seeds, per batch size and iteration: (batch, evaluations, seconds, QD score) series.
    let means (rows: BatchComparisonRow[]) =
        rows
        |> Array.groupBy (fun r -> r.batch)
        |> Array.sortBy fst
        |> Array.map (fun (b, rs) ->
            let perIteration =
                rs
                |> Array.groupBy (fun r -> r.iteration)
                |> Array.sortBy fst
                // Keep iterations every seed reached, so each mean has all seeds in it.
                |> Array.filter (fun (_, g) -> g.Length = (rs |> Array.distinctBy (fun r -> r.seed)).Length)

            let avg f (g: BatchComparisonRow[]) = g |> Array.averageBy f

            b,
            perIteration |> Array.map (snd >> avg (fun r -> float r.evaluations)),
            perIteration |> Array.map (snd >> avg (fun r -> r.elapsed_seconds)),
            perIteration |> Array.map (snd >> avg (fun r -> r.qd_score)))

    /// Two panels: mean QD score against evaluations and against wall time, a line per batch size.
    let plot (rows: BatchComparisonRow[]) (title: string) (path: string) =
        let mp = ScottPlot.Multiplot()
        mp.AddPlots 2
        let series = means rows

        let panel i (xlabel: string) (pick: float[] * float[] -> float[]) =
            let p = mp.GetPlot i

            for b, evals, secs, qd in series do
                let s = p.Add.Scatter(pick (evals, secs), qd)
                s.LegendText <- $"batch {b}"
                s.MarkerSize <- (if qd.Length > 50 then 0.0f else 4.0f)

            p.ShowLegend(ScottPlot.Alignment.LowerRight) |> ignore
            p.Title(if i = 0 then title else "")
            p.XLabel xlabel
            p.YLabel "QD score (mean over seeds)"

        panel 0 "evaluations" fst
        panel 1 "wall time (s)" snd

        try
            use image = mp.Render(800, 800)
            let bytes = image.GetImageBytes(ScottPlot.ImageFormat.Png, 100)
            AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))
        finally
            for p in mp.GetPlots() do
                p.Dispose()
