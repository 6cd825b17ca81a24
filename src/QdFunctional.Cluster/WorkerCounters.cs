namespace QdFunctional.Cluster;

using System.Diagnostics;

/// <summary>A worker's counters since it started, shared by its grains (one per worker process).</summary>
public sealed class WorkerCounters
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    int inFlight;
    long chunks,
        evaluations,
        refused;

    /// <summary>A chunk starts.</summary>
    public void Begin() => Interlocked.Increment(ref inFlight);

    /// <summary>A chunk of <paramref name="rows"/> solutions is done.</summary>
    public void End(int rows)
    {
        Interlocked.Decrement(ref inFlight);
        Interlocked.Increment(ref chunks);
        Interlocked.Add(ref evaluations, rows);
    }

    /// <summary>A request was refused.</summary>
    public void Refuse() => Interlocked.Increment(ref refused);

    /// <summary>The counters now, for <paramref name="worker"/>.</summary>
    public WorkerStatus Snapshot(string worker) =>
        new()
        {
            Worker = worker,
            Version = ClusterVersion.Current,
            InFlight = Volatile.Read(ref inFlight),
            ChunksServed = Interlocked.Read(ref chunks),
            EvaluationsServed = Interlocked.Read(ref evaluations),
            UptimeSeconds = clock.Elapsed.TotalSeconds,
            Refused = Interlocked.Read(ref refused),
        };
}
