module QdFunctional.Cli.ServeCommand

open System
open System.IO
open System.Runtime.InteropServices
open System.Threading
open Argu
open QdFunctional.Cli.Arguments
open QdFunctional.Serve

/// The port `qd serve` listens on unless told otherwise (`--port 0` takes any free one).
let defaultPort = 5170

/// `qd serve [DIR]`: the dashboard of the runs under DIR until Ctrl+C or SIGTERM. It only reads
/// the run directories, so it can watch runs in progress without disturbing them.
let serve (args: ParseResults<ServeArgs>) =
    let dir = args.GetResult(ServeArgs.Dir, defaultValue = "data/runs")
    let host = args.GetResult(ServeArgs.Host, defaultValue = "127.0.0.1")
    let port = args.GetResult(ServeArgs.Port, defaultValue = defaultPort)

    if not (Directory.Exists dir) then
        eprintfn "qd serve: %s is not a directory (qd run writes runs under data/runs)" dir
        2
    else
        use stop = new CancellationTokenSource()

        Console.CancelKeyPress.Add(fun e ->
            e.Cancel <- true
            stop.Cancel())

        use _ =
            PosixSignalRegistration.Create(
                PosixSignal.SIGTERM,
                fun c ->
                    c.Cancel <- true
                    stop.Cancel()
            )

        let dashboard = Dashboard.StartAsync(dir, host, port).GetAwaiter().GetResult()
        printfn "qd serve: %O (runs under %s; Ctrl+C stops)" dashboard.Address (Path.GetFullPath dir)

        if not (Net.IPAddress.IsLoopback(Net.IPAddress.Parse host)) then
            printfn "qd serve: listening on %s: other machines can reach it at this machine's address" host

        if isNull dashboard.Library then
            eprintfn
                "qd serve: the charting library is missing, so the page shows no curves: run tools/web-assets.sh (needs npm)"

        Console.Out.Flush()
        dashboard.RunUntil(stop.Token).GetAwaiter().GetResult()
        dashboard.DisposeAsync().AsTask().GetAwaiter().GetResult()
        0
