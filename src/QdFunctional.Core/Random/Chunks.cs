namespace QdFunctional.Core.Random;

/// <summary>
/// Fixed partitioning of a long draw into chunks that may run on different threads. Every
/// value is a pure function of (key, index), so the result is the same whether the chunks
/// run in parallel, in sequence, or as one piece; the chunking only decides the speed.
/// </summary>
static class Chunks
{
    /// <summary>Values per chunk; even, so a Box-Muller pair (2i, 2i+1) never straddles two chunks.</summary>
    internal const int Length = 1 << 14;

    /// <summary>Draws shorter than this run on the calling thread: below it, scheduling costs more than it saves.</summary>
    internal const int ParallelFrom = 1 << 17;

    /// <summary>Calls <paramref name="body"/>(start, count) over [0, total) in chunks of <see cref="Length"/>.</summary>
    internal static void Run(int total, Action<int, int> body)
    {
        if (total < ParallelFrom || Environment.ProcessorCount == 1)
        {
            body(0, total);
            return;
        }
        int chunks = (total + Length - 1) / Length;
        Parallel.For(
            0,
            chunks,
            c =>
            {
                int start = c * Length;
                body(start, Math.Min(Length, total - start));
            }
        );
    }
}
