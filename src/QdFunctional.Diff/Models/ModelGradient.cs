using QdFunctional.Diff.Models;

namespace QdFunctional.Diff;

// Training a model: the gradient of a minibatch's mean loss with respect to the model's parameters.
public sealed partial class Workspace
{
    /// <summary>The mean loss of <paramref name="model"/> over the rows of a minibatch and its gradient with
    /// respect to every parameter (in the model's parameter order).</summary>
    /// <remarks>The parameters become the tape's leaves and the minibatch a constant; the per-row loss
    /// (batch × 1) is swept back once, seeding every row with 1, so the matrix products and broadcast
    /// adds sum each parameter's derivative over the rows in their fixed order; dividing by the row
    /// count gives the mean's gradient: ∇θ (1/B)·Σᵢ ℓ(f_θ(xᵢ), yᵢ). The same buffers serve every call.</remarks>
    public (double Loss, double[] Gradient) LossAndGradient(Mlp model, Loss loss, Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        const string name = "lossAndGradient";
        inputs.CheckLive(name);
        targets.CheckLive(name);
        model.CheckInput(name, inputs);
        if (targets.Rows != inputs.Rows || targets.Cols != model.Outputs || targets.Dtype != Dtype.Float64)
            throw new ArgumentException(
                $"{name}: targets {targets.Shape} ({targets.Dtype.Name()}) must be float64 {inputs.Rows}×{model.Outputs}, one row per input",
                nameof(targets)
            );
        if (inputs.Rows == 0)
            throw new ArgumentException($"{name}: the minibatch has no rows", nameof(inputs));
        inputs.Synchronize();
        targets.Synchronize();
        CheckFinite(name, inputs);
        CheckFinite(name, targets);
        if (busy)
            throw new InvalidOperationException($"{name}: this workspace is already evaluating (nested call); use another workspace");
        busy = true;
        tape.Reset();
        try
        {
            var p = model.ParameterTensors(tape);
            var perRow = Losses.PerRow(loss, model.Forward(p, inputs), targets);
            tape.Backward(perRow, 0);
            perRow.Synchronize();
            int rows = inputs.Rows;
            double total = 0;
            var values = perRow.Data;
            for (int i = 0; i < rows; i++)
                total += values[i];
            double inv = 1.0 / rows;
            var gradient = new double[model.ParameterCount];
            int at = 0;
            foreach (var leaf in p)
            {
                if (tape.Reached(leaf))
                {
                    var g = leaf.Grad!;
                    DeviceResidency.ReadOnHost(g);
                    for (int k = 0; k < leaf.Length; k++)
                        gradient[at + k] = g[k] * inv;
                }
                at += leaf.Length;
            }
            return (total * inv, gradient);
        }
        finally
        {
            Finish();
        }
    }
}
