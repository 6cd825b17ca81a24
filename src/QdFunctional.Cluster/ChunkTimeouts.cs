namespace QdFunctional.Cluster;

/// <summary>
/// How long a chunk may go unanswered before its worker counts as hung. A dead worker is noticed
/// by the membership (<see cref="MembershipWatch"/>), so this only covers a live worker that
/// stopped answering; a fixed 30 s either stalls a fast run or cuts off a slow task. Automatic
/// timeouts scale with the measured time per row: <c>max(Floor, Factor × s × rows)</c>, where s
/// is the slowest time per row among the last <see cref="Window"/> answered chunks (the first
/// chunks pay for start-up, so the estimate leans long until they age out). Before any
/// measurement the timeout is <see cref="Initial"/>. A fixed timeout (<c>--chunk-timeout S</c>)
/// is used as given.
/// </summary>
public sealed class ChunkTimeouts(TimeSpan? fixedTimeout)
{
    /// <summary>A timeout is this many times the chunk's expected time.</summary>
    public const double Factor = 10;

    /// <summary>The shortest automatic timeout: a scheduling hiccup on a busy machine is not a hung worker.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromSeconds(3);

    /// <summary>The timeout before any chunk was answered (task start-up, first compilation).</summary>
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(60);

    /// <summary>Answered chunks the estimate remembers.</summary>
    public const int Window = 16;

    readonly Queue<double> secondsPerRow = new();
    readonly object gate = new();

    /// <summary>The timeout for a chunk of <paramref name="rows"/> rows.</summary>
    public TimeSpan For(int rows)
    {
        if (fixedTimeout is { } given)
            return given;
        lock (gate)
        {
            if (secondsPerRow.Count == 0)
                return Initial;
            var expected = secondsPerRow.Max() * rows;
            return TimeSpan.FromSeconds(Math.Max(Floor.TotalSeconds, Factor * expected));
        }
    }

    /// <summary>A chunk of <paramref name="rows"/> rows was answered after <paramref name="elapsed"/>.</summary>
    public void Observe(int rows, TimeSpan elapsed)
    {
        lock (gate)
        {
            secondsPerRow.Enqueue(elapsed.TotalSeconds / Math.Max(1, rows));
            while (secondsPerRow.Count > Window)
                secondsPerRow.Dequeue();
        }
    }
}
