using ILGPU;
using ILGPU.Algorithms;
using QdFunctional.Numerics;

namespace QdFunctional.Gpu;

/// <summary>The scalar settings of one MAP-Elites iteration on the device, passed by value to every kernel.</summary>
/// <remarks>A struct so that a kernel takes one argument instead of fifteen.</remarks>
public struct MapElitesStep
{
    /// <summary>Solution dimension d.</summary>
    public int Dim;

    /// <summary>Solutions per emitter.</summary>
    public int Batch;

    /// <summary>Task: 0 = LP-sphere, 1 = LP-Rastrigin, 2 = planar arm (unit links).</summary>
    public int Task;

    /// <summary>1 for the iso-line operator, 0 for Gaussian mutation.</summary>
    public int IsoLine;

    /// <summary>Gradient operators: 1 when the branches also follow the measure gradients (OMG-MEGA),
    /// 0 for the objective gradient alone (OG-MAP-Elites).</summary>
    public int MeasureGradients;

    /// <summary>Gradient operators: 1 when each gradient is divided by its norm (plus 1e-8) first.</summary>
    public int Normalize;

    /// <summary>Occupied cells before this iteration (0: emit from x0 = 0).</summary>
    public int Occupied;

    /// <summary>Grid resolution along each measure.</summary>
    public int Res0,
        Res1;

    /// <summary>σ (σ_iso for iso-line, σ0 for the gradient operators) and σ_line.</summary>
    public double Sigma,
        LineSigma;

    /// <summary>σ_g of the gradient operators: OG's step, OMG's coefficient spread.</summary>
    public double SigmaG;

    /// <summary>LP: the raw objective at the worst corner, and −100 / worst.</summary>
    public double Worst,
        Scale;

    /// <summary>Grid: lower measure bounds and resolution / (high − low) per measure.</summary>
    public double Low0,
        Low1,
        CellScale0,
        CellScale1;
}

/// <summary>MAP-Elites as device kernels over the batch: emission (parent sampling and variation),
/// evaluation, cell lookup, and grid insertion with one winner per cell.</summary>
/// <remarks>Every step repeats the CPU path's arithmetic in its order (<see cref="QdFunctional.Core.Emitters.Variation"/>,
/// the Core's LinearProjection and PlanarArm, GridTessellation, CellArchive.Add), and every random draw
/// comes from the same Threefry key and counter, so the device archive equals the CPU run's bit for bit.
/// Insertion rule (the CPU archive's batch semantics): a row competes for its cell if its objective is
/// strictly above the cell's current one (any finite value on an empty cell); the highest objective wins,
/// and among equal objectives the earliest row. Found with two atomic passes (max of an order-preserving
/// integer image of the objective, then min of the row among rows holding that maximum), so the winner
/// never depends on thread scheduling.</remarks>
internal static class MapElitesKernels
{
    const double Bound = 5.12;
    const double Shift = 5.12 * 0.4;
    const double A = 10.0;

    /// <summary>Emits row r (emitter r / Batch, row r mod Batch), evaluates it and finds its cell.</summary>
    public static void EmitAndEvaluate(
        Index1D r,
        MapElitesStep s,
        ArrayView<uint> keys,
        ArrayView<int> occupied,
        ArrayView<double> archiveSolutions,
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
        uint pHi = keys[6 * e],
            pLo = keys[6 * e + 1],
            bHi = keys[6 * e + 2],
            bLo = keys[6 * e + 3],
            nHi = keys[6 * e + 4],
            nLo = keys[6 * e + 5];
        int row = r * d;
        uint kHi = nHi,
            kLo = nLo;
        DeviceRandom.FoldIn(ref kHi, ref kLo, (uint)i);
        if (s.Occupied == 0 || s.IsoLine == 0)
        {
            // Gaussian mutation of a uniformly drawn parent (or of x0 = 0 while the archive is empty).
            int parent = s.Occupied == 0 ? -1 : occupied[DeviceRandom.Below(DeviceRandom.Bits(pHi, pLo, (ulong)i), s.Occupied)];
            GaussianChild(s, kHi, kLo, parent, archiveSolutions, children, row, table);
        }
        else
        {
            // Iso+LineDD: y = a + σ_iso N(0, I) + σ_line N(0, 1) (b − a).
            int a = occupied[DeviceRandom.Below(DeviceRandom.Bits(pHi, pLo, (ulong)i), s.Occupied)];
            int b = occupied[DeviceRandom.Below(DeviceRandom.Bits(bHi, bLo, (ulong)i), s.Occupied)];
            DeviceRandom.Split2(kHi, kLo, out uint isoHi, out uint isoLo, out uint lineHi, out uint lineLo);
            double line = 0.0 + s.LineSigma * DeviceRandom.StandardNormal(lineHi, lineLo, 0, table);
            for (int j = 0; j < d; j++)
            {
                double noise = 0.0 + s.Sigma * DeviceRandom.StandardNormal(isoHi, isoLo, (uint)j, table);
                double xa = archiveSolutions[a * d + j];
                children[row + j] = xa + (noise + line * (archiveSolutions[b * d + j] - xa));
            }
        }

        EvaluateRow(r, s, children, objectives, measures, cells);
    }

    /// <summary>Evaluates row r of a given batch and finds its cell (the host-facing evaluator's kernel).</summary>
    public static void Evaluate(
        Index1D r,
        MapElitesStep s,
        ArrayView<double> solutions,
        ArrayView<double> objectives,
        ArrayView<double> measures,
        ArrayView<int> cells
    ) => EvaluateRow(r, s, solutions, objectives, measures, cells);

    /// <summary>Evaluates row r of <paramref name="solutions"/> (LinearProjection or PlanarArm.Evaluate, same
    /// order of operations) and finds its grid cell.</summary>
    internal static void EvaluateRow(
        int r,
        MapElitesStep s,
        ArrayView<double> solutions,
        ArrayView<double> objectives,
        ArrayView<double> measures,
        ArrayView<int> cells
    )
    {
        int d = s.Dim;
        int row = r * d;
        double f,
            m0,
            m1;
        if (s.Task == 2)
        {
            double mean = 0.0;
            for (int j = 0; j < d; j++)
                mean += solutions[row + j];
            mean /= d;
            double variance = 0.0,
                phi = 0.0,
                x = 0.0,
                y = 0.0;
            for (int j = 0; j < d; j++)
            {
                double t = solutions[row + j];
                double c = t - mean;
                variance += c * c;
                phi += t;
                x += 1.0 * PortableMath.Cos(phi);
                y += 1.0 * PortableMath.Sin(phi);
            }
            variance /= d;
            f = (1.0 - variance) * 100.0;
            m0 = x;
            m1 = y;
        }
        else
        {
            bool sphere = s.Task == 0;
            int half = d / 2;
            double raw = sphere ? 0.0 : A * d;
            m0 = 0.0;
            m1 = 0.0;
            for (int j = 0; j < d; j++)
            {
                double v = solutions[row + j];
                double z = v - Shift;
                raw += sphere ? z * z : z * z - A * PortableMath.Cos(2 * Math.PI * z);
                double c = v >= -Bound && v <= Bound ? v : Bound / v;
                if (j < half)
                    m0 += c;
                else
                    m1 += c;
            }
            f = (raw - s.Worst) * s.Scale;
        }
        objectives[r] = f;
        measures[2 * r] = m0;
        measures[2 * r + 1] = m1;
        cells[r] = Coordinate(m0, s.Low0, s.CellScale0, s.Res0) * s.Res1 + Coordinate(m1, s.Low1, s.CellScale1, s.Res1);
    }

    /// <summary>Writes at <paramref name="row"/> the elite <paramref name="parent"/> (x0 = 0 when −1) plus
    /// σ N(0, I) from the row's noise key: Key.Normal's ziggurat values and Variation's arithmetic, in order.</summary>
    /// <remarks>Shared by MAP-Elites' Gaussian mutation and the gradient operators' σ0 points.</remarks>
    internal static void GaussianChild(
        MapElitesStep s,
        uint kHi,
        uint kLo,
        int parent,
        ArrayView<double> archiveSolutions,
        ArrayView<double> target,
        int row,
        ArrayView<double> table
    )
    {
        int d = s.Dim;
        for (int j = 0; j < d; j++)
        {
            double x0 = parent < 0 ? 0.0 : archiveSolutions[parent * d + j];
            target[row + j] = x0 + (0.0 + s.Sigma * DeviceRandom.StandardNormal(kHi, kLo, (uint)j, table));
        }
    }

    /// <summary>GridTessellation.CellOf along one measure: clamps to the first and last cell.</summary>
    static int Coordinate(double m, double low, double scale, int resolution)
    {
        double t = (m - low) * scale;
        return t <= 0 ? 0
            : t >= resolution ? resolution - 1
            : (int)t;
    }

    /// <summary>An integer with the order of the doubles (−0 and +0 map together, as they compare equal).</summary>
    static long Order(double f)
    {
        long bits = (long)Interop.FloatAsInt(f == 0.0 ? 0.0 : f);
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }

    static bool Competes(int r, ArrayView<double> objectives, ArrayView<int> cells, ArrayView<int> filled, ArrayView<double> cellObjectives)
    {
        int c = cells[r];
        double threshold = filled[c] != 0 ? cellObjectives[c] : double.NegativeInfinity;
        return objectives[r] > threshold;
    }

    /// <summary>Clears the per-cell scratch of the cells this batch touches.</summary>
    public static void ResetCells(Index1D r, ArrayView<int> cells, ArrayView<long> best, ArrayView<int> winner)
    {
        best[cells[r]] = long.MinValue;
        winner[cells[r]] = int.MaxValue;
    }

    /// <summary>Pass 1: the highest competing objective per cell.</summary>
    public static void CellMax(
        Index1D r,
        ArrayView<double> objectives,
        ArrayView<int> cells,
        ArrayView<int> filled,
        ArrayView<double> cellObjectives,
        ArrayView<long> best
    )
    {
        if (Competes(r, objectives, cells, filled, cellObjectives))
            Atomic.Max(ref best[cells[r]], Order(objectives[r]));
    }

    /// <summary>Pass 2: the earliest competing row holding its cell's highest objective.</summary>
    public static void CellWinner(
        Index1D r,
        ArrayView<double> objectives,
        ArrayView<int> cells,
        ArrayView<int> filled,
        ArrayView<double> cellObjectives,
        ArrayView<long> best,
        ArrayView<int> winner
    )
    {
        if (Competes(r, objectives, cells, filled, cellObjectives) && Order(objectives[r]) == best[cells[r]])
            Atomic.Min(ref winner[cells[r]], (int)r);
    }

    /// <summary>Pass 3: each winner writes its cell; fresh[r] = 1 when it filled an empty cell.</summary>
    public static void Insert(
        Index1D r,
        int dim,
        ArrayView<double> children,
        ArrayView<double> objectives,
        ArrayView<double> measures,
        ArrayView<int> cells,
        ArrayView<int> winner,
        ArrayView<int> filled,
        ArrayView<double> cellObjectives,
        ArrayView<double> cellMeasures,
        ArrayView<double> archiveSolutions,
        ArrayView<int> fresh
    )
    {
        int c = cells[r];
        if (winner[c] != r)
        {
            fresh[r] = 0;
            return;
        }
        fresh[r] = filled[c] == 0 ? 1 : 0;
        filled[c] = 1;
        cellObjectives[c] = objectives[r];
        cellMeasures[2 * c] = measures[2 * r];
        cellMeasures[2 * c + 1] = measures[2 * r + 1];
        for (int j = 0; j < dim; j++)
            archiveSolutions[c * dim + j] = children[r * dim + j];
    }

    /// <summary>One thread: appends newly filled cells in row order (the order sampling indexes), then
    /// writes the metrics (elites, objective sum over the occupied list in order, best objective).</summary>
    /// <remarks>Serial on purpose: the occupied list's order must match the CPU archive's for the next
    /// iteration's parents to match, and the batch is at most tens of thousands of rows.</remarks>
    public static void Append(
        Index1D unused,
        int rows,
        ArrayView<int> fresh,
        ArrayView<int> cells,
        ArrayView<int> occupied,
        ArrayView<int> count,
        ArrayView<double> cellObjectives,
        ArrayView<double> metrics
    )
    {
        int n = count[0];
        for (int r = 0; r < rows; r++)
            if (fresh[r] != 0)
                occupied[n++] = cells[r];
        count[0] = n;
        double sum = 0.0,
            best = double.NegativeInfinity;
        for (int k = 0; k < n; k++)
        {
            double f = cellObjectives[occupied[k]];
            sum += f;
            best = XMath.Max(best, f);
        }
        metrics[0] = n;
        metrics[1] = sum;
        metrics[2] = best;
    }
}
