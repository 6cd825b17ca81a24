/// Runs `qd` child processes and keeps them going: a run that crashes, or stagnates, is started
/// again from its last checkpoint, up to a limit. Used by `qd pipeline`.
module QdFunctional.Cli.Watchdog

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open QdFunctional
open QdFunctional.Core.Persistence

let private stagnated = RunCommand.stagnated
let private interrupted = RunCommand.interrupted
let private crashVariable = RunCommand.crashVariable

[<DllImport("libc", SetLastError = true)>]
extern int private kill(int pid, int signal)

let private sigterm = 15

/// The program and leading arguments that run this same `qd`.
let private qdCommand () =
    let dll = Reflection.Assembly.GetExecutingAssembly().Location
    let host = Environment.ProcessPath

    match Path.GetFileNameWithoutExtension host with
    | "dotnet" -> host, [ dll ]
    | "qd" -> host, []
    | _ -> "dotnet", [ dll ]

/// What the pipeline asks of its running children: carry on, end the current step (SIGUSR1) or stop (SIGINT or SIGTERM).
type Control() =
    let children = ConcurrentDictionary<int, Process>()
    let mutable skip = false
    let mutable stop = false

    /// True once the current step is to end.
    member _.Skipping = skip
    /// True once the whole pipeline is to stop.
    member _.Stopping = stop
    /// True when runs should not start or restart.
    member _.Halted = skip || stop

    /// Asks every running child to save and stop (SIGTERM, which `qd run` handles like Ctrl-C; not
    /// SIGINT, which children of a background pipeline inherit ignored).
    member _.InterruptChildren() =
        for p in children.Values do
            kill (p.Id, sigterm) |> ignore

    member this.Skip() =
        skip <- true
        this.InterruptChildren()

    member this.Stop() =
        stop <- true
        this.InterruptChildren()

    /// A new step begins: SIGUSR1 applies to it afresh.
    member _.NextStep() = skip <- false

    member internal _.Add(p: Process) = children[p.Id] <- p
    member internal _.Remove(p: Process) = children.TryRemove p.Id |> ignore

/// How a watched run ended.
type Outcome =
    | Finished
    | Interrupted
    | Failed of string

/// Runs `qd resume RUNDIR` in a child process (its output appended to RUNDIR/log.txt) and waits.
let private runChild (control: Control) (runDir: string) (keepCrash: bool) =
    let program, lead = qdCommand ()
    let info = ProcessStartInfo(program)

    for a in lead @ [ "resume"; runDir; "--quiet" ] do
        info.ArgumentList.Add a

    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.UseShellExecute <- false

    if not keepCrash then
        info.Environment.Remove crashVariable |> ignore

    use log = new StreamWriter(Path.Combine(runDir, "log.txt"), true)
    log.AutoFlush <- true
    let write (line: string) = lock log (fun () -> log.WriteLine line)
    use p = new Process(StartInfo = info)

    p.OutputDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            write e.Data)

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            write e.Data)

    p.Start() |> ignore
    control.Add p

    // A signal that arrived while the child was starting is passed on now.
    if control.Halted then
        kill (p.Id, sigterm) |> ignore

    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p.WaitForExit()
    control.Remove p
    p.ExitCode

/// Runs one run directory to its end under the watchdog. `restarts` is what it has spent before
/// (a resumed pipeline keeps counting); `spend` records each new restart; `log` reports them.
let watch
    (control: Control)
    (maxRestarts: int)
    (log: string -> unit)
    (spend: int -> unit)
    (runDir: string)
    (restarts: int)
    =
    let rec loop restarts =
        if control.Halted then
            Interrupted
        else
            match runChild control runDir (restarts = 0) with
            | 0 -> Finished
            // 130: it saved and stopped; 143: SIGTERM came before it could handle it (still starting).
            | code when (code = interrupted || code = 128 + sigterm) && control.Halted -> Interrupted
            | code when code = stagnated ->
                let config = JsonFile.Read<RunConfig>(RunDirectory.configPath runDir)

                if config.Algorithm = Algorithms.Adam.adam then
                    // Gradient ascent has no random draws to change: a stalled climb has converged.
                    log $"{runDir}: converged (no gain for {config.Stagnation} iterations)"
                    Finished
                elif restarts >= maxRestarts then
                    log $"{runDir}: stagnated again; {maxRestarts} restarts spent, keeping what it found"
                    Finished
                else
                    let metrics = Results.loadMetrics (RunDirectory.metricsPath runDir)
                    let at = (Array.last metrics).Iteration

                    JsonFile.Write(
                        RunDirectory.configPath runDir,
                        { config with
                            RestartSalt = config.RestartSalt + 1
                            RestartedAt = at
                        }
                    )

                    log
                        $"{runDir}: stagnated at iteration {at}; restart {restarts + 1} of {maxRestarts} with fresh draws"

                    spend (restarts + 1)
                    loop (restarts + 1)
            | code ->
                if restarts >= maxRestarts then
                    Failed $"{runDir}: exited with code {code}; {maxRestarts} restarts spent"
                else
                    log
                        $"{runDir}: crashed (exit code {code}); restart {restarts + 1} of {maxRestarts} from its last checkpoint"

                    spend (restarts + 1)
                    loop (restarts + 1)

    loop restarts
