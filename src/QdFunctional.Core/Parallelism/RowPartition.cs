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
        // One block per MinWorkPerBlock of work (rounded up), rows spread evenly over them: 36 rows
        // of 1,000 make two blocks of 18, not one of 32 and one of 4.
        long work = (long)Math.Max(0, count) * Math.Max(1, costPerRow);
        int blocks = (int)Math.Clamp((work + MinWorkPerBlock - 1) / MinWorkPerBlock, 1, Math.Max(1, count));
        int rowsPerBlock = (count + blocks - 1) / Math.Max(1, blocks);
        blocks = rowsPerBlock == 0 ? 0 : (count + rowsPerBlock - 1) / rowsPerBlock;
        if (blocks <= 1 || Environment.ProcessorCount == 1)
        {
            if (count > 0)
                body(0, count);
            return;
        }
        Parallel.For(0, blocks, b => body(b * rowsPerBlock, Math.Min(count, (b + 1) * rowsPerBlock)));
    }
}
