namespace QdFunctional.Core.Archives.Discount;

/// <summary>
/// The discount model's shape and training, as Discount Model Search's paper and pyribs' sphere example
/// set them (Tjanaka et al., ICLR 2026): an MLP of two hidden ReLU layers of 128 over the measures,
/// Adam at 0.001 (β 0.9, 0.999), at most 5 epochs per training round, stopping after an epoch whose mean
/// squared error is at most 0.05, minibatches of 32; measures scaled to [−1, 1] and discounts to [0, 1]
/// over the objective range. Each round trains on the batch's measures and on up to
/// <see cref="EmptyPoints"/> centres of empty result cells (target: the minimum threshold); the first
/// fits <see cref="InitialPoints"/> empty centres.
/// </summary>
public sealed record DiscountModelOptions
{
    /// <summary>Hidden layer widths (paper: 128, 128).</summary>
    public int[] Hidden { get; init; } = [128, 128];

    /// <summary>Adam's step size (paper: 0.001).</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Most epochs per training round (paper: 5).</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>A round stops after an epoch whose loss is at most this (paper: 0.05, on the [0, 1] scale).</summary>
    public double CutoffLoss { get; init; } = 0.05;

    /// <summary>Rows per minibatch (paper: 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Empty cell centres fitted at the start (paper: 1,000).</summary>
    public int InitialPoints { get; init; } = 1000;

    /// <summary>Empty cell centres added to each round's data (paper: 100).</summary>
    public int EmptyPoints { get; init; } = 100;

    /// <summary>Where the model trains and predicts. Null: the SIMD backend on one thread, because a
    /// minibatch of 32 rows is too small to split across threads (the results are the same bits either way).</summary>
    public QdFunctional.Diff.IBackend? Backend { get; init; }

    /// <summary>Checks every field, naming the first bad one.</summary>
    public void Validate()
    {
        if (Hidden is null || Array.Exists(Hidden, h => h <= 0))
            throw new ArgumentException("discount model: hidden widths must be positive");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"discount model: learning rate must be finite and > 0, got {LearningRate}");
        if (Epochs < 1 || BatchSize < 1 || InitialPoints < 0 || EmptyPoints < 0)
            throw new ArgumentException(
                $"discount model: epochs {Epochs} and batch size {BatchSize} must be ≥ 1, initial {InitialPoints} and empty points {EmptyPoints} ≥ 0"
            );
    }
}
