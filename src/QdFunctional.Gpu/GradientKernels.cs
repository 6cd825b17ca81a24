using ILGPU;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>The gradient operator of OG-MAP-Elites and OMG-MEGA (Fontaine and Nikolaidis 2021) as device
/// kernels over the batch: gradient points (sampled elites plus σ0 noise), their values and Jacobians
/// (objective and both measures with respect to the solution), and the branches
/// OG: x' = x + σ_g ∇f, OMG: x' = x + |c_0| ∇f + c_1 ∇m_0 + c_2 ∇m_1 with c ~ N(0, σ_g²).</summary>
/// <remarks>Each kernel repeats the Core's arithmetic in its order (GradientOperatorEmitter, Variation,
/// Gradients.Normalized with FixedOrder's sum of squares, Unfused.MultiplyAdd, the tasks' FillJacobian),
/// and draws from the same Threefry keys and counters, so the device run equals the CPU run bit for bit
/// (checked on ILGPU's CPU accelerator; on CUDA the assembler may fuse a multiply and an add into one
/// fma, see the README's GPU section).
/// Key words per emitter e (6 each): the points' parent key, the branch key, the points' noise key.</remarks>
internal static class GradientKernels
{
    const double Bound = 5.12;
    const double Shift = 5.12 * 0.4;
    const double A = 10.0;

    /// <summary>The ε Gradients.Normalized adds to each norm (pyribs' value).</summary>
    const double Epsilon = 1e-8;

    /// <summary>Gradient point r (emitter r / Batch, row r mod Batch): a uniformly drawn elite, or x0 = 0 while
    /// the archive is empty, plus σ0 N(0, I) from the noise key folded with the row (no noise when σ0 = 0).</summary>
    public static void EmitGradientPoints(
        Index1D r,
        MapElitesStep s,
        ArrayView<uint> keys,
        ArrayView<int> occupied,
        ArrayView<double> archiveSolutions,
        ArrayView<double> points,
        ArrayView<double> table
    )
    {
        int d = s.Dim;
        int e = r / s.Batch;
        int i = r - e * s.Batch;
        int row = r * d;
        int parent =
            s.Occupied == 0 ? -1 : occupied[DeviceRandom.Below(DeviceRandom.Bits(keys[6 * e], keys[6 * e + 1], (ulong)i), s.Occupied)];
        if (s.Sigma == 0.0)
        {
            for (int j = 0; j < d; j++)
                points[row + j] = parent < 0 ? 0.0 : archiveSolutions[parent * d + j];
            return;
        }
        uint kHi = keys[6 * e + 4],
            kLo = keys[6 * e + 5];
        DeviceRandom.FoldIn(ref kHi, ref kLo, (uint)i);
        MapElitesKernels.GaussianChild(s, kHi, kLo, parent, archiveSolutions, points, row, table);
    }

    /// <summary>Evaluates row r, finds its cell, and writes its Jacobian (3 × d: ∂f, ∂m_0, ∂m_1) to
    /// <c>jacobians[3·d·r ..]</c>, as the Core task's Evaluate(…, withJacobians: true).</summary>
    public static void EvaluateWithJacobian(
        Index1D r,
        MapElitesStep s,
        ArrayView<double> solutions,
        ArrayView<double> objectives,
        ArrayView<double> measures,
        ArrayView<int> cells,
        ArrayView<double> jacobians
    )
    {
        MapElitesKernels.EvaluateRow(r, s, solutions, objectives, measures, cells);
        int d = s.Dim;
        int row = r * d;
        int jac = 3 * row;
        if (s.Task == 2)
        {
            // PlanarArm.FillJacobian: dObj/dθ_j = −200 (θ_j − mean) / d; dx/dθ_j = −Σ_{i≥j} sin φ_i;
            // dy/dθ_j = Σ_{i≥j} cos φ_i. φ_j waits in the dx slot until the backward sweep replaces it.
            double mean = 0.0;
            for (int j = 0; j < d; j++)
                mean += solutions[row + j];
            mean /= d;
            double phi = 0.0;
            for (int j = 0; j < d; j++)
            {
                double t = solutions[row + j];
                phi += t;
                jacobians[jac + d + j] = phi;
                jacobians[jac + j] = -200.0 * (t - mean) / d;
            }
            double sx = 0.0,
                sy = 0.0;
            for (int j = d - 1; j >= 0; j--)
            {
                double phiJ = jacobians[jac + d + j];
                sx -= 1.0 * PortableMath.Sin(phiJ);
                sy += 1.0 * PortableMath.Cos(phiJ);
                jacobians[jac + d + j] = sx;
                jacobians[jac + 2 * d + j] = sy;
            }
        }
        else
        {
            // LinearProjection.FillJacobian.
            bool sphere = s.Task == 0;
            int half = d / 2;
            for (int j = 0; j < d; j++)
            {
                double v = solutions[row + j];
                double z = v - Shift;
                double draw = sphere ? 2 * z : 2 * z + 2 * Math.PI * A * PortableMath.Sin(2 * Math.PI * z);
                jacobians[jac + j] = s.Scale * draw;
                double dc = v >= -Bound && v <= Bound ? 1.0 : -Bound / (v * v);
                jacobians[jac + d + j] = j < half ? dc : 0.0;
                jacobians[jac + 2 * d + j] = j < half ? 0.0 : dc;
            }
        }
    }

    /// <summary>Branch r, written over its gradient point in <paramref name="children"/>, then evaluated:
    /// x += c_g · g_g for g = ∇f, ∇m_0, ∇m_1 in that order (skipping c_g = 0), each product rounded before
    /// the addition; g normalized first when asked.</summary>
    /// <remarks>OMG's c for row i is value 3i + g of the branch key's normal stream (c_0 made positive),
    /// as <c>key.Normal(coefficients, 0, σ_g)</c> over the n × 3 block; OG's is (σ_g, 0, 0).</remarks>
    public static void BranchAndEvaluate(
        Index1D r,
        MapElitesStep s,
        ArrayView<uint> keys,
        ArrayView<double> jacobians,
        ArrayView<double> children,
        ArrayView<double> objectives,
        ArrayView<double> measures,
        ArrayView<int> cells,
        ArrayView<double> table
    )
    {
        int d = s.Dim;
        int e = r / s.Batch;
        int i = r - e * s.Batch;
        int row = r * d;
        uint bHi = keys[6 * e + 2],
            bLo = keys[6 * e + 3];
        for (int g = 0; g < 3; g++)
        {
            double c;
            if (s.MeasureGradients != 0)
            {
                c = 0.0 + s.SigmaG * DeviceRandom.StandardNormal(bHi, bLo, (uint)(3 * i + g), table);
                if (g == 0)
                    c = Math.Abs(c);
            }
            else
                c = g == 0 ? s.SigmaG : 0.0;
            if (c == 0.0)
                continue;
            int start = 3 * row + g * d;
            double divisor = s.Normalize != 0 ? Math.Sqrt(SumOfSquares(jacobians, start, d)) + Epsilon : 1.0;
            for (int j = 0; j < d; j++)
            {
                double gj = s.Normalize != 0 ? jacobians[start + j] / divisor : jacobians[start + j];
                double product = gj * c;
                children[row + j] = product + children[row + j];
            }
        }
        MapElitesKernels.EvaluateRow(r, s, children, objectives, measures, cells);
    }

    /// <summary>Σ x² over x[start .. start + n) in FixedOrder's association order: four accumulators of four
    /// lanes take elements 16t .. 16t + 15, further groups of four go to the first, the accumulators add as
    /// (a0 + a1) + (a2 + a3), its lanes in order, then the tail one element at a time.</summary>
    static double SumOfSquares(ArrayView<double> x, int start, int n)
    {
        double s = 0.0;
        int i = 0;
        if (n >= 4)
        {
            double a00 = 0.0,
                a01 = 0.0,
                a02 = 0.0,
                a03 = 0.0,
                a10 = 0.0,
                a11 = 0.0,
                a12 = 0.0,
                a13 = 0.0,
                a20 = 0.0,
                a21 = 0.0,
                a22 = 0.0,
                a23 = 0.0,
                a30 = 0.0,
                a31 = 0.0,
                a32 = 0.0,
                a33 = 0.0;
            for (; i <= n - 16; i += 16)
            {
                int k = start + i;
                a00 += Square(x[k]);
                a01 += Square(x[k + 1]);
                a02 += Square(x[k + 2]);
                a03 += Square(x[k + 3]);
                a10 += Square(x[k + 4]);
                a11 += Square(x[k + 5]);
                a12 += Square(x[k + 6]);
                a13 += Square(x[k + 7]);
                a20 += Square(x[k + 8]);
                a21 += Square(x[k + 9]);
                a22 += Square(x[k + 10]);
                a23 += Square(x[k + 11]);
                a30 += Square(x[k + 12]);
                a31 += Square(x[k + 13]);
                a32 += Square(x[k + 14]);
                a33 += Square(x[k + 15]);
            }
            for (; i <= n - 4; i += 4)
            {
                int k = start + i;
                a00 += Square(x[k]);
                a01 += Square(x[k + 1]);
                a02 += Square(x[k + 2]);
                a03 += Square(x[k + 3]);
            }
            s += (a00 + a10) + (a20 + a30);
            s += (a01 + a11) + (a21 + a31);
            s += (a02 + a12) + (a22 + a32);
            s += (a03 + a13) + (a23 + a33);
        }
        for (; i < n; i++)
            s += Square(x[start + i]);
        return s;
    }

    static double Square(double v) => v * v;
}
