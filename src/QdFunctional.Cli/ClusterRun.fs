/// Where a run's evaluations happen: in this process, or on a cluster of `qd worker`s (--cluster).
module QdFunctional.Cli.ClusterRun

open System
open QdFunctional
open QdFunctional.Cluster
open QdFunctional.Core.Tasks

/// How a run evaluates: the task for a config, and what to close afterwards.
type Evaluator =
    {
        MakeTask: RunPlan -> ITask
        Close: unit -> unit
    }

/// Evaluation in this process, as without --cluster.
let local = { MakeTask = Run.task; Close = ignore }

/// The worker-side description of a plan's task.
let spec (plan: RunPlan) =
    TaskSpec(Dim = plan.Config.Dim, Gradients = plan.Config.Gradients, Dtype = plan.Config.Dtype)

/// Connects to the cluster when one is named (waiting up to `wait` seconds for a worker); every
/// task it makes sends its batches there, over mutual TLS with `credentials` (a `qd cluster init`
/// directory; default $QD_CLUSTER_CERT; required off loopback). `chunkTimeout` 0 scales the timeout of a hung worker's
/// chunk with the measured time per chunk. Messages about the cluster go to standard error.
let connect
    (connection: string option)
    (credentials: string option)
    (chunkSize: int)
    (chunkTimeout: float)
    (wait: float)
    =
    match connection with
    | None -> local
    | Some text ->
        let where =
            (ClusterConnection.Parse text).With(ClusterCredentials.Find(Option.toObj credentials))

        if chunkSize < 0 then
            invalidArg "chunk-size" $"chunk size must be 0 (automatic) or more, got {chunkSize}."

        if not (chunkTimeout >= 0.0) || not (wait >= 0.0) then
            invalidArg
                "chunk-timeout"
                "chunk timeout must be 0 (automatic) or positive, and the cluster wait 0 or more (seconds)."

        let options =
            ClusterRunOptions(
                ChunkSize = chunkSize,
                ChunkTimeout =
                    (if chunkTimeout = 0.0 then
                         Nullable()
                     else
                         Nullable(TimeSpan.FromSeconds chunkTimeout)),
                Wait = TimeSpan.FromSeconds wait
            )

        let client =
            ClusterClient.Connect(where, options.Wait, options.ResponseTimeout, Console.Error).GetAwaiter().GetResult()

        // The membership cannot be asked while a killed member that held it is not yet declared
        // dead (seconds, longer on a loaded machine): the run goes on and its first batch waits.
        let workers =
            try
                $"%d{client.LiveWorkers().GetAwaiter().GetResult().Count} live worker(s)"
            with e when not (e :? ClusterRefusedException) ->
                $"the membership does not answer yet ({e.Message.Split('\n')[0]}), the run waits for workers"

        let timeout =
            if chunkTimeout = 0.0 then
                $"chunk timeout automatic (%g{ChunkTimeouts.Factor} x the measured time, at least %g{ChunkTimeouts.Floor.TotalSeconds} s)"
            else
                $"chunk timeout %g{chunkTimeout} s"

        let security =
            match Option.ofObj where.Credentials with
            | Some c -> $"mutual TLS as {c.ClusterId}"
            | None -> "plain TCP on loopback"

        eprintfn "cluster %O: %s; %s; %s, wait for workers %g s." where workers security timeout wait

        {
            MakeTask = fun plan -> ClusterTask.Create(Run.task plan, spec plan, client, options, Console.Error) :> ITask
            Close = fun () -> client.Dispose()
        }

/// The evaluator `qd run`'s cluster options ask for (in this process without --cluster).
let ofRun (args: Argu.ParseResults<Arguments.RunArgs>) =
    connect
        (args.TryGetResult Arguments.RunArgs.Cluster)
        (args.TryGetResult Arguments.RunArgs.Cluster_Cert)
        (args.GetResult(Arguments.RunArgs.Chunk_Size, 0))
        (args.GetResult(Arguments.RunArgs.Chunk_Timeout, 0.0))
        (args.GetResult(Arguments.RunArgs.Cluster_Wait, 300.0))

/// The evaluator `qd resume`'s cluster options ask for (in this process without --cluster).
let ofResume (args: Argu.ParseResults<Arguments.ResumeArgs>) =
    connect
        (args.TryGetResult Arguments.ResumeArgs.Cluster)
        (args.TryGetResult Arguments.ResumeArgs.Cluster_Cert)
        (args.GetResult(Arguments.ResumeArgs.Chunk_Size, 0))
        (args.GetResult(Arguments.ResumeArgs.Chunk_Timeout, 0.0))
        (args.GetResult(Arguments.ResumeArgs.Cluster_Wait, 300.0))
