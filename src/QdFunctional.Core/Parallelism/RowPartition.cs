namespace QdFunctional.Core.Parallelism;

/// <summary>
/// Runs a per-row body over a batch in fixed blocks of rows. Each row's result depends only on
/// the row (and keys derived from its index), so the output is the same on any number of cores;
/// the blocks only decide which thread does the work.
/// </summary>
public static class RowPartition
{
    /// <summary>Calls <paramref name="body"/>(start, end) for consecutive blocks covering [0, count).</summary>
    /// <param name="count">Rows in the batch.</param>
    /// <param name="costPerRow">Rough work per row (for example the dimension); small batches stay on one thread.</param>
    /// <param name="body">Processes rows [start, end).</param>
    public static void For(int count, long costPerRow, Action<int, int> body)
    {
        const long MinWorkPerBlock = 32_768;
        int rowsPerBlock = (int)Math.Clamp(MinWorkPerBlock / Math.Max(1, costPerRow), 1, Math.Max(1, count));
        int blocks = (count + rowsPerBlock - 1) / rowsPerBlock;
        if (blocks <= 1 || Environment.ProcessorCount == 1)
        {
            if (count > 0)
                body(0, count);
            return;
        }
        Parallel.For(0, blocks, b => body(b * rowsPerBlock, Math.Min(count, (b + 1) * rowsPerBlock)));
    }
}
