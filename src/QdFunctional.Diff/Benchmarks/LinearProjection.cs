namespace QdFunctional.Diff.Benchmarks;

/// <summary>The linear projection (LP) benchmark tasks of Fontaine &amp; Nikolaidis 2021, "Differentiable
/// Quality Diversity", as differentiable functions of the whole population.</summary>
/// <remarks>Definitions follow pyribs (examples/sphere.py, function sphere) and the DQD paper's code
/// (icaros-usc/dqd, experiments/lin_proj, calc_sphere / calc_rastrigin / calc_measures): the optimum is
/// shifted to 0.4·5.12 = 2.048 per coordinate, the objective is normalized to [0, 100] with 100 optimal
/// and 0 at the corner x = (-5.12, …, -5.12), and the two measures sum the clipped first and second
/// halves of the solution. Each function returns batch × 3: objective, measure 1, measure 2.</remarks>
public static class LinearProjection
{
    /// <summary>The search bound 5.12 of the sphere and Rastrigin domains.</summary>
    /// <remarks>Coordinates beyond it are folded back by the measure clipping.</remarks>
    public const double Bound = 5.12;

    /// <summary>The optimum's coordinate, 0.4·5.12 = 2.048.</summary>
    /// <remarks>Shifts the optimum off the origin, where the measures would be trivially 0.</remarks>
    public const double Shift = 0.4 * Bound;

    /// <summary>LP-sphere: objective 100·(worst - f)/worst with f = Σ(xᵢ - 2.048)², worst = n·(-5.12 - 2.048)², and the two measures.</summary>
    /// <remarks>pyribs: raw_obj = Σ (x - shift)²; objectives = (raw_obj - worst_obj)/(best_obj - worst_obj)·100 with best_obj = 0.</remarks>
    public static Tensor Sphere(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Cols;
        double worst = (-Bound - Shift) * (-Bound - Shift) * n;
        var raw = Tensor.Sum(Tensor.Square(x - Shift));
        var objective = (worst - raw) * (100.0 / worst);
        return Tensor.Concat(objective, Measures(x));
    }

    /// <summary>LP-Rastrigin: f = 10n + Σ((xᵢ - 2.048)² - 10·cos(2π(xᵢ - 2.048))), objective 100·(worst - f)/worst with worst = f(-5.12, …, -5.12), and the two measures.</summary>
    /// <remarks>icaros-usc/dqd calc_rastrigin: worst_obj is the raw value at the bottom-left corner
    /// (every coordinate -5.12), best_obj = 0, objs = (raw - worst)/(best - worst)·100.</remarks>
    public static Tensor Rastrigin(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Cols;
        const double a = 10.0;
        double corner = -Bound - Shift;
        double worst = a * n + n * (corner * corner - a * Math.Cos(2 * Math.PI * corner));
        var d = x - Shift;
        var raw = Tensor.Sum(Tensor.Square(d) - a * Tensor.Cos(d * (2 * Math.PI))) + a * n;
        var objective = (worst - raw) * (100.0 / worst);
        return Tensor.Concat(objective, Measures(x));
    }

    /// <summary>The two LP measures: Σ clip(xᵢ) over the first ⌊n/2⌋ coordinates and over the rest,
    /// where clip(v) = v if |v| ≤ 5.12 else 5.12/v.</summary>
    /// <remarks>pyribs: clip_mask = (x &lt; -5.12) | (x &gt; 5.12); clipped[mask] = 5.12 / x[mask]; the split is
    /// dim // 2. Written with a double where so the unused 5.12/x branch stays finite at x = 0.
    /// Each measure lies in ±5.12·n/2.</remarks>
    public static Tensor Measures(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var inside = Tensor.LessOrEqual(Tensor.Abs(x), Bound);
        var clipped = Tensor.Where(inside, x, Bound / Tensor.Where(inside, 1.0, x));
        int half = x.Cols / 2;
        return Tensor.Concat(Tensor.Sum(Tensor.Slice(clipped, 0, half)), Tensor.Sum(Tensor.Slice(clipped, half, x.Cols - half)));
    }

    /// <summary>The measure space bound for dimension n: each measure lies in [-5.12·n/2, 5.12·n/2].</summary>
    /// <remarks>pyribs: max_bound = dim / 2 · 5.12, the archive ranges.</remarks>
    public static double MeasureBound(int n) => n / 2.0 * Bound;
}
