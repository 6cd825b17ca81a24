/// `qd worker`, `qd cluster status|setup` and `qd bench cluster`.
module QdFunctional.Cli.ClusterCommand

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Threading
open Argu
open QdFunctional
open QdFunctional.Cli.Arguments
open QdFunctional.Cluster
open QdFunctional.Core.Batches
open QdFunctional.Core.Tasks

/// `qd worker`: joins the cluster and evaluates until stopped.
let worker (args: ParseResults<WorkerArgs>) =
    let host =
        match IPAddress.TryParse(args.GetResult(WorkerArgs.Host, "127.0.0.1")) with
        | true, address -> address
        | _ -> invalidArg "host" $"host must be an IP address, got '{args.GetResult WorkerArgs.Host}'."

    // Credentials are required off loopback: for a membership store, and for a worker other machines reach.
    let connection =
        ClusterConnection
            .Parse(args.GetResult WorkerArgs.Cluster)
            .With(ClusterCredentials.Find(args.TryGetResult WorkerArgs.Cluster_Cert |> Option.toObj), host)

    let port = args.GetResult(WorkerArgs.Port, connection.PrimaryPort)

    if port < 0 || port > 65534 then
        invalidArg
            "port"
            $"port must be from 1 to 65534 (the gateway takes the next one), or 0 for free ones, got {port}."

    let tasks = WorkerTasks.FromAssemblies(args.GetResult(WorkerArgs.Tasks_From, []))
    Worker.Run(connection, port, host, tasks, CancellationToken.None).GetAwaiter().GetResult()
    0

/// "4.2 s ago", or "-" for never.
let private ago (seconds: float option) =
    match seconds with
    | Some s -> $"%.1f{s} s ago"
    | None -> "-"

/// `qd cluster status CONNECTION`: one line per member the membership lists, dead and joining
/// ones included, with what each active one reports of itself.
let status (connection: ClusterConnection) =
    use client =
        ClusterClient
            .Connect(connection, TimeSpan.FromSeconds 10.0, TimeSpan.FromSeconds 10.0, Console.Error)
            .GetAwaiter()
            .GetResult()

    let members = client.Members(TimeSpan.FromSeconds 10.0).GetAwaiter().GetResult()

    let count state =
        members |> Seq.filter (fun m -> m.State = state) |> Seq.length

    printfn
        "cluster %O: %d live worker(s), %d joining, %d leaving, %d dead"
        connection
        (count "active")
        (count "joining")
        (count "leaving")
        (count "dead")

    printfn
        "%-22s %10s %-8s %8s %12s %9s %9s %14s  %-50s %s"
        "worker"
        "generation"
        "state"
        "chunks"
        "evaluations"
        "evals/s"
        "in-flight"
        "last-answer"
        "version"
        "certificate"

    for m in members do
        match Option.ofObj m.Status with
        | Some w ->
            printfn
                "%-22s %10d %-8s %8d %12d %9.1f %9d %14s  %-50s %s"
                m.Address
                m.Generation
                m.State
                w.ChunksServed
                w.EvaluationsServed
                w.EvaluationsPerSecond
                w.InFlight
                (ago (Option.ofNullable w.SecondsSinceLastAnswer))
                w.Version
                (if w.Certificate = "" then "(plain TCP)" else w.Certificate)
        | None ->
            // No report of its own: the membership's last heartbeat stands for its last answer.
            let heard = (DateTime.UtcNow - m.LastHeartbeatUtc).TotalSeconds

            printfn
                "%-22s %10d %-8s %8s %12s %9s %9s %14s  %-50s %s"
                m.Address
                m.Generation
                m.State
                "-"
                "-"
                "-"
                "-"
                (ago (Some heard))
                "(no answer)"
                "-"

    0

/// `qd cluster`.
let cluster (args: ParseResults<ClusterArgs>) =
    let action, text = args.GetResult ClusterArgs.Action

    let credentials () =
        ClusterCredentials.Find(args.TryGetResult ClusterArgs.Cluster_Cert |> Option.toObj)

    match action with
    | "init" ->
        let made = ClusterAuthority.Init text

        printfn
            "cluster %s: credentials written to %s (owner-only); give --cluster-cert %s (or %s=%s) to every worker and run."
            made.ClusterId
            text
            text
            ClusterCredentials.Variable
            text

        0
    | "status" -> status ((ClusterConnection.Parse text).With(credentials ()))
    | "setup" when (ClusterConnection.Parse text).Store = ClusterConnection.Kind.Postgres ->
        let connection = ClusterConnection.Parse text
        PostgresMembership.Setup(connection.Target).GetAwaiter().GetResult()
        printfn "cluster %O: membership tables ready." connection
        0
    | "setup" -> invalidArg "cluster" "setup prepares PostgreSQL only (localhost and Redis need no tables)."
    | other -> invalidArg "action" $"unknown cluster action '{other}'; known: init, status, setup."

/// One measurement of `qd bench cluster`.
type ClusterBenchRow =
    {
        Workers: int
        /// sleep-50ms evaluations per second.
        EvaluationsPerSecond: float
        /// Evaluations per second if the workers did nothing but wait: workers / 50 ms.
        Ideal: float
        /// Milliseconds per round trip of a one-row chunk of lp-sphere (no evaluation cost), per worker.
        ChunkOverheadMs: float
        /// brittle-star episodes per second (None without MuJoCo).
        EpisodesPerSecond: float option
    }

/// A batch of `n` solutions of the task's dimension, the same every time.
let private batchOf (task: ITask) (n: int) =
    let d = task.SolutionDim
    SolutionBatch(n, d, Array.init (n * d) (fun i -> float (i % 7) * 0.1 - 0.3))

/// Seconds for `batches` batches of `batch` solutions, after one batch of warm-up.
let private time (task: ITask) (batches: int) (batch: int) =
    let solutions = batchOf task batch
    task.Evaluate solutions |> ignore // warm-up: activations, code paths
    let clock = Stopwatch.StartNew()

    for _ in 1..batches do
        task.Evaluate solutions |> ignore

    clock.Elapsed.TotalSeconds

/// brittle-star's task here, or None when MuJoCo is not installed.
let private brittleStar () =
    if QdFunctional.Physics.Native.MuJoCoLibrary.IsAvailable() then
        Some(
            Run.task (
                RunPlan.parse (
                    RunConfig.preset "brittle-star" Algorithms.MapElites.gaussian RunConfig.defaults
                    |> fun c -> { c with Task = "brittle-star" }
                )
            )
        )
    else
        None

/// brittle-star episodes per second in this process (no cluster), the baseline of the cluster rows.
let private localEpisodesPerSecond (seconds: float) =
    brittleStar ()
    |> Option.map (fun task ->
        let batch = 16
        let batches = max 2 (int (seconds / 0.5))
        float (batch * batches) / time task batches batch)

/// Measures `workers` local worker processes, over mutual TLS with the credentials in `credentials`
/// or plain TCP: sleep-50ms throughput, one-row chunk overhead and (plain only) brittle-star throughput.
let measure (workers: int) (seconds: float) (credentials: string option) =
    let ports = WorkerProcess.freePorts workers
    let connection = $"localhost:{List.head ports}"

    let extra =
        match credentials with
        | Some dir -> [ "--cluster-cert"; dir ]
        | None -> []

    let started =
        WorkerProcess.startManyWith extra connection ports (TimeSpan.FromSeconds 120.0)

    try
        let where =
            (ClusterConnection.Parse connection).With(credentials |> Option.map ClusterCredentials.Load |> Option.toObj)

        use client =
            ClusterClient
                .Connect(where, TimeSpan.FromSeconds 30.0, TimeSpan.FromSeconds 120.0, Console.Error)
                .GetAwaiter()
                .GetResult()

        // Membership settles after the last worker joined: wait until the client sees them all.
        let deadline = DateTime.UtcNow.AddSeconds 60.0

        while client.LiveWorkers().GetAwaiter().GetResult().Count < workers
              && DateTime.UtcNow < deadline do
            Thread.Sleep 250

        let options = ClusterRunOptions()
        let spec d = TaskSpec(Dim = d)

        let sleeping =
            ClusterTask.Create(TaskCatalog.Create("sleep-50ms", 10), spec 10, client, options, Console.Error)

        // Batches of 16 per worker, two chunks per worker: about 0.8 s per batch whatever the count.
        let batch = 16 * workers
        let batches = max 2 (int (seconds / 0.8))
        let elapsed = time sleeping batches batch

        let oneRow =
            ClusterTask.Create(
                TaskCatalog.Create("lp-sphere", 10),
                spec 10,
                client,
                ClusterRunOptions(ChunkSize = 1),
                Console.Error
            )

        let chunks = 64 * workers
        let overhead = time oneRow 5 chunks

        // The robot rows measure the cores, whatever the transport: measured on plain TCP only.
        let episodes =
            (if credentials.IsNone then brittleStar () else None)
            |> Option.map (fun local ->
                let robot =
                    ClusterTask.Create(local, spec local.SolutionDim, client, options, Console.Error)

                // 8 episodes per worker per batch.
                let batch = 8 * workers
                let batches = max 2 (int (seconds / 2.0))
                float (batch * batches) / time robot batches batch)

        {
            Workers = workers
            EvaluationsPerSecond = float (batches * batch) / elapsed
            Ideal = float workers / 0.05
            ChunkOverheadMs = 1000.0 * overhead * float workers / float (5 * chunks)
            EpisodesPerSecond = episodes
        }
    finally
        for w in started do
            (w :> IDisposable).Dispose()

/// `qd bench cluster`: 1, 2, 4 and 8 worker processes on loopback, on plain TCP and over mutual TLS.
let bench (seconds: float) =
    printfn "cluster: local worker processes (Orleans localhost clustering). sleep-50ms d = 10 (50 ms per"
    printfn "evaluation, no CPU): batches of 16 per worker in two chunks per worker; chunk overhead: lp-sphere"
    printfn "d = 10 in one-row chunks; brittle-star: batches of 8 episodes per worker, each worker stepping"
    printfn "episodes on every core (CPU-bound: on one machine the cores, not the workers, are the limit)."

    match localEpisodesPerSecond seconds with
    | Some eps -> printfn "brittle-star in this process, no cluster: %.1f episodes/s" eps
    | None -> printfn "brittle-star: not measured (MuJoCo 2.2.2 is not installed)"

    printfn
        "%8s %10s %14s %14s %11s %18s %16s"
        "workers"
        "transport"
        "sleep evals/s"
        "ideal evals/s"
        "efficiency"
        "chunk overhead ms"
        "brittle-star ep/s"

    // The same counts over mutual TLS, with credentials made for the benchmark and removed after it.
    let credentials =
        Path.Combine(Path.GetTempPath(), "qd-bench-cluster-" + Guid.NewGuid().ToString("N"))

    ClusterAuthority.Init credentials |> ignore

    try
        for n in [ 1; 2; 4; 8 ] do
            for transport, dir in [ "plain", None; "TLS", Some credentials ] do
                let r = measure n seconds dir

                printfn
                    "%8d %10s %14.1f %14.1f %10.1f%% %18.2f %16s"
                    r.Workers
                    transport
                    r.EvaluationsPerSecond
                    r.Ideal
                    (100.0 * r.EvaluationsPerSecond / r.Ideal)
                    r.ChunkOverheadMs
                    (match r.EpisodesPerSecond with
                     | Some e -> $"%.1f{e}"
                     | None -> "-")
    finally
        Directory.Delete(credentials, true)
