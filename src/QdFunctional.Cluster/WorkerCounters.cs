namespace QdFunctional.Cluster;

using System.Diagnostics;

/// <summary>A worker's counters since it started, shared by its grains (one per worker process).</summary>
public sealed class WorkerCounters
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    int inFlight;
    long chunks,
        evaluations,
        refused,
        busyTicks,
        lastAnswerTicks = -1;

    /// <summary>A chunk starts; the value to hand to <see cref="End"/>.</summary>
    public long Begin()
    {
        Interlocked.Increment(ref inFlight);
        return clock.ElapsedTicks;
    }

    /// <summary>A chunk of <paramref name="rows"/> solutions, begun at <paramref name="begun"/>, is answered.</summary>
    public void End(int rows, long begun)
    {
        var now = clock.ElapsedTicks;
        Interlocked.Decrement(ref inFlight);
        Interlocked.Increment(ref chunks);
        Interlocked.Add(ref evaluations, rows);
        Interlocked.Add(ref busyTicks, now - begun);
        Interlocked.Exchange(ref lastAnswerTicks, now);
    }

    /// <summary>A request was refused.</summary>
    public void Refuse() => Interlocked.Increment(ref refused);

    /// <summary>The counters now, for <paramref name="worker"/>.</summary>
    public WorkerStatus Snapshot(string worker)
    {
        var last = Interlocked.Read(ref lastAnswerTicks);
        var busy = Interlocked.Read(ref busyTicks);
        return new()
        {
            Worker = worker,
            Version = ClusterVersion.Current,
            InFlight = Volatile.Read(ref inFlight),
            ChunksServed = Interlocked.Read(ref chunks),
            EvaluationsServed = Interlocked.Read(ref evaluations),
            UptimeSeconds = clock.Elapsed.TotalSeconds,
            Refused = Interlocked.Read(ref refused),
            EvaluatingSeconds = (double)busy / Stopwatch.Frequency,
            SecondsSinceLastAnswer = last < 0 ? null : (double)(clock.ElapsedTicks - last) / Stopwatch.Frequency,
        };
    }
}
