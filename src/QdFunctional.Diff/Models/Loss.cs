namespace QdFunctional.Diff.Models;

/// <summary>The loss a model is trained on: mean-squared error for regression, logistic loss for
/// probabilities.</summary>
/// <remarks>Both are computed per row (batch × 1, the mean over the outputs of that row); training
/// averages the rows, so a minibatch's loss is the mean over all its elements.</remarks>
public enum Loss
{
    /// <summary>(prediction − target)², averaged over the outputs.</summary>
    MeanSquared,

    /// <summary>Binary cross-entropy on logits z with targets y in [0, 1]: softplus(z) − y·z, averaged over
    /// the outputs.</summary>
    /// <remarks>Takes logits (an identity output layer), not probabilities, so it stays finite for large |z|.</remarks>
    Logistic,
}

/// <summary>The per-row value of a <see cref="Loss"/>, built from the engine's operations.</summary>
/// <remarks>Differentiable through the tape like any task; its gradient rules are the operations'.</remarks>
public static class Losses
{
    /// <summary>The loss of each row: batch × outputs predictions and targets give batch × 1.</summary>
    /// <remarks>Logistic uses softplus(z) = max(z, 0) + log(1 + e^−|z|), exact for large |z| where the naive
    /// log(1 + eᶻ) overflows; its derivative is sigmoid(z) − y everywhere but at z = 0 exactly, where the
    /// engine's subgradients of max and |·| give 1 − y instead of ½ − y (a set of measure zero).</remarks>
    public static Tensor PerRow(Loss loss, Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Rows != target.Rows || prediction.Cols != target.Cols)
            throw new ArgumentException($"loss: predictions {prediction.Shape} and targets {target.Shape} differ in shape");
        return loss switch
        {
            Loss.MeanSquared => Tensor.Mean(Tensor.Square(prediction - target)),
            Loss.Logistic => Tensor.Mean(
                Tensor.Max(prediction, 0.0) + Tensor.Log(1.0 + Tensor.Exp(-Tensor.Abs(prediction))) - target * prediction
            ),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), $"loss: {loss} is not a loss"),
        };
    }

    /// <summary>The loss named by <paramref name="name"/> (mse, logistic; any case).</summary>
    /// <remarks>For configuration files and command lines.</remarks>
    public static Loss Parse(string name) =>
        name?.ToLowerInvariant() switch
        {
            "mse" or "meansquared" or "mean-squared" => Loss.MeanSquared,
            "logistic" or "bce" => Loss.Logistic,
            _ => throw new ArgumentException($"loss: '{name}' is not one of mse, logistic", nameof(name)),
        };
}
