namespace QdFunctional.Diff.Models;

/// <summary>One fully connected layer: y = f(x·W + b), W of shape inputs × outputs, b a 1 × outputs row.</summary>
/// <remarks>The layer holds only its shape and activation; its weights live in the model's flat parameter
/// vector (W row-major, then b), so an optimizer sees one vector and a checkpoint writes one array.</remarks>
public readonly record struct Dense(int Inputs, int Outputs, Activation Activation)
{
    /// <summary>Inputs·Outputs weights plus Outputs biases.</summary>
    /// <remarks>The layer's slice length in the model's parameter vector.</remarks>
    public int ParameterCount => checked(Inputs * Outputs + Outputs);

    /// <summary>f(x·W + b) for every row of x at once.</summary>
    /// <remarks>w is inputs × outputs and b 1 × outputs; when they are on a tape the matrix product and
    /// the broadcast add sum their derivatives over the batch, which is the parameter gradient.</remarks>
    public Tensor Forward(Tensor x, Tensor w, Tensor b) => Activations.Apply(Activation, Tensor.MatMul(x, w) + b);
}
