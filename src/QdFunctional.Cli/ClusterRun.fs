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
/// task it makes sends its batches there. Messages about the cluster go to standard error.
let connect (connection: string option) (chunkSize: int) (chunkTimeout: float) (wait: float) =
    match connection with
    | None -> local
    | Some text ->
        let where = ClusterConnection.Parse text

        if chunkSize < 0 then
            invalidArg "chunk-size" $"chunk size must be 0 (automatic) or more, got {chunkSize}."

        if not (chunkTimeout > 0.0) || not (wait >= 0.0) then
            invalidArg "chunk-timeout" "chunk timeout must be positive and the cluster wait 0 or more (seconds)."

        let options =
            ClusterRunOptions(
                ChunkSize = chunkSize,
                ChunkTimeout = TimeSpan.FromSeconds chunkTimeout,
                Wait = TimeSpan.FromSeconds wait
            )

        let client =
            ClusterClient
                .Connect(where, options.Wait, options.ChunkTimeout + TimeSpan.FromSeconds 30.0, Console.Error)
                .GetAwaiter()
                .GetResult()

        let workers = client.LiveWorkers().GetAwaiter().GetResult()

        eprintfn
            "cluster %O: %d live worker(s); chunk timeout %g s, wait for workers %g s."
            where
            workers.Count
            chunkTimeout
            wait

        {
            MakeTask = fun plan -> ClusterTask.Create(Run.task plan, spec plan, client, options, Console.Error) :> ITask
            Close = fun () -> client.Dispose()
        }
