namespace QdFunctional.Diff;

/// <summary>The record of one evaluation: the operations in creation order, their value and gradient
/// buffers, and the backend that computes them.</summary>
/// <remarks>Buffers come from pools (one per dtype) keyed by length and go back on <see cref="Reset"/>, so repeated
/// evaluations of the same task allocate nothing new once warm. Tensors of a reset tape are stale and
/// refuse to be used (their buffers now belong to the next evaluation).</remarks>
internal sealed class Tape(IBackend backend)
{
    private readonly Dictionary<int, Stack<double[]>> free = [];
    private readonly List<double[]> lent = [];
    private readonly Dictionary<int, Stack<float[]>> free32 = [];
    private readonly List<float[]> lent32 = [];

    internal IBackend Backend { get; } = backend;

    /// <summary>Incremented on every reset; a tensor remembers the generation it was made in.</summary>
    internal int Generation { get; private set; }

    /// <summary>Incremented on every backward sweep; a gradient is live only if stamped with the current one.</summary>
    internal int Sweep { get; private set; }

    /// <summary>Operations that need a derivative, in creation (topological) order.</summary>
    internal List<Tensor> Nodes { get; } = [];

    internal double[] Rent(int length)
    {
        if (!free.TryGetValue(length, out var stack) || !stack.TryPop(out var buffer))
            buffer = new double[length];
        lent.Add(buffer);
        return buffer;
    }

    internal float[] Rent32(int length)
    {
        if (!free32.TryGetValue(length, out var stack) || !stack.TryPop(out var buffer))
            buffer = new float[length];
        lent32.Add(buffer);
        return buffer;
    }

    internal void Reset()
    {
        Generation++;
        Nodes.Clear();
        Return(lent, free);
        Return(lent32, free32);
    }

    private static void Return<T>(List<T[]> lent, Dictionary<int, Stack<T[]>> free)
    {
        foreach (var b in lent)
        {
            if (!free.TryGetValue(b.Length, out var stack))
                free[b.Length] = stack = new Stack<T[]>();
            stack.Push(b);
        }
        lent.Clear();
    }

    /// <summary>Drops every pooled buffer (after a reset), returning memory to the runtime.</summary>
    internal void Release()
    {
        Reset();
        free.Clear();
        free32.Clear();
    }

    /// <summary>Makes t's (float64) gradient buffer live for this sweep, zeroed on first touch.</summary>
    internal double[] GradOf(Tensor t)
    {
        if (t.GradSweep != Sweep || t.Grad is null)
        {
            t.Grad ??= Rent(t.Data.Length);
            Array.Clear(t.Grad);
            DeviceResidency.ClearedOnHost(t.Grad);
            t.GradSweep = Sweep;
        }
        return t.Grad;
    }

    /// <summary>Makes t's float32 gradient buffer live for this sweep, zeroed on first touch.</summary>
    internal float[] GradOf32(Tensor t)
    {
        if (t.GradSweep != Sweep || t.Grad32 is null)
        {
            t.Grad32 ??= Rent32(t.Data32.Length);
            Array.Clear(t.Grad32);
            DeviceResidency.ClearedOnHost(t.Grad32);
            t.GradSweep = Sweep;
        }
        return t.Grad32;
    }

    /// <summary>One reverse sweep from output column <paramref name="column"/> of every row at once.</summary>
    /// <remarks>Seeds ∂out[i, column]/∂out = 1 in each row i and runs every reached node's derivative rule
    /// in reverse creation order. Rows never mix, so the leaf's gradient row i is row i's gradient.
    /// When the output is a concatenation (objective and measures), the seed goes straight to the part
    /// holding the column, so the sweep for one output never walks the other outputs' subgraphs.</remarks>
    internal void Backward(Tensor output, int column)
    {
        Sweep++;
        var seed = output;
        while (seed.Parts is { } parts)
        {
            int k = 0;
            while (column >= parts[k].Cols)
                column -= parts[k++].Cols;
            seed = parts[k];
        }
        if (!seed.RequiresGrad)
            return;
        if (seed.Dtype == Dtype.Float32)
        {
            var g = GradOf32(seed);
            DeviceResidency.ReadOnHost(g);
            for (int i = 0; i < seed.Rows; i++)
                g[i * seed.Cols + column] = 1f;
            DeviceResidency.WroteOnHost(g);
        }
        else
        {
            var g = GradOf(seed);
            DeviceResidency.ReadOnHost(g);
            for (int i = 0; i < seed.Rows; i++)
                g[i * seed.Cols + column] = 1.0;
            DeviceResidency.WroteOnHost(g);
        }
        for (int k = Nodes.Count - 1; k >= 0; k--)
        {
            var node = Nodes[k];
            if (node.GradSweep == Sweep && node.BackwardRule is not null)
                node.BackwardRule(node);
        }
    }

    /// <summary>True when t received a gradient in the current sweep.</summary>
    internal bool Reached(Tensor t) => t.GradSweep == Sweep && (t.Grad is not null || t.Grad32 is not null);
}
