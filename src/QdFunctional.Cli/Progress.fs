module QdFunctional.Cli.Progress

open System
open System.Diagnostics
open QdFunctional.Core.Metrics
open Spectre.Console

/// How a run reports itself: a live bar on a terminal, a line per second in a log, or nothing.
type Mode =
    | Bar
    | Lines
    | Silent

/// A bar when standard output is an interactive terminal, lines otherwise.
let detect quiet =
    if quiet then
        Silent
    elif Console.IsOutputRedirected || not AnsiConsole.Profile.Capabilities.Interactive then
        Lines
    else
        Bar

/// One line of a cell archive's metrics.
let cells (row: MetricsRow) =
    $"coverage {100.0 * row.Coverage:F2}%%  QD {row.QdScore:F1}  best {row.BestObjective:F2}"

/// One line of a proximity archive's metrics: it has no cells to cover, so its size.
let entries (row: MetricsRow) = $"entries {row.NumElites}"

/// Runs `work`, giving it an observer that shows each iteration's metrics (as `summary` puts
/// them) against `total`.
let show (mode: Mode) (total: int) (summary: MetricsRow -> string) (work: (MetricsRow -> unit) -> 'a) : 'a =
    match mode with
    | Silent -> work ignore
    | Lines ->
        let clock = Stopwatch.StartNew()
        let mutable last = -1.0

        work (fun row ->
            let t = clock.Elapsed.TotalSeconds

            if t - last >= 1.0 || row.Iteration = total then
                last <- t

                printfn
                    "iteration %d/%d  evaluations %d  %s  (%.1fs)"
                    row.Iteration
                    total
                    row.Evaluations
                    (summary row)
                    row.ElapsedSeconds)
    | Bar ->
        AnsiConsole
            .Progress()
            .Columns(
                TaskDescriptionColumn(),
                ProgressBarColumn(),
                PercentageColumn(),
                ElapsedTimeColumn(),
                RemainingTimeColumn()
            )
            .Start(fun ctx ->
                let bar = ctx.AddTask("starting", maxValue = float total)
                let clock = Stopwatch.StartNew()
                let mutable last = -1.0

                work (fun row ->
                    let t = clock.Elapsed.TotalSeconds

                    if t - last >= 0.1 || row.Iteration = total then
                        last <- t
                        bar.Value <- float row.Iteration
                        bar.Description <- Markup.Escape(summary row)))
