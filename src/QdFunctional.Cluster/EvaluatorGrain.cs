namespace QdFunctional.Cluster;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QdFunctional.Core.Batches;

/// <summary>
/// A worker's evaluation service (see <see cref="IEvaluatorGrain"/>): one activation per worker,
/// evaluating one chunk at a time, so a worker's load is its queue and its counters are exact.
/// </summary>
[SiloTargetedPlacement]
public sealed class EvaluatorGrain(
    WorkerTasks tasks,
    WorkerCounters counters,
    ILocalSiloDetails silo,
    IServiceProvider services,
    ILogger<EvaluatorGrain> log
) : Grain, IEvaluatorGrain
{
    string Self => silo.SiloAddress.ToParsableString();

    /// <inheritdoc/>
    public Task<string?> Check(string version, string task, TaskSpec spec)
    {
        var refusal = Refusal(version, task, spec);
        if (refusal is not null)
        {
            counters.Refuse();
            log.LogWarning("qd worker: refused: {Refusal}", refusal);
        }
        return Task.FromResult(refusal);
    }

    /// <inheritdoc/>
    public async Task<EvaluationReply> Evaluate(EvaluationRequest request)
    {
        var refusal = Refusal(request.Version, request.Task, request.Spec);
        if (refusal is not null)
        {
            counters.Refuse();
            log.LogWarning("qd worker: refused: {Refusal}", refusal);
            return new EvaluationReply { Refusal = refusal, Worker = Self };
        }
        var task = tasks.Get(request.Task, request.Spec);
        var begun = counters.Begin();
        try
        {
            // Off the activation's thread: chunks still run one at a time (the grain is not
            // reentrant), but status questions (AlwaysInterleave) are answered meanwhile.
            var batch = new SolutionBatch(request.Count, task.SolutionDim, request.Solutions);
            var evaluation = await Task.Run(() => task.Evaluate(batch, request.WithJacobians));
            return EvaluationReply.Of(evaluation, Self);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            // The same chunk fails on every worker: an answer, not a dead worker to route around.
            var failure = $"worker {Self} could not evaluate chunk {request.Chunk} of '{request.Task}': {e.Message.Split('\n')[0]}";
            log.LogWarning("qd worker: {Failure}", failure);
            return new EvaluationReply { Refusal = failure, Worker = Self };
        }
        finally
        {
            counters.End(request.Count, begun);
        }
    }

    /// <inheritdoc/>
    public Task<WorkerStatus> Status() =>
        Task.FromResult(
            counters.Snapshot(Self) with
            {
                Certificate = services.GetService<ClusterCredentials>()?.Subject ?? "",
                Refusals = services.GetService<PeerRefusals>()?.Recent() ?? [],
            }
        );

    /// <summary>Null when this worker takes the work; else one line saying why not.</summary>
    string? Refusal(string version, string task, TaskSpec spec)
    {
        if (version != ClusterVersion.Current)
            return $"worker {Self} is qd {ClusterVersion.Current}; the client is qd {version}: run the same build on both sides.";
        try
        {
            tasks.Get(task, spec);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"worker {Self} cannot build task '{task}' (d = {spec.Dim}): {e.Message}";
        }
    }
}
