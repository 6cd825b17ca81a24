namespace QdFunctional.Core.Tasks;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QdFunctional.Core.Batches;
using QdFunctional.Numerics;

/// <summary>
/// The linear-projection benchmarks of CMA-ME and differentiable QD (Fontaine et al. 2020;
/// Fontaine and Nikolaidis 2021): sphere or Rastrigin shifted to an optimum at 2.048 per
/// coordinate, objective normalized to [0, 100] (100 is optimal, 0 is the value at the corner
/// x = -5.12), and two measures that sum the clipped coordinates of each half of the solution,
/// where clip(v) = v on [-5.12, 5.12] and 5.12 / v outside. Measure bounds are ±5.12 · d / 2.
/// </summary>
public sealed class LinearProjection : ITask
{
    /// <summary>The objective of the benchmark.</summary>
    public enum Function
    {
        /// <summary>Sum of squares: unimodal.</summary>
        Sphere,

        /// <summary>Rastrigin (A = 10): highly multimodal.</summary>
        Rastrigin,
    }

    const double Bound = 5.12;
    const double Shift = 5.12 * 0.4;
    const double A = 10.0;
    readonly double worst;

    /// <summary>The benchmark of <paramref name="function"/> in dimension <paramref name="dim"/> (at least 2).</summary>
    public LinearProjection(Function function, int dim)
    {
        if (dim < 2)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "The linear-projection tasks need at least 2 dimensions.");
        Kind = function;
        SolutionDim = dim;
        double corner = -Bound - Shift;
        worst =
            function == Function.Sphere
                ? corner * corner * dim
                : A * dim + dim * (corner * corner - A * PortableMath.Cos(2 * Math.PI * corner));
        double max = Bound * dim / 2;
        MeasureLow = [-max, -max];
        MeasureHigh = [max, max];
    }

    /// <summary>Sphere or Rastrigin.</summary>
    public Function Kind { get; }

    /// <inheritdoc/>
    public string Name => Kind == Function.Sphere ? "lp-sphere" : "lp-rastrigin";

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

    /// <summary>The raw (unnormalized) objective at the corner x = -5.12, which maps to 0.</summary>
    public double WorstRaw => worst;

    /// <inheritdoc/>
    public Evaluation Evaluate(SolutionBatch solutions, bool withJacobians = false)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        if (solutions.Dim != SolutionDim)
            throw new ArgumentException($"{Name}: solutions have dimension {solutions.Dim}, the task has {SolutionDim}.");
        int n = solutions.Count,
            d = SolutionDim,
            half = d / 2;
        var objectives = new double[n];
        var measures = new double[n * 2];
        var jacobians = withJacobians ? new double[(long)n * 3 * d] : null;
        bool sphere = Kind == Function.Sphere;
        double scale = -100.0 / worst;
        Blocks.ForRows(
            n,
            d,
            (start, end) =>
            {
                if (Vector512.IsHardwareAccelerated)
                    ValuesByEight(solutions.Values, d, start, end, sphere, worst, scale, objectives, measures);
                else if (Vector256.IsHardwareAccelerated)
                    ValuesByFour(solutions.Values, d, start, end, sphere, worst, scale, objectives, measures);
                else
                    for (int i = start; i < end; i++)
                        ValuesOfRow(
                            solutions.Row(i),
                            sphere,
                            worst,
                            scale,
                            out objectives[i],
                            out measures[2 * i],
                            out measures[2 * i + 1]
                        );
                if (jacobians is not null)
                    for (int i = start; i < end; i++)
                        FillJacobian(solutions.Row(i), jacobians.AsSpan(i * 3 * d, 3 * d), sphere, scale, half);
            }
        );
        return new Evaluation(n, 1, 2, objectives, measures, jacobians, d);
    }

    /// <summary>
    /// One row's objective and measures. The sums run in index order, one term at a time; the
    /// vector form below runs exactly these operations with one row per lane, so both give the same bits.
    /// </summary>
    static void ValuesOfRow(
        ReadOnlySpan<double> x,
        bool sphere,
        double worst,
        double scale,
        out double objective,
        out double m0,
        out double m1
    )
    {
        int d = x.Length,
            half = d / 2;
        double raw = sphere ? 0.0 : A * d;
        m0 = 0.0;
        m1 = 0.0;
        for (int j = 0; j < d; j++)
        {
            double z = x[j] - Shift;
            raw += sphere ? z * z : z * z - A * PortableMath.Cos(2 * Math.PI * z);
            double v = x[j];
            double c = v >= -Bound && v <= Bound ? v : Bound / v;
            if (j < half)
                m0 += c;
            else
                m1 += c;
        }
        objective = (raw - worst) * scale;
    }

    /// <summary>
    /// Rows [start, end) four at a time, row r + l in lane l (a short last group repeats its last
    /// row and keeps only its own lanes). Each lane runs <see cref="ValuesOfRow"/>'s operations in its
    /// order, so the sums never change with the lanes; four independent sums hide the adds' latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ValuesByFour(
        ReadOnlySpan<double> values,
        int d,
        int start,
        int end,
        bool sphere,
        double worst,
        double scale,
        double[] objectives,
        double[] measures
    )
    {
        int half = d / 2;
        var shift = Vector256.Create(Shift);
        var bound = Vector256.Create(Bound);
        var minusBound = Vector256.Create(-Bound);
        var a = Vector256.Create(A);
        var twoPi = Vector256.Create(2 * Math.PI);
        ref double first = ref MemoryMarshal.GetReference(values);
        for (int g = start; g < end; g += 4)
        {
            int last = end - 1;
            ref double r0 = ref Unsafe.Add(ref first, g * d);
            ref double r1 = ref Unsafe.Add(ref first, Math.Min(g + 1, last) * d);
            ref double r2 = ref Unsafe.Add(ref first, Math.Min(g + 2, last) * d);
            ref double r3 = ref Unsafe.Add(ref first, Math.Min(g + 3, last) * d);
            var raw = Vector256.Create(sphere ? 0.0 : A * d);
            var m0 = Vector256<double>.Zero;
            var m1 = Vector256<double>.Zero;
            for (int j = 0; j < d; j++)
            {
                var v = Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j));
                var z = v - shift;
                raw += sphere ? z * z : z * z - a * PortableMath.SinCos(twoPi * z).Cos;
                var inside = Vector256.GreaterThanOrEqual(v, minusBound) & Vector256.LessThanOrEqual(v, bound);
                // Bound / v only when some lane is outside (NaN counts as outside, as in the scalar form).
                var c = inside.ExtractMostSignificantBits() == 0b1111 ? v : Vector256.ConditionalSelect(inside, v, bound / v);
                if (j < half)
                    m0 += c;
                else
                    m1 += c;
            }
            var objective = (raw - Vector256.Create(worst)) * Vector256.Create(scale);
            for (int l = 0; l < 4 && g + l < end; l++)
            {
                objectives[g + l] = objective[l];
                measures[2 * (g + l)] = m0[l];
                measures[2 * (g + l) + 1] = m1[l];
            }
        }
    }

    /// <summary>Rows [start, end) eight at a time (AVX-512); see <see cref="ValuesByFour"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ValuesByEight(
        ReadOnlySpan<double> values,
        int d,
        int start,
        int end,
        bool sphere,
        double worst,
        double scale,
        double[] objectives,
        double[] measures
    )
    {
        int half = d / 2;
        var shift = Vector512.Create(Shift);
        var bound = Vector512.Create(Bound);
        var minusBound = Vector512.Create(-Bound);
        var a = Vector512.Create(A);
        var twoPi = Vector512.Create(2 * Math.PI);
        ref double first = ref MemoryMarshal.GetReference(values);
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
            var raw = Vector512.Create(sphere ? 0.0 : A * d);
            var m0 = Vector512<double>.Zero;
            var m1 = Vector512<double>.Zero;
            for (int j = 0; j < d; j++)
            {
                var v = PlanarArm.Row8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, j);
                var z = v - shift;
                raw += sphere ? z * z : z * z - a * PortableMath.SinCos(twoPi * z).Cos;
                var inside = Vector512.GreaterThanOrEqual(v, minusBound) & Vector512.LessThanOrEqual(v, bound);
                // Bound / v only when some lane is outside (NaN counts as outside, as in the scalar form).
                var c = inside.ExtractMostSignificantBits() == 0xFF ? v : Vector512.ConditionalSelect(inside, v, bound / v);
                if (j < half)
                    m0 += c;
                else
                    m1 += c;
            }
            var objective = (raw - Vector512.Create(worst)) * Vector512.Create(scale);
            for (int l = 0; l < 8 && g + l < end; l++)
            {
                objectives[g + l] = objective[l];
                measures[2 * (g + l)] = m0[l];
                measures[2 * (g + l) + 1] = m1[l];
            }
        }
    }

    /// <summary>
    /// One row's Jacobian (objective, then the two measures). Every entry is a function of its own
    /// coordinate, so four coordinates at a time in a vector give the same bits as one at a time.
    /// </summary>
    static void FillJacobian(ReadOnlySpan<double> x, Span<double> rows, bool sphere, double scale, int half)
    {
        int d = x.Length;
        var dObj = rows[..d];
        var dM0 = rows.Slice(d, d);
        var dM1 = rows.Slice(2 * d, d);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shift = Vector256.Create(Shift);
            var bound = Vector256.Create(Bound);
            var minusBound = Vector256.Create(-Bound);
            var two = Vector256.Create(2.0);
            var twoPi = Vector256.Create(2 * Math.PI);
            var twoPiA = Vector256.Create(2 * Math.PI * A);
            var one = Vector256.Create(1.0);
            var scaleV = Vector256.Create(scale);
            for (; j + 4 <= d; j += 4)
            {
                var v = Vector256.Create(x.Slice(j, 4));
                var z = v - shift;
                var draw = sphere ? two * z : two * z + twoPiA * PortableMath.SinCos(twoPi * z).Sin;
                (scaleV * draw).CopyTo(dObj.Slice(j, 4));
                var inside = Vector256.GreaterThanOrEqual(v, minusBound) & Vector256.LessThanOrEqual(v, bound);
                Vector256.ConditionalSelect(inside, one, minusBound / (v * v)).CopyTo(dM0.Slice(j, 4));
            }
        }
        for (; j < d; j++)
        {
            double z = x[j] - Shift;
            double draw = sphere ? 2 * z : 2 * z + 2 * Math.PI * A * PortableMath.Sin(2 * Math.PI * z);
            dObj[j] = scale * draw;
            double v = x[j];
            dM0[j] = v >= -Bound && v <= Bound ? 1.0 : -Bound / (v * v);
        }
        // Each measure's derivative lives in its own half; dM0 held both halves until now.
        for (j = 0; j < d; j++)
        {
            if (j < half)
                dM1[j] = 0.0;
            else
            {
                dM1[j] = dM0[j];
                dM0[j] = 0.0;
            }
        }
    }
}
