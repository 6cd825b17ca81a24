namespace QdFunctional.Core.Archives;

using System.Buffers;

/// <summary>
/// Per cell touched by one batch: the row that wins it, how many rows beat its threshold and the
/// sum of their objectives (CMA-MAE's threshold update needs both). An open-addressing table on
/// pooled arrays, so that an add allocates no dictionary; <see cref="Return"/> gives the arrays back.
/// </summary>
internal struct BatchWinners
{
    int[] cells; // cell + 1; 0 marks an empty slot
    int[] rows;
    int[] counts;
    double[] sums;
    int shift;

    /// <summary>A table for the cells of at most <paramref name="rowCount"/> rows (at most half full).</summary>
    public static BatchWinners Rent(int rowCount)
    {
        int bits = Math.Max(4, 1 + (int)Math.Ceiling(Math.Log2(Math.Max(1, rowCount))));
        int capacity = 1 << bits;
        var table = new BatchWinners
        {
            cells = ArrayPool<int>.Shared.Rent(capacity),
            rows = ArrayPool<int>.Shared.Rent(capacity),
            counts = ArrayPool<int>.Shared.Rent(capacity),
            sums = ArrayPool<double>.Shared.Rent(capacity),
            shift = 32 - bits,
        };
        table.cells.AsSpan(0, capacity).Clear();
        return table;
    }

    /// <summary>Number of cells with a winner.</summary>
    public int Count { get; private set; }

    /// <summary>The slot of <paramref name="cell"/>: where it is, or the empty slot where it would go.</summary>
    readonly int SlotOf(int cell)
    {
        int mask = (1 << (32 - shift)) - 1;
        int slot = (int)(((uint)cell * 2654435769u) >> shift);
        while (cells[slot] != 0 && cells[slot] != cell + 1)
            slot = (slot + 1) & mask;
        return slot;
    }

    /// <summary>Row <paramref name="row"/> (objective <paramref name="f"/>) beat <paramref name="cell"/>'s
    /// threshold: it wins the cell if its objective is higher than the winner's so far (the earlier row among equals).</summary>
    public void Offer(int cell, int row, double f, ReadOnlySpan<double> objectives)
    {
        int slot = SlotOf(cell);
        if (cells[slot] == 0)
        {
            cells[slot] = cell + 1;
            rows[slot] = row;
            counts[slot] = 1;
            sums[slot] = f;
            Count++;
            return;
        }
        if (f > objectives[rows[slot]])
            rows[slot] = row;
        counts[slot]++;
        sums[slot] += f;
    }

    /// <summary>The winner of a cell that some row beat.</summary>
    public readonly (int Row, int Count, double Sum) this[int cell]
    {
        get
        {
            int slot = SlotOf(cell);
            return (rows[slot], counts[slot], sums[slot]);
        }
    }

    /// <summary>Gives the arrays back to the pool; the table is not used afterwards.</summary>
    public readonly void Return()
    {
        ArrayPool<int>.Shared.Return(cells);
        ArrayPool<int>.Shared.Return(rows);
        ArrayPool<int>.Shared.Return(counts);
        ArrayPool<double>.Shared.Return(sums);
    }
}
