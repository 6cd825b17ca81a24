namespace QdFunctional.Diff.Models;

/// <summary>The nonlinearity a dense layer applies to its output.</summary>
/// <remarks>A closed choice, parsed once where the model is built, so no layer reads a string again.</remarks>
public enum Activation
{
    /// <summary>y = x: the output layer of a regression model.</summary>
    Identity,

    /// <summary>y = max(x, 0); the derivative at 0 is 0 (the engine's subgradient convention).</summary>
    Relu,

    /// <summary>y = tanh x.</summary>
    Tanh,

    /// <summary>y = 1 / (1 + e⁻ˣ): outputs in (0, 1), for probabilities.</summary>
    Sigmoid,
}

/// <summary>Applies an <see cref="Activation"/> with the engine's differentiable operations.</summary>
/// <remarks>Each case is one engine operation, so its derivative is the one the operation's tests check.</remarks>
public static class Activations
{
    /// <summary>f(x) elementwise for the given activation.</summary>
    /// <remarks>Identity returns x itself (no copy, no tape node).</remarks>
    public static Tensor Apply(Activation activation, Tensor x) =>
        activation switch
        {
            Activation.Identity => x,
            Activation.Relu => Tensor.Relu(x),
            Activation.Tanh => Tensor.Tanh(x),
            Activation.Sigmoid => Tensor.Sigmoid(x),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), $"activation: {activation} is not an activation"),
        };

    /// <summary>The activation named by <paramref name="name"/> (identity, relu, tanh, sigmoid; any case).</summary>
    /// <remarks>For configuration files and command lines.</remarks>
    public static Activation Parse(string name) =>
        name?.ToLowerInvariant() switch
        {
            "identity" or "linear" => Activation.Identity,
            "relu" => Activation.Relu,
            "tanh" => Activation.Tanh,
            "sigmoid" => Activation.Sigmoid,
            _ => throw new ArgumentException($"activation: '{name}' is not one of identity, relu, tanh, sigmoid", nameof(name)),
        };
}
