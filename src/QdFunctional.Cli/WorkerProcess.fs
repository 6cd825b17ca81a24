/// `qd worker` processes started by this process (the cluster benchmark, tests): started, awaited
/// until they have joined, and killed at the end whatever happened.
module QdFunctional.Cli.WorkerProcess

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks

/// A started worker: its process and everything it printed so far.
type Started =
    {
        Process: Process
        Port: int
        Output: Collections.Concurrent.ConcurrentQueue<string>
    }

    interface IDisposable with
        member w.Dispose() =
            try
                if not w.Process.HasExited then
                    w.Process.Kill true
                    w.Process.WaitForExit 10000 |> ignore
            with :? InvalidOperationException ->
                ()

            w.Process.Dispose()

/// `dotnet qd.dll` (the qd beside this program), with the given arguments.
let command (args: string seq) =
    let host = Environment.ProcessPath

    let dotnet =
        if Path.GetFileNameWithoutExtension(host).StartsWith "dotnet" then
            host
        else
            "dotnet"

    let info = ProcessStartInfo(dotnet)
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qd.dll"))

    for a in args do
        info.ArgumentList.Add a

    info.RedirectStandardOutput <- true
    info.RedirectStandardError <- true
    info.UseShellExecute <- false
    info

/// Starts `qd worker --cluster connection --port port` with `extra` arguments (--cluster-cert DIR, say)
/// and waits (at most `timeout`) until it has joined.
let startWith (extra: string list) (connection: string) (port: int) (timeout: TimeSpan) =
    let info =
        command (
            [
                "worker"
                "--cluster"
                connection
                "--port"
                string port
                "--host"
                "127.0.0.1"
            ]
            @ extra
        )

    let output = Collections.Concurrent.ConcurrentQueue<string>()
    let joined = TaskCompletionSource()
    let p = new Process(StartInfo = info)

    p.OutputDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            output.Enqueue e.Data

            if e.Data.Contains " joined " then
                joined.TrySetResult() |> ignore)

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            output.Enqueue e.Data)

    p.Start() |> ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()

    let worker =
        {
            Process = p
            Port = port
            Output = output
        }

    let exited = p.WaitForExitAsync()

    if Task.WaitAny([| joined.Task; exited |], timeout) <> 0 then
        (worker :> IDisposable).Dispose()
        let said = String.Join("\n", output)
        failwith $"qd worker on port {port} did not join {connection} within {timeout.TotalSeconds} s:\n{said}"

    worker

/// Starts `qd worker --cluster connection --port port` and waits (at most `timeout`) until it has joined.
let start (connection: string) (port: int) (timeout: TimeSpan) = startWith [] connection port timeout

/// Starts workers on the given ports (the first one first, the rest at once) and waits for all of
/// them; returns them in the order of `ports`. On failure none is left running.
let startManyWith (extra: string list) (connection: string) (ports: int list) (timeout: TimeSpan) =
    let started = Collections.Concurrent.ConcurrentBag<Started>()

    try
        // The first one first: on localhost it is the one the others find.
        match ports with
        | [] -> []
        | first :: rest ->
            started.Add(startWith extra connection first timeout)

            rest
            |> List.map (fun port -> Task.Run(fun () -> started.Add(startWith extra connection port timeout)))
            |> List.toArray
            |> Task.WaitAll

            ports |> List.map (fun port -> started |> Seq.find (fun w -> w.Port = port))
    with _ ->
        for w in started do
            (w :> IDisposable).Dispose()

        reraise ()

/// Starts plain workers on the given ports; see `startManyWith`.
let startMany (connection: string) (ports: int list) (timeout: TimeSpan) =
    startManyWith [] connection ports timeout

/// A free TCP port on loopback, and the one after it free too (a worker's silo and gateway ports).
/// Drawn below the ports the system hands out for outgoing connections (from 32768 on Linux, 49152
/// elsewhere): a port from that range could be taken by any connection on the machine between this
/// choice and the worker's start (seen once in the cluster tests: "gateway port ... is in use").
let rec freePortPair () =
    let probe (port: int) =
        try
            let l = new Net.Sockets.TcpListener(Net.IPAddress.Loopback, port)
            l.Start()
            l.Stop()
            true
        with :? Net.Sockets.SocketException ->
            false

    let port = Random.Shared.Next(20000, 32766)

    if probe port && probe (port + 1) then
        port
    else
        freePortPair ()

/// `n` ports for workers on loopback, each with the port after it free too, no two pairs overlapping.
let freePorts (n: int) =
    let rec pick (taken: int list) =
        if List.length taken = n then
            List.rev taken
        else
            let p = freePortPair ()

            if taken |> List.exists (fun t -> abs (t - p) <= 1) then
                pick taken
            else
                pick (p :: taken)

    pick []
