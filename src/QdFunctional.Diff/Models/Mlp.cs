using QdFunctional.Numerics;

namespace QdFunctional.Diff.Models;

/// <summary>A multilayer perceptron: dense layers applied in turn, with its parameters as one flat,
/// immutable vector (each layer's W row-major, then its b).</summary>
/// <remarks>The model is a value: training returns a new model and never changes this one, so a run
/// that keeps a model in its state can checkpoint it as one array and resume bit for bit.
/// <see cref="Predict(Tensor)"/> evaluates a whole batch of inputs in one call on the current backend.</remarks>
public sealed class Mlp
{
    private readonly Dense[] layers;
    private readonly double[] parameters;

    private Mlp(Dense[] layers, double[] parameters)
    {
        this.layers = layers;
        this.parameters = parameters;
    }

    /// <summary>The layers, first to last.</summary>
    /// <remarks>Layer l's outputs are layer l + 1's inputs.</remarks>
    public IReadOnlyList<Dense> Layers => layers;

    /// <summary>The parameter vector (W₁, b₁, W₂, b₂, …), read-only.</summary>
    /// <remarks>What an optimizer updates and a checkpoint stores.</remarks>
    public ReadOnlySpan<double> Parameters => parameters;

    /// <summary>The number of parameters.</summary>
    /// <remarks>Σ over layers of inputs·outputs + outputs.</remarks>
    public int ParameterCount => parameters.Length;

    /// <summary>The input width.</summary>
    /// <remarks>The first layer's inputs.</remarks>
    public int Inputs => layers[0].Inputs;

    /// <summary>The output width.</summary>
    /// <remarks>The last layer's outputs.</remarks>
    public int Outputs => layers[^1].Outputs;

    /// <summary>Layers for widths sizes[0] → sizes[1] → … → sizes[^1]: hidden layers use
    /// <paramref name="hidden"/>, the last one <paramref name="output"/>.</summary>
    /// <remarks>The usual MLP shape; at least one layer (two sizes), every size positive.</remarks>
    public static Dense[] Shape(ReadOnlySpan<int> sizes, Activation hidden, Activation output)
    {
        if (sizes.Length < 2)
            throw new ArgumentException($"mlp: needs at least an input and an output size, got {sizes.Length} size(s)", nameof(sizes));
        for (int l = 0; l < sizes.Length; l++)
            if (sizes[l] <= 0)
                throw new ArgumentException($"mlp: size {l} is {sizes[l]}; every layer width must be positive", nameof(sizes));
        var layers = new Dense[sizes.Length - 1];
        for (int l = 0; l < layers.Length; l++)
            layers[l] = new Dense(sizes[l], sizes[l + 1], l == layers.Length - 1 ? output : hidden);
        return layers;
    }

    /// <summary>A model with the given layers and parameter values (copied).</summary>
    /// <remarks>For restoring a checkpoint or a hand-set case; the length must match the layers.</remarks>
    public static Mlp FromParameters(IReadOnlyList<Dense> layers, ReadOnlySpan<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var copy = CheckLayers(layers);
        int count = 0;
        foreach (var layer in copy)
            count = checked(count + layer.ParameterCount);
        if (parameters.Length != count)
            throw new ArgumentException($"mlp: {parameters.Length} parameter values given, the layers need {count}", nameof(parameters));
        for (int k = 0; k < parameters.Length; k++)
            if (!double.IsFinite(parameters[k]))
                throw new ArgumentException($"mlp: parameter {k} is {parameters[k]}; parameters must be finite", nameof(parameters));
        return new Mlp(copy, parameters.ToArray());
    }

    /// <summary>A freshly initialized model: every weight and bias of a layer with n inputs drawn uniformly
    /// from [−1/√n, 1/√n), from the Threefry stream of the key (k0, k1).</summary>
    /// <remarks>PyTorch's default for <c>nn.Linear</c> (Kaiming-uniform with a = √5 gives the same bound), the
    /// initialization pyribs' discount model starts from. Value k of the vector uses word k of the stream
    /// (Threefry(key, k), top 53 bits), so the model is a pure function of the key and the shape.</remarks>
    public static Mlp Create(IReadOnlyList<Dense> layers, uint k0, uint k1)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var copy = CheckLayers(layers);
        int count = 0;
        foreach (var layer in copy)
            count = checked(count + layer.ParameterCount);
        var words = new ulong[count];
        Threefry.Fill(k0, k1, 0, words);
        var p = new double[count];
        int at = 0;
        foreach (var layer in copy)
        {
            double bound = 1.0 / Math.Sqrt(layer.Inputs);
            for (int k = 0; k < layer.ParameterCount; k++, at++)
            {
                double u = (words[at] >> 11) * (1.0 / (1UL << 53));
                p[at] = bound * (2.0 * u - 1.0);
            }
        }
        return new Mlp(copy, p);
    }

    /// <summary>The same layers with new parameter values (taken over, not copied).</summary>
    /// <remarks>What an optimizer step returns; internal because the caller must not keep writing the array.</remarks>
    internal Mlp With(double[] newParameters) => new(layers, newParameters);

    /// <summary>The model's outputs for every row of x (batch × inputs → batch × outputs), in one call.</summary>
    /// <remarks>For an x made outside any differentiated function no derivatives are recorded and the
    /// result is a fresh tensor, safe to keep; inside one, the prediction is differentiable in x like any
    /// operation (the weights are constants). Runs on <see cref="Engine.Backend"/>, the device backend
    /// included. x must be float64.</remarks>
    public Tensor Predict(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.CheckLive("predict");
        CheckInput("predict", x);
        return Forward(ParameterTensors(null), x);
    }

    /// <summary>The model's outputs for row-major inputs (rows × inputs) as row-major values (rows × outputs).</summary>
    /// <remarks>The array form of <see cref="Predict(Tensor)"/>, for callers that hold measures as arrays.</remarks>
    public double[] Predict(double[] inputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Predict(Tensor.FromArray(inputs, rows, Inputs, Dtype.Float64)).ToArray();
    }

    /// <summary>The forward pass with the given parameter tensors (W₁, b₁, W₂, b₂, …).</summary>
    /// <remarks>Shared by prediction (constants) and training (tape leaves), so both run the same operations.</remarks>
    internal Tensor Forward(Tensor[] p, Tensor x)
    {
        var h = x;
        for (int l = 0; l < layers.Length; l++)
            h = layers[l].Forward(h, p[2 * l], p[2 * l + 1]);
        return h;
    }

    /// <summary>Tensors over slices of the parameter vector: W as inputs × outputs, b as 1 × outputs.</summary>
    /// <remarks>On a tape they are leaves that need a gradient; off a tape (tape null) constants.
    /// Each gets its own copy of the slice, because a tensor's storage is a whole array.</remarks>
    internal Tensor[] ParameterTensors(Tape? tape)
    {
        var p = new Tensor[2 * layers.Length];
        int at = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            int nw = layer.Inputs * layer.Outputs;
            p[2 * l] = Leaf(tape, layer.Inputs, layer.Outputs, parameters.AsSpan(at, nw));
            p[2 * l + 1] = Leaf(tape, 1, layer.Outputs, parameters.AsSpan(at + nw, layer.Outputs));
            at += nw + layer.Outputs;
        }
        return p;
    }

    private static Tensor Leaf(Tape? tape, int rows, int cols, ReadOnlySpan<double> values)
    {
        var data = tape is null ? new double[values.Length] : tape.Rent(values.Length);
        values.CopyTo(data);
        DeviceResidency.WroteOnHost(data);
        return new Tensor(rows, cols, data, tape) { RequiresGrad = tape is not null };
    }

    internal void CheckInput(string op, Tensor x)
    {
        if (x.Cols != Inputs)
            throw new ArgumentException($"{op}: inputs {x.Shape} have {x.Cols} columns, the model takes {Inputs}", nameof(x));
        if (x.Dtype != Dtype.Float64)
            throw new ArgumentException($"{op}: inputs {x.Shape} are {x.Dtype.Name()}; models compute in float64", nameof(x));
    }

    private static Dense[] CheckLayers(IReadOnlyList<Dense> layers)
    {
        if (layers.Count == 0)
            throw new ArgumentException("mlp: needs at least one layer", nameof(layers));
        var copy = new Dense[layers.Count];
        for (int l = 0; l < copy.Length; l++)
        {
            var layer = layers[l];
            if (layer.Inputs <= 0 || layer.Outputs <= 0)
                throw new ArgumentException($"mlp: layer {l} is {layer.Inputs} → {layer.Outputs}; widths must be positive", nameof(layers));
            if (!Enum.IsDefined(layer.Activation))
                throw new ArgumentException($"mlp: layer {l} has activation {layer.Activation}, not an activation", nameof(layers));
            if (l > 0 && copy[l - 1].Outputs != layer.Inputs)
                throw new ArgumentException(
                    $"mlp: layer {l - 1} gives {copy[l - 1].Outputs} outputs but layer {l} takes {layer.Inputs} inputs",
                    nameof(layers)
                );
            copy[l] = layer;
        }
        return copy;
    }
}
