namespace QdFunctional.Diff;

/// <summary>Splits work on rows into blocks whose boundaries depend only on the problem size.</summary>
/// <remarks>Every block is computed by exactly the same code whichever thread runs it, and no value
/// is ever combined across blocks, so results are bit-identical for any thread count.</remarks>
internal static class Partition
{
    /// <summary>Elements per block: large enough that a 36 × 1000 batch runs without thread hand-offs, small enough to balance 4096 × 1000.</summary>
    internal const int BlockElements = 65536;

    /// <summary>Runs body(start, end) over row blocks [start, end) covering [0, rows).</summary>
    /// <remarks>Blocks of ⌈BlockElements / cols⌉ rows; serial when there is one block or one thread.</remarks>
    internal static void Rows(int rows, int cols, int maxDegreeOfParallelism, Action<int, int> body)
    {
        int blockRows = Math.Max(1, BlockElements / Math.Max(1, cols));
        int blocks = (rows + blockRows - 1) / blockRows;
        if (blocks <= 1 || maxDegreeOfParallelism == 1)
        {
            // The same blocks in order: vector kernels treat a span's tail differently from its body,
            // so even serial runs must cut exactly where parallel runs do.
            for (int b = 0; b < blocks; b++)
                body(b * blockRows, Math.Min(rows, (b + 1) * blockRows));
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, blocks, options, b => body(b * blockRows, Math.Min(rows, (b + 1) * blockRows)));
    }

    /// <summary>Runs body(start, end) over element blocks [start, end) covering [0, length).</summary>
    /// <remarks>Flat storage (no broadcasting) is one long row for partitioning purposes.</remarks>
    internal static void Elements(int length, int maxDegreeOfParallelism, Action<int, int> body)
    {
        int blocks = (length + BlockElements - 1) / BlockElements;
        if (blocks <= 1 || maxDegreeOfParallelism == 1)
        {
            for (int b = 0; b < blocks; b++)
                body(b * BlockElements, Math.Min(length, (b + 1) * BlockElements));
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, blocks, options, b => body(b * BlockElements, Math.Min(length, (b + 1) * BlockElements)));
    }
}
