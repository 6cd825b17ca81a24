using QdFunctional.Numerics;

namespace QdFunctional.Diff.Models;

/// <summary>What <see cref="Training.Fit"/> returns: the trained model, the optimizer after its last step,
/// and each epoch's loss (the minibatch losses weighted by their rows, over the data set's rows).</summary>
/// <remarks>Values all three; the caller keeps the model and optimizer in its own state.</remarks>
public sealed record TrainingResult(Mlp Model, Adam Optimizer, double[] EpochLosses);

/// <summary>Minibatch training with Adam: shuffled minibatches, one gradient step per minibatch.</summary>
/// <remarks>Deterministic for a fixed key: epoch e shuffles the rows by the Threefry words of the key
/// folded with e, and every gradient is summed in a fixed order, so the same data, model, optimizer and
/// key give the same bits on every run and thread count.</remarks>
public static class Training
{
    /// <summary>One Adam step on one minibatch: returns the updated model and optimizer and the minibatch's
    /// mean loss before the step.</summary>
    /// <remarks>The DiffSharp loop <c>model.reverseDiff(); loss.reverse(); optimizer.step()</c> as one pure call.</remarks>
    public static (Mlp Model, Adam Optimizer, double Loss) Step(
        Mlp model,
        Adam optimizer,
        Loss loss,
        Tensor inputs,
        Tensor targets,
        Workspace? workspace = null
    )
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var (value, gradient) = (workspace ?? new Workspace()).LossAndGradient(model, loss, inputs, targets);
        var (next, parameters) = optimizer.Step(model.Parameters, gradient);
        return (model.With(parameters), next, value);
    }

    /// <summary>Trains for <paramref name="epochs"/> passes over rows × inputs data and rows × outputs targets
    /// (row-major), in minibatches of <paramref name="batchSize"/> rows (the last one of an epoch smaller
    /// when rows is not a multiple), shuffled every epoch from the key (k0, k1).</summary>
    /// <remarks>As PyTorch's <c>DataLoader(shuffle=True, drop_last=False)</c> with an Adam loop; a zero-row
    /// data set returns the model unchanged. An epoch's loss is Σ_b loss_b·rows_b / rows (pyribs' discount
    /// model manager's measure); training stops early after the first epoch whose loss is at most
    /// <paramref name="stopAtLoss"/>, and <see cref="TrainingResult.EpochLosses"/> then lists only the
    /// epochs run. Runs on <see cref="Engine.Backend"/>.</remarks>
    public static TrainingResult Fit(
        Mlp model,
        Adam optimizer,
        Loss loss,
        ReadOnlySpan<double> inputs,
        ReadOnlySpan<double> targets,
        int rows,
        int batchSize,
        int epochs,
        uint k0,
        uint k1,
        double stopAtLoss = double.NegativeInfinity
    )
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        int nIn = model.Inputs,
            nOut = model.Outputs;
        if (rows < 0 || inputs.Length != (long)rows * nIn)
            throw new ArgumentException($"fit: {inputs.Length} input values are not {rows} rows of {nIn}", nameof(inputs));
        if (targets.Length != (long)rows * nOut)
            throw new ArgumentException($"fit: {targets.Length} target values are not {rows} rows of {nOut}", nameof(targets));
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "fit: batchSize must be positive");
        if (epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "fit: epochs must be ≥ 0");
        var losses = new double[epochs];
        if (rows == 0)
            return new TrainingResult(model, optimizer, losses);
        var workspace = new Workspace();
        var order = new int[rows];
        var words = new ulong[rows];
        for (int e = 0; e < epochs; e++)
        {
            Shuffle(k0, k1, e, words, order);
            double sum = 0;
            for (int start = 0; start < rows; start += batchSize)
            {
                int b = Math.Min(batchSize, rows - start);
                var x = new double[b * nIn];
                var y = new double[b * nOut];
                for (int i = 0; i < b; i++)
                {
                    int r = order[start + i];
                    inputs.Slice(r * nIn, nIn).CopyTo(x.AsSpan(i * nIn, nIn));
                    targets.Slice(r * nOut, nOut).CopyTo(y.AsSpan(i * nOut, nOut));
                }
                double value;
                (model, optimizer, value) = Step(
                    model,
                    optimizer,
                    loss,
                    new Tensor(b, nIn, x, null),
                    new Tensor(b, nOut, y, null),
                    workspace
                );
                sum += value * b;
            }
            losses[e] = sum / rows;
            if (losses[e] <= stopAtLoss)
                return new TrainingResult(model, optimizer, losses[..(e + 1)]);
        }
        return new TrainingResult(model, optimizer, losses);
    }

    /// <summary>The mean loss of the model over rows × inputs data (one batch, no step).</summary>
    /// <remarks>For reporting a fit: the same per-row loss training minimizes.</remarks>
    public static double Evaluate(Mlp model, Loss loss, ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, int rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rows <= 0 || inputs.Length != (long)rows * model.Inputs || targets.Length != (long)rows * model.Outputs)
            throw new ArgumentException(
                $"evaluate: {inputs.Length} inputs and {targets.Length} targets are not {rows} (> 0) rows of {model.Inputs} and {model.Outputs}"
            );
        var perRow = Losses.PerRow(
            loss,
            model.Predict(new Tensor(rows, model.Inputs, inputs.ToArray(), null)),
            new Tensor(rows, model.Outputs, targets.ToArray(), null)
        );
        var values = perRow.ToArray();
        double total = 0;
        foreach (var value in values)
            total += value;
        return total / rows;
    }

    /// <summary>Epoch e's row order: rows sorted by word r of the stream of the key folded with e
    /// (Threefry(key, (e, 0x5EED))), ties by row index.</summary>
    /// <remarks>A uniformly random permutation (ties between 64-bit words aside), a pure function of key and epoch.</remarks>
    private static void Shuffle(uint k0, uint k1, int epoch, ulong[] words, int[] order)
    {
        var (e0, e1) = Threefry.Hash(k0, k1, (uint)epoch, 0x5EED);
        Threefry.Fill(e0, e1, 0, words);
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        Array.Sort(words, order);
    }
}
