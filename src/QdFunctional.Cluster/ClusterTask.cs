namespace QdFunctional.Cluster;

using Orleans.Runtime;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Tasks;

/// <summary>
/// A task whose batches are evaluated by a cluster of workers: the same contract as the local
/// task it stands for (whose shape it reports), so every algorithm runs unchanged. Each batch
/// is cut into chunks of consecutive rows, spread by a <see cref="ChunkDispatcher"/>, and glued
/// back in row order: the evaluation equals the local one bit for bit, whatever the workers.
/// </summary>
public class ClusterTask : ITask
{
    readonly ITask local;
    readonly TaskSpec spec;
    readonly ClusterRunOptions options;

    /// <summary>Stands for <paramref name="local"/> (built as the workers build it from <paramref name="spec"/>).</summary>
    protected ClusterTask(ITask local, TaskSpec spec, ChunkDispatcher dispatcher, ClusterRunOptions options)
    {
        this.local = local;
        this.spec = spec;
        this.options = options;
        Dispatcher = dispatcher;
    }

    /// <summary>The dispatcher (its counters say how many chunks were re-sent).</summary>
    public ChunkDispatcher Dispatcher { get; }

    /// <summary>
    /// The cluster version of <paramref name="local"/>; a bounded or multi-objective task stays one. Asks every
    /// live worker first whether it takes the task, so a refusal stops the run before it starts; a
    /// worker that cannot answer (dead, not yet declared so) is left out. When the membership
    /// itself cannot be asked yet (a killed member held it), none is asked here: the first batch
    /// waits for workers (<c>--cluster-wait</c>), and a refusal then stops the run at that batch.
    /// </summary>
    public static ClusterTask Create(ITask local, TaskSpec spec, ClusterClient cluster, ClusterRunOptions options, TextWriter log)
    {
        var dispatcher = new ChunkDispatcher(cluster, options, log);
        foreach (var worker in dispatcher.WorkersOrNone().GetAwaiter().GetResult())
        {
            string? refusal;
            try
            {
                refusal = cluster
                    .Evaluator(worker)
                    .Check(options.Version, local.Name, spec)
                    .WaitAsync(options.CallTimeout)
                    .GetAwaiter()
                    .GetResult();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // Killed but not yet declared dead: the membership still lists it, it cannot answer.
                dispatcher.Drop(worker, e.Message.Split('\n')[0]);
                continue;
            }
            if (refusal is not null)
                throw new ClusterRefusedException(refusal);
        }
        return local switch
        {
            IMultiObjectiveTask mo => new MultiObjective(mo, spec, dispatcher, options),
            IBoundedTask bounded => new Bounded(bounded, spec, dispatcher, options),
            _ => new ClusterTask(local, spec, dispatcher, options),
        };
    }

    /// <inheritdoc/>
    public string Name => local.Name;

    /// <inheritdoc/>
    public int SolutionDim => local.SolutionDim;

    /// <inheritdoc/>
    public int ObjectiveCount => local.ObjectiveCount;

    /// <inheritdoc/>
    public int MeasureDim => local.MeasureDim;

    /// <inheritdoc/>
    public double[] MeasureLow => local.MeasureLow;

    /// <inheritdoc/>
    public double[] MeasureHigh => local.MeasureHigh;

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => local.ObjectiveRange;

    /// <inheritdoc/>
    public bool HasGradients => local.HasGradients;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false) =>
        EvaluateAsync(solutions, withJacobians).GetAwaiter().GetResult();

    async Task<Evaluation> EvaluateAsync(SolutionBatch solutions, bool withJacobians)
    {
        int n = solutions.Count,
            d = solutions.Dim;
        if (n == 0)
            return local.Evaluate(solutions, withJacobians);
        int size = options.ChunkSize;
        if (size <= 0)
        {
            // Sizing asks the membership too: a cluster whose gateways are all gone counts as none here,
            // and the dispatcher then waits for workers (--cluster-wait) instead of failing.
            var workers = Math.Max(1, (await Dispatcher.WorkersOrNone()).Count);
            size = Math.Max(1, (n + 2 * workers - 1) / (2 * workers));
        }
        var requests = new List<EvaluationRequest>((n + size - 1) / size);
        for (int start = 0, chunk = 0; start < n; start += size, chunk++)
        {
            int count = Math.Min(size, n - start);
            requests.Add(
                new EvaluationRequest
                {
                    Version = options.Version,
                    Task = local.Name,
                    Spec = spec,
                    Chunk = chunk,
                    Count = count,
                    Solutions = solutions.Values.Slice(start * d, count * d).ToArray(),
                    WithJacobians = withJacobians,
                }
            );
        }
        var replies = await Dispatcher.Run(requests);
        return Concat(replies, n);
    }

    /// <summary>The chunks' evaluations one after another, in row order.</summary>
    static Evaluation Concat(EvaluationReply[] replies, int n)
    {
        var first = replies[0];
        int m = first.ObjectiveCount,
            k = first.MeasureDim,
            d = first.SolutionDim;
        var objectives = new double[n * m];
        var measures = new double[n * k];
        var jacobians = first.Jacobians is null ? null : new double[(long)n * (m + k) * d];
        var extra = first.Extra.Keys.ToDictionary(name => name, _ => new double[n]);
        int row = 0;
        foreach (var r in replies)
        {
            r.Objectives.CopyTo(objectives, row * m);
            r.Measures.CopyTo(measures, row * k);
            if (jacobians is not null)
                r.Jacobians!.CopyTo(jacobians, (long)row * (m + k) * d);
            foreach (var (name, column) in extra)
                r.Extra[name].CopyTo(column, row);
            row += r.Count;
        }
        return new Evaluation(n, m, k, objectives, measures, jacobians, d, extra.Count == 0 ? null : extra);
    }

    /// <summary>Keeps the solution box: emitters and the initial population read it from the task.</summary>
    class Bounded(IBoundedTask inner, TaskSpec spec, ChunkDispatcher dispatcher, ClusterRunOptions options)
        : ClusterTask(inner, spec, dispatcher, options),
            IBoundedTask
    {
        public double[] SolutionLower => inner.SolutionLower;

        public double[] SolutionUpper => inner.SolutionUpper;
    }

    sealed class MultiObjective(IMultiObjectiveTask inner, TaskSpec spec, ChunkDispatcher dispatcher, ClusterRunOptions options)
        : Bounded(inner, spec, dispatcher, options),
            IMultiObjectiveTask
    {
        public double[] ReferencePoint => inner.ReferencePoint;
    }
}
