namespace QdFunctional.Core.Archives.Discount;

using QdFunctional.Core.Random;
using QdFunctional.Diff;
using QdFunctional.Diff.Models;

/// <summary>
/// Discount Model Search's discount function (Tjanaka et al., ICLR 2026): an MLP from measures to
/// discount values, with its Adam state and the scalings of its inputs and outputs (pyribs'
/// DiscountModelManager). A value: training returns a new model.
/// </summary>
/// <remarks>
/// Inputs are measures scaled linearly from [low, high] to [−1, 1]; outputs are discounts scaled from
/// [discountLow, discountHigh] to [0, 1] (normalize_measures "negative_one_one", normalize_discount
/// "zero_one"), so a network of order-one weights fits objectives of any range. Inference is one
/// batched call of the engine; training is <see cref="Training.Fit"/> with early stopping.
/// </remarks>
public sealed class DiscountModel
{
    readonly double[] low,
        high;

    DiscountModel(
        Mlp network,
        Adam optimizer,
        double[] low,
        double[] high,
        double discountLow,
        double discountHigh,
        DiscountModelOptions options
    )
    {
        Network = network;
        Optimizer = optimizer;
        this.low = low;
        this.high = high;
        DiscountLow = discountLow;
        DiscountHigh = discountHigh;
        Options = options;
    }

    /// <summary>An untrained model over measures in [low, high] and discounts in [discountLow, discountHigh],
    /// its weights drawn from <paramref name="key"/> (PyTorch's default initialization).</summary>
    public static DiscountModel Create(
        ReadOnlySpan<double> low,
        ReadOnlySpan<double> high,
        double discountLow,
        double discountHigh,
        DiscountModelOptions options,
        Key key
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (low.Length == 0 || low.Length != high.Length)
            throw new ArgumentException($"discount model: {low.Length} lower and {high.Length} upper measure bounds");
        for (int j = 0; j < low.Length; j++)
            if (!(high[j] > low[j]) || !double.IsFinite(low[j]) || !double.IsFinite(high[j]))
                throw new ArgumentException(
                    $"discount model: measure {j} has bounds [{low[j]}, {high[j]}]; they must be finite with low < high"
                );
        if (!(discountHigh > discountLow) || !double.IsFinite(discountLow) || !double.IsFinite(discountHigh))
            throw new ArgumentException($"discount model: discount range [{discountLow}, {discountHigh}] must be finite and non-empty");
        var sizes = new int[options.Hidden.Length + 2];
        sizes[0] = low.Length;
        options.Hidden.CopyTo(sizes, 1);
        sizes[^1] = 1;
        var network = Mlp.Create(Mlp.Shape(sizes, Activation.Relu, Activation.Identity), key.Hi, key.Lo);
        return new DiscountModel(
            network,
            Adam.Create(network.ParameterCount, options.LearningRate),
            low.ToArray(),
            high.ToArray(),
            discountLow,
            discountHigh,
            options
        );
    }

    /// <summary>The network (measures scaled to [−1, 1] → discount scaled to [0, 1]).</summary>
    public Mlp Network { get; }

    /// <summary>Adam's state, carried across training rounds as pyribs carries its optimizer.</summary>
    public Adam Optimizer { get; }

    /// <summary>The discount that scales to 0.</summary>
    public double DiscountLow { get; }

    /// <summary>The discount that scales to 1.</summary>
    public double DiscountHigh { get; }

    /// <summary>Shape and training settings.</summary>
    public DiscountModelOptions Options { get; }

    /// <summary>The same model with a restored network and optimizer (checkpoints).</summary>
    public DiscountModel With(Mlp network, Adam optimizer) =>
        network.ParameterCount == Network.ParameterCount && optimizer.FirstMoment.Length == Network.ParameterCount
            ? new(network, optimizer, low, high, DiscountLow, DiscountHigh, Options)
            : throw new ArgumentException(
                $"discount model: {network.ParameterCount} parameters and moments of {optimizer.FirstMoment.Length}; the model has {Network.ParameterCount}"
            );

    /// <summary>The discount at each of <paramref name="rows"/> measure vectors (row-major), in one batched call.</summary>
    public double[] Predict(ReadOnlySpan<double> measures, int rows)
    {
        using var _ = Engine.Use(Options.Backend ?? SingleThread);
        var scaled = Scale(measures, rows);
        var y = Network.Predict(scaled, rows);
        double span = DiscountHigh - DiscountLow;
        for (int i = 0; i < rows; i++)
            y[i] = y[i] * span + DiscountLow;
        return y;
    }

    /// <summary>One training round on rows of measures and target discounts: at most
    /// <see cref="DiscountModelOptions.Epochs"/> epochs of shuffled minibatches, stopping after an epoch whose
    /// loss (on the [0, 1] scale) is at most the cutoff. Returns the trained model and each epoch's loss.</summary>
    public (DiscountModel Model, double[] EpochLosses) Train(ReadOnlySpan<double> measures, ReadOnlySpan<double> targets, int rows, Key key)
    {
        if (targets.Length != rows)
            throw new ArgumentException($"discount model: {targets.Length} targets for {rows} rows", nameof(targets));
        using var _ = Engine.Use(Options.Backend ?? SingleThread);
        var x = Scale(measures, rows);
        var y = new double[rows];
        double span = DiscountHigh - DiscountLow;
        for (int i = 0; i < rows; i++)
            y[i] = (targets[i] - DiscountLow) / span;
        var r = Training.Fit(
            Network,
            Optimizer,
            Loss.MeanSquared,
            x,
            y,
            rows,
            Options.BatchSize,
            Options.Epochs,
            key.Hi,
            key.Lo,
            Options.CutoffLoss
        );
        return (new DiscountModel(r.Model, r.Optimizer, low, high, DiscountLow, DiscountHigh, Options), r.EpochLosses);
    }

    static readonly IBackend SingleThread = new SimdBackend(1);

    /// <summary>Measures mapped linearly from [low, high] to [−1, 1]: 2(m − low)/(high − low) − 1.</summary>
    double[] Scale(ReadOnlySpan<double> measures, int rows)
    {
        int k = low.Length;
        if (measures.Length != (long)rows * k)
            throw new ArgumentException($"discount model: {measures.Length} values are not {rows} rows of {k} measures", nameof(measures));
        var x = new double[measures.Length];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < k; j++)
            x[i * k + j] = 2.0 * (measures[i * k + j] - low[j]) / (high[j] - low[j]) - 1.0;
        return x;
    }
}
