namespace QdFunctional.Core.Tasks;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QdFunctional.Core.Batches;
using QdFunctional.Numerics;

/// <summary>
/// The planar arm repertoire (Cully et al. 2015; Fontaine and Nikolaidis 2021): n joint angles
/// θ of an arm with links of length L_i. Objective: 100 · (1 - Var(θ)), so that arms bending
/// evenly score high; measures: the end effector's position
/// (Σ L_i cos φ_i, Σ L_i sin φ_i) with φ = cumsum(θ), bounded by ±Σ L_i.
/// </summary>
public sealed class PlanarArm : ITask
{
    readonly double[] links;

    /// <summary>An arm of <paramref name="joints"/> links of length 1 (or the given lengths).</summary>
    public PlanarArm(int joints, double[]? linkLengths = null)
    {
        if (joints < 1)
            throw new ArgumentOutOfRangeException(nameof(joints), joints, "The arm needs at least one joint.");
        links = linkLengths is null ? Enumerable.Repeat(1.0, joints).ToArray() : (double[])linkLengths.Clone();
        if (links.Length != joints)
            throw new ArgumentException($"Arm: {joints} joints but {links.Length} link lengths.", nameof(linkLengths));
        double reach = 0;
        foreach (var l in links)
        {
            if (!(l > 0) || !double.IsFinite(l))
                throw new ArgumentException($"Arm: link lengths must be positive and finite, got {l}.", nameof(linkLengths));
            reach += l;
        }
        SolutionDim = joints;
        MeasureLow = [-reach, -reach];
        MeasureHigh = [reach, reach];
    }

    /// <inheritdoc/>
    public string Name => "arm";

    /// <inheritdoc/>
    public int SolutionDim { get; }

    /// <inheritdoc/>
    public int ObjectiveCount => 1;

    /// <inheritdoc/>
    public int MeasureDim => 2;

    /// <inheritdoc/>
    public double[] MeasureLow { get; }

    /// <inheritdoc/>
    public double[] MeasureHigh { get; }

    /// <inheritdoc/>
    public (double Low, double High) ObjectiveRange => (0.0, 100.0);

    /// <inheritdoc/>
    public bool HasGradients => true;

    /// <summary>The link lengths.</summary>
    public ReadOnlySpan<double> LinkLengths => links;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"arm: solutions have dimension {solutions.Dim}, the task has {SolutionDim}.");
        int n = solutions.Count,
            d = SolutionDim;
        var objectives = new double[n];
        var measures = new double[2 * n];
        var jacobians = withJacobians ? new double[(long)n * 3 * d] : null;
        Blocks.ForRows(
            n,
            d,
            (start, end) =>
            {
                if (Vector512.IsHardwareAccelerated)
                    ValuesByEight(solutions.Values, d, start, end, objectives, measures);
                else if (Vector256.IsHardwareAccelerated)
                    ValuesByFour(solutions.Values, d, start, end, objectives, measures);
                else
                    for (int i = start; i < end; i++)
                        ValuesOfRow(solutions.Row(i), out objectives[i], out measures[2 * i], out measures[2 * i + 1]);
                if (jacobians is not null)
                    for (int i = start; i < end; i++)
                    {
                        var theta = solutions.Row(i);
                        double mean = 0;
                        for (int j = 0; j < d; j++)
                            mean += theta[j];
                        FillJacobian(theta, mean / d, jacobians.AsSpan(i * 3 * d, 3 * d));
                    }
            }
        );
        return new Evaluation(n, 1, 2, objectives, measures, jacobians, d);
    }

    /// <summary>One row's objective and end point; the sums run in joint order, one term at a time.</summary>
    void ValuesOfRow(ReadOnlySpan<double> theta, out double objective, out double x, out double y)
    {
        int d = theta.Length;
        double mean = 0;
        for (int j = 0; j < d; j++)
            mean += theta[j];
        mean /= d;
        double variance = 0,
            phi = 0;
        x = 0;
        y = 0;
        for (int j = 0; j < d; j++)
        {
            double c = theta[j] - mean;
            variance += c * c;
            phi += theta[j];
            var (sin, cos) = PortableMath.SinCos(phi);
            x += links[j] * cos;
            y += links[j] * sin;
        }
        variance /= d;
        objective = (1.0 - variance) * 100.0;
    }

    /// <summary>
    /// Rows [start, end) four at a time, row r + l in lane l (a short last group repeats its last row
    /// and keeps only its own lanes): each lane runs <see cref="ValuesOfRow"/>'s operations in its
    /// order, and the vector sine and cosine are bit-identical to the scalar ones, so the results are too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ValuesByFour(ReadOnlySpan<double> values, int d, int start, int end, double[] objectives, double[] measures)
    {
        ref double first = ref MemoryMarshal.GetReference(values);
        var count = Vector256.Create((double)d);
        for (int g = start; g < end; g += 4)
        {
            int last = end - 1;
            ref double r0 = ref Unsafe.Add(ref first, g * d);
            ref double r1 = ref Unsafe.Add(ref first, Math.Min(g + 1, last) * d);
            ref double r2 = ref Unsafe.Add(ref first, Math.Min(g + 2, last) * d);
            ref double r3 = ref Unsafe.Add(ref first, Math.Min(g + 3, last) * d);
            var mean = Vector256<double>.Zero;
            for (int j = 0; j < d; j++)
                mean += Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j));
            mean /= count;
            var variance = Vector256<double>.Zero;
            var phi = Vector256<double>.Zero;
            var x = Vector256<double>.Zero;
            var y = Vector256<double>.Zero;
            for (int j = 0; j < d; j++)
            {
                var theta = Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j));
                var c = theta - mean;
                variance += c * c;
                phi += theta;
                var (sin, cos) = PortableMath.SinCos(phi);
                var link = Vector256.Create(links[j]);
                x += link * cos;
                y += link * sin;
            }
            variance /= count;
            var objective = (Vector256.Create(1.0) - variance) * Vector256.Create(100.0);
            for (int l = 0; l < 4 && g + l < end; l++)
            {
                objectives[g + l] = objective[l];
                measures[2 * (g + l)] = x[l];
                measures[2 * (g + l) + 1] = y[l];
            }
        }
    }

    /// <summary>
    /// Rows [start, end) eight at a time (AVX-512), row r + l in lane l (see <see cref="ValuesByFour"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ValuesByEight(ReadOnlySpan<double> values, int d, int start, int end, double[] objectives, double[] measures)
    {
        ref double first = ref MemoryMarshal.GetReference(values);
        var count = Vector512.Create((double)d);
        for (int g = start; g < end; g += 8)
        {
            int last = end - 1;
            ref double r0 = ref Unsafe.Add(ref first, g * d);
            ref double r1 = ref Unsafe.Add(ref first, Math.Min(g + 1, last) * d);
            ref double r2 = ref Unsafe.Add(ref first, Math.Min(g + 2, last) * d);
            ref double r3 = ref Unsafe.Add(ref first, Math.Min(g + 3, last) * d);
            ref double r4 = ref Unsafe.Add(ref first, Math.Min(g + 4, last) * d);
            ref double r5 = ref Unsafe.Add(ref first, Math.Min(g + 5, last) * d);
            ref double r6 = ref Unsafe.Add(ref first, Math.Min(g + 6, last) * d);
            ref double r7 = ref Unsafe.Add(ref first, Math.Min(g + 7, last) * d);
            var mean = Vector512<double>.Zero;
            for (int j = 0; j < d; j++)
                mean += Row8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, j);
            mean /= count;
            var variance = Vector512<double>.Zero;
            var phi = Vector512<double>.Zero;
            var x = Vector512<double>.Zero;
            var y = Vector512<double>.Zero;
            for (int j = 0; j < d; j++)
            {
                var theta = Row8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, j);
                var c = theta - mean;
                variance += c * c;
                phi += theta;
                var (sin, cos) = PortableMath.SinCos(phi);
                var link = Vector512.Create(links[j]);
                x += link * cos;
                y += link * sin;
            }
            variance /= count;
            var objective = (Vector512.Create(1.0) - variance) * Vector512.Create(100.0);
            for (int l = 0; l < 8 && g + l < end; l++)
            {
                objectives[g + l] = objective[l];
                measures[2 * (g + l)] = x[l];
                measures[2 * (g + l) + 1] = y[l];
            }
        }
    }

    /// <summary>Column j of eight rows, one per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Row8(
        ref double r0,
        ref double r1,
        ref double r2,
        ref double r3,
        ref double r4,
        ref double r5,
        ref double r6,
        ref double r7,
        int j
    ) =>
        Vector512.Create(
            Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j)),
            Vector256.Create(Unsafe.Add(ref r4, j), Unsafe.Add(ref r5, j), Unsafe.Add(ref r6, j), Unsafe.Add(ref r7, j))
        );

    /// <summary>
    /// dObj/dθ_j = -200 (θ_j - mean) / d; dx/dθ_j = -Σ_{i≥j} L_i sin φ_i; dy/dθ_j = Σ_{i≥j} L_i cos φ_i.
    /// </summary>
    void FillJacobian(ReadOnlySpan<double> theta, double mean, Span<double> rows)
    {
        int d = theta.Length;
        var phis = d <= 1024 ? stackalloc double[d] : new double[d];
        double phi = 0;
        for (int j = 0; j < d; j++)
        {
            phi += theta[j];
            phis[j] = phi;
            rows[j] = -200.0 * (theta[j] - mean) / d;
        }
        double sx = 0,
            sy = 0;
        for (int j = d - 1; j >= 0; j--)
        {
            var (sin, cos) = PortableMath.SinCos(phis[j]);
            sx -= links[j] * sin;
            sy += links[j] * cos;
            rows[d + j] = sx;
            rows[2 * d + j] = sy;
        }
    }
}
