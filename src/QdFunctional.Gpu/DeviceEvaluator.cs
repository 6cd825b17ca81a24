using ILGPU;
using ILGPU.Runtime;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Tasks;

namespace QdFunctional.Gpu;

/// <summary>Evaluates a batch of LP-sphere, LP-Rastrigin or arm solutions with the device kernels that
/// device MAP-Elites runs, with or without Jacobians, and brings the result back as the Core's
/// <see cref="Evaluation"/>.</summary>
/// <remarks>The host-facing side of <c>GradientKernels.EvaluateWithJacobian</c> (tests and tools
/// compare it with the Core task it repeats); device MAP-Elites keeps these values on the device.</remarks>
public sealed class DeviceEvaluator : IDisposable
{
    readonly Context context;
    readonly Accelerator accelerator;
    readonly MapElitesStep step;
    readonly Action<Index1D, MapElitesStep, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<int>> values;
    readonly Action<
        Index1D,
        MapElitesStep,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<double>,
        ArrayView<int>,
        ArrayView<double>
    > withJacobian;

    /// <summary>An evaluator of <paramref name="task"/> ("lp-sphere", "lp-rastrigin", "arm") in dimension
    /// <paramref name="dimension"/> on <paramref name="device"/> ("ilgpu-cpu" or "cuda").</summary>
    /// <exception cref="ArgumentException">A task the device does not have.</exception>
    /// <exception cref="DeviceUnavailableException">cuda without a GPU or driver.</exception>
    public DeviceEvaluator(string device, string task, int dimension)
    {
        var (t, described) = DeviceTasks.Describe("device evaluator", task, dimension, [1, 1]);
        Task = t;
        step = described;
        (context, accelerator) = Devices.Open(device);
        values = accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            MapElitesStep,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<int>
        >(MapElitesKernels.Evaluate);
        withJacobian = accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            MapElitesStep,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<double>,
            ArrayView<int>,
            ArrayView<double>
        >(GradientKernels.EvaluateWithJacobian);
    }

    /// <summary>The Core task the kernels repeat (for comparison).</summary>
    public ITask Task { get; }

    /// <summary>Objective, measures and, when asked, Jacobians (n × 3 × d: ∂f, ∂m_0, ∂m_1) of every row.</summary>
    /// <exception cref="ArgumentException">Solutions of another dimension.</exception>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != step.Dim)
            throw new ArgumentException($"device evaluator: solutions have dimension {solutions.Dim}, the task has {step.Dim}.");
        int n = solutions.Count,
            d = step.Dim;
        if (n == 0)
            return new Evaluation(0, 1, 2, [], [], withJacobians ? [] : null, d);
        using var x = accelerator.Allocate1D(solutions.Values.ToArray());
        using var objectives = accelerator.Allocate1D<double>(n);
        using var measures = accelerator.Allocate1D<double>(2 * n);
        using var cells = accelerator.Allocate1D<int>(n);
        using var jacobians = accelerator.Allocate1D<double>(withJacobians ? 3L * n * d : 1);
        if (withJacobians)
            withJacobian(n, step, x.View, objectives.View, measures.View, cells.View, jacobians.View);
        else
            values(n, step, x.View, objectives.View, measures.View, cells.View);
        return new Evaluation(
            n,
            1,
            2,
            objectives.GetAsArray1D(),
            measures.GetAsArray1D(),
            withJacobians ? jacobians.GetAsArray1D() : null,
            d
        );
    }

    /// <inheritdoc />
    public void Dispose()
    {
        accelerator.Dispose();
        context.Dispose();
    }
}
