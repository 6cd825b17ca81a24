/// Distributed evaluation with real `qd worker` processes on loopback: the archive equals the
/// local run's byte for byte, a worker killed mid-batch loses nothing, a run with no worker left
/// stops resumable, refusals are one line, PostgreSQL membership lists the workers, and only
/// members with the cluster's credentials get in (mutual TLS).
module ClusterTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open QdFunctional.Cli
open QdFunctional.Cluster
open QdFunctional.Core.Tasks

let private tempDir () =
    Path.Combine(Path.GetTempPath(), "qd-cluster-tests", Guid.NewGuid().ToString("N"))

/// A finished `qd` child process: exit code, standard output, standard error.
type private Finished = { Code: int; Out: string; Err: string }

/// Starts `qd args`; `onErr` sees each standard-error line as it comes.
let private start (args: string list) (onErr: string -> unit) =
    let p = new Process(StartInfo = WorkerProcess.command args)
    let out = Text.StringBuilder()
    let err = Text.StringBuilder()
    // The same lines with the seconds since the start, for a run that does not finish.
    let timed = Text.StringBuilder()
    let clock = Stopwatch.StartNew()

    p.OutputDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            lock out (fun () -> out.AppendLine e.Data |> ignore))

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            lock err (fun () ->
                err.AppendLine e.Data |> ignore
                timed.AppendLine $"%6.1f{clock.Elapsed.TotalSeconds} s  {e.Data}" |> ignore)

            onErr e.Data)

    p.Start() |> ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()

    let finish () =
        if not (p.WaitForExit 240_000) then
            p.Kill true
            p.WaitForExit()
            let said = lock err (fun () -> string timed)
            failtest $"qd {String.Join(' ', args)} did not finish within 4 minutes; its standard error:\n{said}"

        p.WaitForExit()

        let result =
            {
                Code = p.ExitCode
                Out = lock out (fun () -> string out)
                Err = lock err (fun () -> string err)
            }

        p.Dispose()
        result

    finish

let private qd (args: string list) = start args ignore ()

let private archive dir =
    File.ReadAllBytes(Path.Combine(dir, "archive.parquet"))

/// Runs `body workers` with workers of `connection` on `ports` (`extra`: more `qd worker` arguments,
/// such as --cluster-cert DIR), killing them afterwards whatever happens.
let private withWorkersOn
    (extra: string list)
    (connection: string)
    (ports: int list)
    (body: WorkerProcess.Started list -> unit)
    =
    let workers =
        WorkerProcess.startManyWith extra connection ports (TimeSpan.FromSeconds 120.0)

    try
        body workers
    finally
        for w in workers do
            (w :> IDisposable).Dispose()

/// Runs `body connection workers` with `n` local workers on loopback, killing them afterwards whatever happens.
let private withWorkers (n: int) (body: string -> WorkerProcess.Started list -> unit) =
    let ports = WorkerProcess.freePorts n
    let connection = $"localhost:{List.head ports}"
    withWorkersOn [] connection ports (body connection)

/// A local run of `args` into a new directory; its archive.
let private localArchive (args: string list) =
    let dir = tempDir ()
    let r = qd ([ "run" ] @ args @ [ "--out"; dir; "--quiet" ])
    Expect.equal r.Code 0 $"local run: {r.Err}"
    archive dir

let private mapElites =
    [
        "--task"
        "lp-sphere"
        "--dim"
        "20"
        "--algorithm"
        "map-elites"
        "--archive"
        "grid:20x20"
        "--iterations"
        "30"
    ]

/// CMA-MEGA on the arm: gradient stages ask the workers for Jacobians.
let private cmaMega =
    [
        "--task"
        "arm"
        "--dim"
        "10"
        "--algorithm"
        "cma-mega"
        "--archive"
        "grid:20x20"
        "--iterations"
        "20"
    ]

/// A few brittle-star episodes: a robot run keeps robot_metrics.parquet on a cluster too.
let private brittleStar =
    [
        "--task"
        "brittle-star"
        "--batch"
        "4"
        "--init-pop"
        "4"
        "--iterations"
        "2"
    ]

/// sleep-50ms with small batches: slow enough to kill a worker mid-run, quick locally.
let private sleeping (batch: int) (iterations: int) =
    [
        "--task"
        "sleep-50ms"
        "--dim"
        "10"
        "--algorithm"
        "map-elites"
        "--archive"
        "grid:10x10"
        "--batch"
        string batch
        "--init-pop"
        string batch
        "--iterations"
        string iterations
        "--checkpoint-every"
        "1"
    ]

/// A run's standard-error line and when it came (seconds on one clock shared with `signal`).
type private Timed = { At: float; Line: string }

let private clock = Stopwatch.StartNew()

/// Starts a cluster run of `args` and sends `signal` (KILL, STOP) to `victim` a second after the
/// run connected and `ready ()` holds; returns the finished run, when the signal went, and every
/// standard-error line with its time. On localhost the first worker holds the membership: the
/// victim is another one.
let private runAndSignal (signal: string) (ready: unit -> bool) (args: string list) (victim: WorkerProcess.Started) =
    let connected = new ManualResetEventSlim()
    let lines = Collections.Concurrent.ConcurrentQueue<Timed>()

    let finish =
        start args (fun line ->
            lines.Enqueue
                {
                    At = clock.Elapsed.TotalSeconds
                    Line = line
                }

            if line.Contains "live worker(s)" then
                connected.Set())

    if not (connected.Wait(TimeSpan.FromSeconds 120.0)) then
        failtest "the run never connected to the cluster"

    Thread.Sleep 1000
    let deadline = DateTime.UtcNow.AddSeconds 120.0

    while not (ready ()) && DateTime.UtcNow < deadline do
        Thread.Sleep 100

    let sent = clock.Elapsed.TotalSeconds
    use kill = Process.Start("kill", $"-{signal} {victim.Process.Id}")
    kill.WaitForExit()
    let r = finish ()
    r, sent, List.ofSeq lines

/// True once the run in `dir` wrote its first checkpoint: some chunks have been answered (so the
/// chunk timeout is measured), and the run is mid-way.
let private checkpointed (dir: string) () =
    File.Exists(Path.Combine(dir, "checkpoint.bin"))

/// Starts a cluster run of `args` and kills `victim` with SIGKILL a second after the run connected.
let private runAndKill (args: string list) (victim: WorkerProcess.Started) =
    let r, _, _ = runAndSignal "KILL" (fun () -> true) args victim
    r

/// The first line saying that one of `worker`'s chunks was re-sent, if any.
let private resentFrom (worker: WorkerProcess.Started) (lines: Timed list) =
    lines
    |> List.tryFind (fun l -> l.Line.Contains $"re-sent: worker 127.0.0.1:{worker.Port}@")

/// `qd cluster status` lines of the worker on `port`, as columns.
let private statusOf (statusOut: string) (port: int) =
    statusOut.Split('\n')
    |> Array.filter (fun l -> l.StartsWith $"127.0.0.1:{port} ")
    |> Array.map (fun l -> l.Split(' ', StringSplitOptions.RemoveEmptyEntries))

/// New cluster credentials made by `qd cluster init`, in a new directory.
let private initCredentials () =
    let dir = tempDir ()
    let r = qd [ "cluster"; "init"; dir ]
    Expect.equal r.Code 0 $"qd cluster init: {r.Err}"
    dir

/// A plain-TCP client: connects to `host:port`, sends a few bytes that are not TLS, and waits
/// (at most 10 s) for the worker to hang up; its own address, as the worker's log names it.
let private plainClient (host: string) (port: int) =
    use plain = new Net.Sockets.TcpClient(host, port)
    let stream = plain.GetStream()
    stream.Write([| 0uy; 1uy; 2uy; 3uy |])
    stream.ReadTimeout <- 10_000

    try
        while stream.Read(Array.zeroCreate 256, 0, 256) > 0 do
            ()
    with :? IOException ->
        ()

    let local = plain.Client.LocalEndPoint :?> Net.IPEndPoint
    $"{local.Address.MapToIPv4()}:{local.Port}"

/// A worker that must not get in: started, given time to try, and killed; its output.
let private intruder (args: string list) =
    let p = new Process(StartInfo = WorkerProcess.command ([ "worker" ] @ args))
    let out = Collections.Concurrent.ConcurrentQueue<string>()

    p.OutputDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            out.Enqueue e.Data)

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            out.Enqueue e.Data)

    p.Start() |> ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p, out

/// A membership store for the tests (`postgres` or `redis`): the connection in `variable` (set
/// by .ci/run: then it must work), else one from tools/services.sh start (stopped afterwards),
/// else why not.
let private store (name: string) (variable: string) =
    match Environment.GetEnvironmentVariable variable with
    | s when not (String.IsNullOrEmpty s) -> Ok(s, ignore)
    | _ ->
        let root =
            let rec up (d: DirectoryInfo) =
                if isNull d then
                    None
                elif File.Exists(Path.Combine(d.FullName, "tools", "services.sh")) then
                    Some d.FullName
                else
                    up d.Parent

            up (DirectoryInfo AppContext.BaseDirectory)

        match root with
        | None -> Error "tools/services.sh not found"
        | Some root ->
            let script = Path.Combine(root, "tools", "services.sh")

            try
                let info = ProcessStartInfo("bash", [ script; "start"; name ])
                info.RedirectStandardOutput <- true
                info.RedirectStandardError <- true
                use p = Process.Start info
                let out = p.StandardOutput.ReadToEnd()
                let err = p.StandardError.ReadToEnd()
                p.WaitForExit()

                if p.ExitCode = 0 then
                    let stop () =
                        use s = Process.Start("bash", [ script; "stop"; name ])
                        s.WaitForExit()

                    Ok(out.Trim(), stop)
                else
                    Error $"tools/services.sh start {name} failed: {err.Trim()}"
            with e ->
                Error e.Message

[<Tests>]
let tests =
    testSequenced
    <| testList
        "cluster"
        [
            testCase
                "three worker processes give the local archive byte for byte, with and without Jacobians, robot metrics included"
            <| fun () ->
                let localMapElites = localArchive mapElites
                let localCmaMega = localArchive cmaMega

                withWorkers 3 (fun connection _ ->
                    for args, expected in [ mapElites, localMapElites; cmaMega, localCmaMega ] do
                        let dir = tempDir ()

                        let r = qd ([ "run" ] @ args @ [ "--cluster"; connection; "--out"; dir; "--quiet" ])

                        Expect.equal r.Code 0 $"cluster run: {r.Err}"
                        Expect.stringContains r.Err "3 live worker(s)" "the run saw three workers"
                        Expect.isTrue (archive dir = expected) $"{args[1]}: same archive.parquet as the local run"

                    // A robot run evaluated on the workers writes the CPG tutorial's metrics as a local one does.
                    let localRobot = tempDir ()
                    let r = qd ([ "run" ] @ brittleStar @ [ "--out"; localRobot; "--quiet" ])
                    Expect.equal r.Code 0 $"local robot run: {r.Err}"
                    let robot = tempDir ()

                    let r =
                        qd ([ "run" ] @ brittleStar @ [ "--cluster"; connection; "--out"; robot; "--quiet" ])

                    Expect.equal r.Code 0 $"cluster robot run: {r.Err}"

                    for file in [ "archive.parquet"; QdFunctional.Physics.RobotMetrics.FileName ] do
                        Expect.isTrue
                            (File.ReadAllBytes(Path.Combine(robot, file)) =
                                File.ReadAllBytes(Path.Combine(localRobot, file)))
                            $"brittle-star: {file} as the local run's"

                    // Every worker took a share, and status lists each with what it served.
                    let status = qd [ "cluster"; "status"; connection ]
                    Expect.equal status.Code 0 status.Err
                    Expect.stringContains status.Out "3 live worker(s)" status.Out

                    let lines =
                        status.Out.Split('\n')
                        |> Array.filter (fun l -> l.StartsWith "127.0.0.1:")
                        |> Array.map (fun l -> l.Split(' ', StringSplitOptions.RemoveEmptyEntries))

                    Expect.equal lines.Length 3 "one line per worker"
                    // address, generation, state, chunks, evaluations, evaluations/s, in-flight, last answer
                    Expect.all lines (fun l -> l[2] = "active") "each worker is active"
                    Expect.all lines (fun l -> int64 l[4] > 0L) "each worker evaluated some solutions"
                    Expect.all lines (fun l -> float l[5] > 0.0) "each worker reports its evaluations per second"
                    Expect.all lines (fun l -> l[9] = "ago") "each worker says when it last answered")

            testCase "a malformed cluster connection is refused in one line, before anything runs"
            <| fun () ->
                let dir = tempDir ()

                let r =
                    qd (
                        [ "run" ]
                        @ mapElites
                        @ [ "--cluster"; "postgresql://x"; "--out"; dir; "--quiet" ]
                    )

                Expect.equal r.Code 2 "bad argument"
                Expect.stringContains r.Err "expected localhost[:PORT], postgres:" "names the forms it takes"
                Expect.equal (r.Err.Trim().Split('\n').Length) 1 "one line"
                Expect.isFalse (Directory.Exists dir) "no run directory"

            testCase
                "a worker killed mid-batch: its chunks are re-sent within 5 s, the archive is unchanged, status shows it dead"
            <| fun () ->
                let args = sleeping 12 12
                let expected = localArchive args

                withWorkers 3 (fun connection workers ->
                    let dir = tempDir ()
                    let victim = workers[2]

                    // The default (automatic) chunk timeout: the membership, not a timeout, must notice.
                    let r, killed, lines =
                        runAndSignal
                            "KILL"
                            (checkpointed dir)
                            ([ "run" ]
                             @ args
                             @ [ "--cluster"; connection; "--cluster-wait"; "30"; "--out"; dir; "--quiet" ])
                            victim

                    Expect.equal r.Code 0 $"the run finished: {r.Err}"

                    match resentFrom victim lines with
                    | None -> failtest $"no chunk of the killed worker was re-sent:\n{r.Err}"
                    | Some l ->
                        Expect.isLessThan (l.At - killed) 5.0 $"re-sent within 5 s of the kill: {l.Line}"
                        Expect.isFalse (l.Line.Contains "no answer within") "noticed as gone, not timed out"

                    Expect.isTrue (archive dir = expected) "same archive.parquet as the local run"

                    // The membership declares it dead within seconds; status lists it so.
                    let deadline = DateTime.UtcNow.AddSeconds 60.0

                    let rec dead () =
                        let status = qd [ "cluster"; "status"; connection ]

                        match statusOf status.Out victim.Port with
                        | [| l |] when l[2] = "dead" -> status
                        | _ when DateTime.UtcNow < deadline ->
                            Thread.Sleep 1000
                            dead ()
                        | _ -> failtest $"the killed worker is not listed as dead:\n{status.Out}"

                    let status = dead ()
                    Expect.stringContains status.Out "2 live worker(s)" status.Out
                    Expect.stringContains status.Out "1 dead" status.Out)

            testCase "a hung worker (SIGSTOP) is covered by the chunk timeout, and the archive is unchanged"
            <| fun () ->
                let args = sleeping 12 12
                let expected = localArchive args

                withWorkers 3 (fun connection workers ->
                    let dir = tempDir ()
                    let victim = workers[2]

                    try
                        let r, _, lines =
                            runAndSignal
                                "STOP"
                                (checkpointed dir)
                                ([ "run" ]
                                 @ args
                                 @ [ "--cluster"; connection; "--cluster-wait"; "30"; "--out"; dir; "--quiet" ])
                                victim

                        Expect.equal r.Code 0 $"the run finished: {r.Err}"

                        match resentFrom victim lines with
                        | None -> failtest $"no chunk of the hung worker was re-sent:\n{r.Err}"
                        | Some l ->
                            // The timeout scales with the measured chunk time (2 rows of 50 ms): the 3 s floor, not 30 s.
                            let m = Text.RegularExpressions.Regex.Match(l.Line, @"no answer within ([0-9.]+) s")
                            Expect.isTrue m.Success $"re-sent after the chunk timeout: {l.Line}"
                            let timeout = float m.Groups[1].Value
                            Expect.isGreaterThanOrEqual timeout 3.0 "no shorter than the floor"
                            Expect.isLessThan timeout 10.0 "scaled to the measured chunk time, not a fixed 30 s"

                        Expect.isTrue (archive dir = expected) "same archive.parquet as the local run"
                    finally
                        use resume = Process.Start("kill", $"-CONT {victim.Process.Id}")
                        resume.WaitForExit())

            testCase "a worker on a taken port stops in one line that names the port and --port, and a non-zero code"
            <| fun () ->
                withWorkers 1 (fun connection workers ->
                    let taken = workers[0].Port

                    // Its silo port, then its gateway port (the port after it) as the new worker's silo port.
                    for port in [ taken; taken + 1 ] do
                        let r = qd [ "worker"; "--cluster"; connection; "--port"; string port ]
                        Expect.notEqual r.Code 0 "a non-zero exit code"
                        Expect.isFalse (r.Out.Contains "joined") $"never says it joined:\n{r.Out}"
                        let said = r.Err.Trim()
                        Expect.equal (said.Split('\n').Length) 1 $"one line:\n{said}"
                        Expect.stringContains said $"silo port {port}" "names the port"
                        Expect.stringContains said "--port" "names the fix"

                    // Forgetting --port altogether is the same mistake: the connection's port is taken.
                    let r = qd [ "worker"; "--cluster"; connection ]
                    Expect.notEqual r.Code 0 r.Out
                    Expect.stringContains r.Err $"port {taken}" r.Err

                    // --port 0 picks two free ports, says which, and joins.
                    let info =
                        WorkerProcess.command [ "worker"; "--cluster"; connection; "--port"; "0" ]

                    use p = Process.Start info
                    let chose = p.StandardOutput.ReadLine()
                    let joined = p.StandardOutput.ReadLine()
                    p.Kill true
                    p.WaitForExit()
                    Expect.stringContains chose "--port 0: silo port" chose
                    Expect.stringContains joined " joined " joined

                    let port =
                        Text.RegularExpressions.Regex.Match(chose, @"silo port (\d+)").Groups[1].Value
                        |> int

                    Expect.stringStarts (joined.Split(' ')[2]) $"127.0.0.1:{port}@" "joined on the port it printed")

            testCase "a worker that joins mid-run receives chunks, and the archive is unchanged"
            <| fun () ->
                let args = sleeping 12 16
                let expected = localArchive args

                withWorkers 1 (fun connection _ ->
                    let dir = tempDir ()
                    let connected = new ManualResetEventSlim()

                    let finish =
                        start ([ "run" ] @ args @ [ "--cluster"; connection; "--out"; dir; "--quiet" ]) (fun line ->
                            if line.Contains "live worker(s)" then
                                connected.Set())

                    Expect.isTrue (connected.Wait(TimeSpan.FromSeconds 120.0)) "the run connected"
                    let port = WorkerProcess.freePorts 1 |> List.head

                    use late = WorkerProcess.start connection port (TimeSpan.FromSeconds 120.0)

                    let r = finish ()
                    Expect.equal r.Code 0 r.Err
                    Expect.isTrue (archive dir = expected) "same archive.parquet as the local run"
                    let status = qd [ "cluster"; "status"; connection ]

                    match statusOf status.Out port with
                    | [| l |] ->
                        Expect.isGreaterThan (int64 l[4]) 0L "the late worker evaluated some of the run's solutions"
                    | _ -> failtest $"the late worker is not listed once:\n{status.Out}")

            testCase "with every worker gone the run waits, stops with a checkpoint, and resumes to the same archive"
            <| fun () ->
                let args = sleeping 4 20
                let expected = localArchive args

                withWorkers 1 (fun connection workers ->
                    let dir = tempDir ()

                    let r =
                        runAndKill
                            ([ "run" ]
                             @ args
                             @ [
                                 "--cluster"
                                 connection
                                 "--chunk-timeout"
                                 "2"
                                 "--cluster-wait"
                                 "3"
                                 "--out"
                                 dir
                                 "--quiet"
                             ])
                            workers[0]

                    Expect.equal r.Code RunCommand.interrupted $"stopped early: {r.Err}"
                    Expect.stringContains r.Err "waiting up to 3 s" "says it waits, and how long"
                    Expect.stringContains r.Err "Continue with: qd resume" "says how to go on"
                    let resumed = qd [ "resume"; dir; "--quiet" ]
                    Expect.equal resumed.Code 0 resumed.Err
                    Expect.isTrue (archive dir = expected) "resumed locally: same archive as an uninterrupted run")

            testCase
                "a run that starts right after a worker was killed (still listed, not yet declared dead) finishes with the local archive"
            <| fun () ->
                let expected = localArchive mapElites

                withWorkers 2 (fun connection workers ->
                    use kill = Process.Start("kill", $"-9 {workers[1].Process.Id}")
                    kill.WaitForExit()
                    workers[1].Process.WaitForExit()
                    // At once: the membership takes seconds to declare it dead, and until then calls to the
                    // live worker can fail too. A run that lost it would wait --cluster-wait: 120 s, under the
                    // 4-minute limit, so that the failure shows the run's log.
                    let dir = tempDir ()

                    let r =
                        qd (
                            [ "run" ]
                            @ mapElites
                            @ [ "--cluster"; connection; "--cluster-wait"; "120"; "--out"; dir; "--quiet" ]
                        )

                    Expect.equal r.Code 0 $"the run finished: {r.Err}"
                    Expect.isTrue (archive dir = expected) "same archive.parquet as the local run")

            testCase "a worker of another build, or an unknown task, is refused in one line on both sides"
            <| fun () ->
                withWorkers 1 (fun connection workers ->
                    use client =
                        ClusterClient
                            .Connect(
                                ClusterConnection.Parse connection,
                                TimeSpan.FromSeconds 30.0,
                                TimeSpan.FromSeconds 30.0,
                                TextWriter.Null
                            )
                            .GetAwaiter()
                            .GetResult()

                    let spec = TaskSpec(Dim = 10)
                    let local = TaskCatalog.Create("lp-sphere", 10)

                    let refused =
                        try
                            ClusterTask.Create(
                                local,
                                spec,
                                client,
                                ClusterRunOptions(Version = "0.0.0+other"),
                                TextWriter.Null
                            )
                            |> ignore

                            ""
                        with :? ClusterRefusedException as e ->
                            e.Message

                    Expect.isNotEmpty refused "a worker of another build refuses the run before it starts"
                    Expect.stringContains refused "0.0.0+other" "names the client's build"
                    Expect.stringContains refused ClusterVersion.Current "names the worker's build"
                    Expect.isFalse (refused.Contains '\n') "one line"

                    let worker = client.LiveWorkers().GetAwaiter().GetResult()[0]

                    let unknown =
                        client
                            .Evaluator(worker)
                            .Check(ClusterVersion.Current, "no-such-task", spec)
                            .GetAwaiter()
                            .GetResult()

                    Expect.stringContains unknown "'no-such-task'" "names the task"
                    Expect.isFalse (unknown.Contains '\n') "one line"

                    // The worker said so too, one line each.
                    let deadline = DateTime.UtcNow.AddSeconds 10.0

                    let said () =
                        workers[0].Output |> Seq.filter (fun l -> l.Contains "refused:") |> Seq.length

                    while said () < 2 && DateTime.UtcNow < deadline do
                        Thread.Sleep 100

                    Expect.isGreaterThanOrEqual (said ()) 2 "the worker logged each refusal")

            testCase
                "qd cluster init writes owner-only credentials; a cluster of several machines without them, or a password on the command line, is refused in one line"
            <| fun () ->
                let dir = initCredentials ()
                let mode (path: string) = File.GetUnixFileMode path

                Expect.equal
                    (mode dir)
                    (UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)
                    "the directory is the owner's only"

                for file in
                    [
                        ClusterCredentials.AuthorityFile
                        ClusterCredentials.CertificateFile
                        ClusterCredentials.KeyFile
                    ] do
                    Expect.equal
                        (mode (Path.Combine(dir, file)))
                        (UnixFileMode.UserRead ||| UnixFileMode.UserWrite)
                        $"{file} is readable by the owner only"

                let again = qd [ "cluster"; "init"; dir ]
                Expect.equal again.Code 2 "init does not overwrite credentials in use"
                Expect.stringContains again.Err "already holds credentials" again.Err

                // Two inits are two clusters: their ids (derived from their authorities) differ.
                let other = initCredentials ()

                Expect.notEqual
                    (ClusterCredentials.Load dir).ClusterId
                    (ClusterCredentials.Load other).ClusterId
                    "each authority makes its own cluster id"

                let oneLine (r: Finished) (says: string) =
                    Expect.equal r.Code 2 $"refused as a bad argument: {r.Err}"
                    Expect.equal (r.Err.Trim().Split('\n').Length) 1 $"one line: {r.Err}"
                    Expect.stringContains r.Err says r.Err

                // A membership store means several machines: no credentials, no cluster.
                oneLine (qd [ "worker"; "--cluster"; "redis:127.0.0.1:1" ]) "qd cluster init DIR"
                // So does a worker advertised at an address other machines reach.
                oneLine (qd [ "worker"; "--cluster"; "localhost"; "--host"; "10.0.0.12" ]) "qd cluster init DIR"
                let run = tempDir ()

                oneLine
                    (qd (
                        [ "run" ]
                        @ mapElites
                        @ [ "--cluster"; "postgres:Host=127.0.0.1;Username=qd"; "--out"; run ]
                    ))
                    "--cluster-cert DIR"

                Expect.isFalse (Directory.Exists run) "no run directory"

                // A password in --cluster would show in ps.
                oneLine
                    (qd
                        [
                            "worker"
                            "--cluster"
                            "postgres:Host=127.0.0.1;Username=qd;Password=secret"
                            "--cluster-cert"
                            dir
                        ])
                    ClusterSecrets.Variable

                oneLine
                    (qd
                        [
                            "worker"
                            "--cluster"
                            "redis:127.0.0.1:1,password=secret"
                            "--cluster-cert"
                            dir
                        ])
                    ClusterSecrets.Variable

            testCase
                "mutual TLS: members with the cluster's credentials give the local archive; another authority, an expired or self-signed certificate, none, and a plain client are refused and logged"
            <| fun () ->
                let expected = localArchive mapElites

                // The cluster's credentials, and an expired certificate from the same authority.
                let struct (authority, key) = ClusterAuthority.NewAuthority()
                let now = DateTimeOffset.UtcNow
                let creds = tempDir ()

                ClusterAuthority.Write(
                    creds,
                    authority,
                    ClusterAuthority.Issue(authority, key, now.AddHours -1.0, now.AddDays 1.0)
                )

                let expired = tempDir ()

                ClusterAuthority.Write(
                    expired,
                    authority,
                    ClusterAuthority.Issue(authority, key, now.AddHours -20.0, now.AddHours -10.0)
                )
                // A self-signed certificate beside the cluster's own authority.
                let selfSigned = tempDir ()
                let struct (own, ownKey) = ClusterAuthority.NewAuthority()
                ownKey.Dispose()
                ClusterAuthority.Write(selfSigned, authority, own)
                key.Dispose()
                let other = initCredentials ()
                let cert = [ "--cluster-cert"; creds ]
                let ports = WorkerProcess.freePorts 6
                let connection = $"localhost:{List.head ports}"

                withWorkersOn cert connection (List.take 2 ports) (fun workers ->
                    let intruders =
                        [
                            [ "--cluster-cert"; other ], ports[2]
                            [ "--cluster-cert"; expired ], ports[3]
                            [ "--cluster-cert"; selfSigned ], ports[4]
                            [], ports[5]
                        ]
                        |> List.map (fun (extra, port) ->
                            intruder ([ "--cluster"; connection; "--port"; string port ] @ extra))

                    // A plain-TCP client: bytes that are not TLS.
                    let plain = plainClient "127.0.0.1" (ports[0] + 1)

                    let reasons =
                        [
                            "is not issued by this cluster's authority"
                            "is expired or not yet valid"
                            "is self-signed"
                            "no certificate, or not TLS"
                        ]

                    // Each is refused by the first worker (the one every member meets) and said there.
                    let said () =
                        workers[0].Output
                        |> Seq.filter (fun l -> l.Contains "refused a connection from")
                        |> Seq.toList

                    // The plain client by its own address: it may read the hang-up before the worker logs it.
                    let expectedLines = reasons @ [ $"refused a connection from {plain}:" ]
                    let deadline = DateTime.UtcNow.AddSeconds 90.0

                    while expectedLines
                          |> List.exists (fun r -> not (said () |> List.exists (fun l -> l.Contains r)))
                          && DateTime.UtcNow < deadline do
                        Thread.Sleep 500

                    for r in reasons do
                        Expect.isTrue
                            (said () |> List.exists (fun l -> l.Contains r))
                            $"the worker logged a refusal: {r}"

                    Expect.isTrue
                        (said ()
                         |> List.exists (fun l -> l.Contains $"refused a connection from {plain}:"))
                        $"the worker logged the plain client {plain}"

                    // The run goes on with the two members, and its log names the refused addresses.
                    let dir = tempDir ()

                    let r =
                        qd (
                            [ "run" ]
                            @ mapElites
                            @ [ "--cluster"; connection; "--out"; dir; "--quiet" ]
                            @ cert
                        )

                    Expect.equal r.Code 0 r.Err
                    Expect.stringContains r.Err "2 live worker(s)" "only the two members"
                    Expect.stringContains r.Err "mutual TLS" "says the run is on TLS"

                    for reason in reasons do
                        Expect.stringContains r.Err reason $"the run's log names the refusal: {reason}"

                    Expect.stringContains
                        r.Err
                        "connection(s) from 127.0.0.1 (the last from 127.0.0.1:"
                        "names the address"

                    Expect.isTrue (archive dir = expected) "same archive.parquet as the local run"

                    for p, out in intruders do
                        Expect.isFalse (out |> Seq.exists (fun l -> l.Contains " joined ")) "an intruder never joins"

                        if not p.HasExited then
                            p.Kill true

                        p.WaitForExit()
                        p.Dispose()

                    // Status shows each member's certificate; without credentials it gets nothing.
                    let status = qd ([ "cluster"; "status"; connection ] @ cert)
                    Expect.stringContains status.Out "2 live worker(s)" status.Out
                    let subject = (ClusterCredentials.Load creds).Subject

                    for port in List.take 2 ports do
                        match statusOf status.Out port with
                        | [| l |] -> Expect.isTrue (String.Join(' ', l).EndsWith subject) $"its certificate: {subject}"
                        | _ -> failtest $"worker {port} is not listed once:\n{status.Out}")

            testCase "PostgreSQL membership: workers appear in the table, serve a run, and leave it"
            <| fun () ->
                match store "postgres" "QD_TEST_POSTGRES" with
                | Error why -> skiptest $"PostgreSQL could not be started here ({why}); .ci/run starts it."
                | Ok(connectionString, stop) ->
                    // The password travels in the environment, never on a command line.
                    let b = Npgsql.NpgsqlConnectionStringBuilder connectionString
                    let password = b.Password
                    b.Password <- null
                    Environment.SetEnvironmentVariable(ClusterSecrets.Variable, password)

                    try
                        let connection = $"postgres:{b.ConnectionString}"
                        let setup = qd [ "cluster"; "setup"; connection ]
                        Expect.equal setup.Code 0 setup.Err
                        let creds = initCredentials ()
                        let cert = [ "--cluster-cert"; creds ]
                        let id = (ClusterCredentials.Load creds).ClusterId
                        PostgresMembership.Forget(connectionString, id).GetAwaiter().GetResult()
                        let ports = WorkerProcess.freePorts 3

                        withWorkersOn cert connection (List.take 2 ports) (fun workers ->
                            let members () =
                                PostgresMembership.ActiveMembers(connectionString, id).GetAwaiter().GetResult()

                            let expected =
                                List.take 2 ports |> List.map (fun p -> $"127.0.0.1:{p}") |> List.sort

                            Expect.equal
                                (members () |> Seq.sort |> Seq.toList)
                                expected
                                "both workers are active members"

                            let dir = tempDir ()

                            let r =
                                qd (
                                    [ "run" ]
                                    @ mapElites
                                    @ [ "--cluster"; connection; "--out"; dir; "--quiet" ]
                                    @ cert
                                )

                            Expect.equal r.Code 0 r.Err
                            Expect.isTrue (archive dir = localArchive mapElites) "same archive as the local run"

                            // Another cluster in the same database: its own id, so neither sees the other.
                            let otherCreds = initCredentials ()
                            let otherId = (ClusterCredentials.Load otherCreds).ClusterId
                            PostgresMembership.Forget(connectionString, otherId).GetAwaiter().GetResult()

                            (use other =
                                WorkerProcess.startWith
                                    [ "--cluster-cert"; otherCreds ]
                                    connection
                                    ports[2]
                                    (TimeSpan.FromSeconds 120.0)

                             Expect.equal
                                 (members () |> Seq.sort |> Seq.toList)
                                 expected
                                 "the first cluster is unchanged"

                             Expect.equal
                                 (PostgresMembership.ActiveMembers(connectionString, otherId).GetAwaiter().GetResult()
                                  |> Seq.toList)
                                 [ $"127.0.0.1:{ports[2]}" ]
                                 "the other cluster has its own member")

                            // A worker stopped with SIGTERM leaves the cluster: its row is no longer active.
                            use term = Process.Start("kill", $"-TERM {workers[1].Process.Id}")
                            term.WaitForExit()
                            workers[1].Process.WaitForExit 30_000 |> ignore
                            let deadline = DateTime.UtcNow.AddSeconds 30.0

                            while members().Count > 1 && DateTime.UtcNow < deadline do
                                Thread.Sleep 250

                            // The first worker started (ports[0]), not the first address in sorted order.
                            Expect.equal
                                (members () |> Seq.toList)
                                [ $"127.0.0.1:{ports[0]}" ]
                                "only the first worker is left")
                    finally
                        Environment.SetEnvironmentVariable(ClusterSecrets.Variable, null)
                        stop ()

            testCase
                "Redis membership: two TLS workers on 127.0.0.2 serve a run; a plain client is refused and named, another cluster in the same store is not seen"
            <| fun () ->
                match store "redis" "QD_TEST_REDIS" with
                | Error why -> skiptest $"Redis could not be started here ({why}); .ci/run starts it."
                | Ok(address, stop) ->
                    try
                        let connection = $"redis:{address}"
                        let ports = WorkerProcess.freePorts 3
                        let cert = [ "--cluster-cert"; initCredentials () ]
                        // The last --host wins: the workers listen on 127.0.0.2 only, as on a machine of their own.
                        let onTwo = cert @ [ "--host"; "127.0.0.2" ]

                        withWorkersOn onTwo connection (List.take 2 ports) (fun workers ->
                            // Another cluster's worker in the same Redis: another id, so neither sees the other.
                            use other =
                                WorkerProcess.startWith
                                    [ "--cluster-cert"; initCredentials (); "--host"; "127.0.0.2" ]
                                    connection
                                    ports[2]
                                    (TimeSpan.FromSeconds 120.0)

                            // A plain-TCP client at the first worker's gateway: refused, and logged with its address.
                            let plain = plainClient "127.0.0.2" (ports[0] + 1)
                            let deadline = DateTime.UtcNow.AddSeconds 30.0

                            let logged () =
                                workers[0].Output
                                |> Seq.exists (fun l -> l.Contains $"refused a connection from {plain}:")

                            while not (logged ()) && DateTime.UtcNow < deadline do
                                Thread.Sleep 250

                            Expect.isTrue (logged ()) $"the worker logged the plain client {plain}"

                            let dir = tempDir ()

                            let r =
                                qd (
                                    [ "run" ]
                                    @ mapElites
                                    @ [ "--cluster"; connection; "--out"; dir; "--quiet" ]
                                    @ cert
                                )

                            Expect.equal r.Code 0 r.Err

                            Expect.stringContains
                                r.Err
                                "2 live worker(s)"
                                "its own two workers, not the other cluster's"

                            Expect.stringContains
                                r.Err
                                "no certificate, or not TLS"
                                "the run's log names the plain client"

                            Expect.isTrue (archive dir = localArchive mapElites) "same archive as the local run"
                            let status = qd ([ "cluster"; "status"; connection ] @ cert)
                            Expect.stringContains status.Out "2 live worker(s)" status.Out

                            for port in List.take 2 ports do
                                Expect.stringContains status.Out $"127.0.0.2:{port} " "listed at 127.0.0.2")
                    finally
                        stop ()
        ]
