namespace QdFunctional.Numerics;

/// <summary>The one partitioner: cuts [0, count) into consecutive blocks whose boundaries depend only
/// on the count and the block length, never on the number of threads.</summary>
/// <remarks>Callers keep every value a function of its own index (a row, a counter), so a result is the
/// same bits whichever thread computes a block. Serial runs walk the very same blocks in order, because
/// vector kernels treat a span's tail differently from its body: cutting elsewhere when serial could
/// change the last bit.</remarks>
public static class Blocks
{
    /// <summary>Elements per block for flat element-wise work: a 36 × 1000 batch stays on one thread, 4096 × 1000 balances.</summary>
    public const int ElementsPerBlock = 65536;

    /// <summary>Work (rows × cost per row) below which one block is cheaper than a thread hand-off.</summary>
    public const long MinWorkPerBlock = 32_768;

    /// <summary>Calls <paramref name="body"/>(start, end) for blocks of <paramref name="blockLength"/> covering [0, count).</summary>
    /// <param name="count">Elements (or rows) to cover.</param>
    /// <param name="blockLength">Elements per block; the last block may be shorter.</param>
    /// <param name="body">Processes [start, end).</param>
    /// <param name="maxDegreeOfParallelism">1 runs serially; -1 lets the thread pool decide.</param>
    public static void For(int count, int blockLength, Action<int, int> body, int maxDegreeOfParallelism = -1)
    {
        if (blockLength < 1)
            throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, "a block holds at least one element");
        int blocks = count <= 0 ? 0 : (int)(((long)count + blockLength - 1) / blockLength);
        if (blocks <= 1 || maxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
        {
            for (int b = 0; b < blocks; b++)
                body(b * blockLength, Math.Min(count, (b + 1) * blockLength));
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, blocks, options, b => body(b * blockLength, Math.Min(count, (b + 1) * blockLength)));
    }

    /// <summary>Rows per block for rows of <paramref name="columns"/> elements: about <see cref="ElementsPerBlock"/> elements each.</summary>
    public static int RowsOf(int columns) => Math.Max(1, ElementsPerBlock / Math.Max(1, columns));

    /// <summary>Rows per block when each row costs about <paramref name="costPerRow"/>: one block per
    /// <see cref="MinWorkPerBlock"/> of work, rows spread evenly (36 rows of 1,000 make two blocks of 18,
    /// not one of 32 and one of 4).</summary>
    public static int EvenRows(int count, long costPerRow)
    {
        long work = (long)Math.Max(0, count) * Math.Max(1, costPerRow);
        int blocks = (int)Math.Clamp((work + MinWorkPerBlock - 1) / MinWorkPerBlock, 1, Math.Max(1, count));
        return Math.Max(1, (count + blocks - 1) / blocks);
    }

    /// <summary>Runs a per-row body over [0, count) in evenly filled blocks sized by <see cref="EvenRows"/>.</summary>
    public static void ForRows(int count, long costPerRow, Action<int, int> body) => For(count, EvenRows(count, costPerRow), body);
}
