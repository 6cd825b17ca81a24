namespace QdFunctional.Core.Optimizers;

using System.Numerics.Tensors;
using QdFunctional.Core.Random;
using QdFunctional.Diff;
using QdFunctional.Numerics;

/// <summary>
/// Separable CMA-ES (Ros and Hansen 2008, "A simple modification in CMA-ES achieving linear
/// time and space complexity"): CMA-ES with C restricted to its diagonal, so sampling,
/// x = m + σ √c ⊙ z, and the update are O(n) per solution and no eigendecomposition is ever
/// needed. c₁ and c_μ are scaled by (n + 2)/3, since a diagonal has n, not n², entries to learn.
/// The choice for high-dimensional CMA-ME / CMA-MEGA runs.
/// </summary>
public sealed class SeparableCmaEs : IEvolutionStrategy
{
    readonly double[] mean,
        variances,
        scales,
        pSigma,
        pC;

    SeparableCmaEs(
        int batchSize,
        double sigma0,
        EvolutionStrategyOptions options,
        double[] mean,
        double sigma,
        double[] variances,
        double[] pSigma,
        double[] pC,
        int generation,
        long evaluations
    )
    {
        Dimension = mean.Length;
        BatchSize = batchSize;
        Sigma0 = sigma0;
        Options = options;
        this.mean = mean;
        Sigma = sigma;
        this.variances = variances;
        scales = new double[variances.Length];
        TensorPrimitives.Sqrt(variances, scales);
        this.pSigma = pSigma;
        this.pC = pC;
        Generation = generation;
        Evaluations = evaluations;
    }

    /// <summary>The same settings as <paramref name="template"/> with a saved state (checkpoints).</summary>
    internal static SeparableCmaEs Restore(
        SeparableCmaEs template,
        double[] mean,
        double sigma,
        double[] variances,
        double[] pSigma,
        double[] pC,
        int generation,
        long evaluations
    )
    {
        int n = template.Dimension;
        if (mean.Length != n || variances.Length != n || pSigma.Length != n || pC.Length != n)
            throw new ArgumentException($"Separable CMA-ES state does not fit dimension {n}.");
        return new SeparableCmaEs(
            template.BatchSize,
            template.Sigma0,
            template.Options,
            mean,
            sigma,
            variances,
            pSigma,
            pC,
            generation,
            evaluations
        );
    }

    /// <summary>
    /// A strategy around <paramref name="x0"/> with c = 1, zero paths and step size
    /// <paramref name="sigma0"/>; λ defaults to 4 + ⌊3 ln n⌋.
    /// </summary>
    /// <exception cref="ArgumentException">x0 is empty or not finite, σ₀ ≤ 0, λ &lt; 2, or the options do not fit.</exception>
    public static SeparableCmaEs Create(
        ReadOnlySpan<double> x0,
        double sigma0,
        int? batchSize = null,
        EvolutionStrategyOptions? options = null
    )
    {
        int n = x0.Length;
        int lambda = batchSize ?? (n > 0 ? CmaParameters.DefaultLambda(n) : 0);
        StrategyChecks.Create(x0, sigma0, lambda);
        options = (options ?? EvolutionStrategyOptions.Default).Frozen();
        options.Validate(n);
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return new SeparableCmaEs(lambda, sigma0, options, x0.ToArray(), sigma0, ones, new double[n], new double[n], 0, 0);
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>σ₀, kept for <see cref="Reset"/>.</summary>
    public double Sigma0 { get; }

    /// <summary>Bounds (the lazy gap does not apply).</summary>
    public EvolutionStrategyOptions Options { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<double> Mean => mean;

    /// <inheritdoc/>
    public double Sigma { get; }

    /// <summary>c: the diagonal of C.</summary>
    public ReadOnlySpan<double> Variances => variances;

    /// <summary>p_σ.</summary>
    public ReadOnlySpan<double> PathSigma => pSigma;

    /// <summary>p_c.</summary>
    public ReadOnlySpan<double> PathC => pC;

    /// <inheritdoc/>
    public int Generation { get; }

    /// <inheritdoc/>
    public long Evaluations { get; }

    /// <summary>max c / min c.</summary>
    public double ConditionNumber => TensorPrimitives.Max<double>(variances) / TensorPrimitives.Min<double>(variances);

    /// <inheritdoc/>
    public double[] Ask(Key key, int? count = null)
    {
        int n = Dimension;
        double sigma = Sigma;
        var (m, s) = (mean, scales);
        return StrategySampling.Sample(
            n,
            count ?? BatchSize,
            key,
            Options,
            (z, x, rows) =>
            {
                for (int r = 0; r < rows; r++)
                {
                    var xr = x.Slice(r * n, n);
                    TensorPrimitives.Multiply(z.Slice(r * n, n), s, xr);
                    QdFunctional.Numerics.Unfused.MultiplyAdd(xr, sigma, m, xr);
                }
            }
        );
    }

    /// <inheritdoc/>
    IEvolutionStrategy IEvolutionStrategy.Tell(ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents) =>
        Tell(solutions, rankingIndices, numParents);

    /// <summary>
    /// The next state: the updates of <see cref="CmaEs.Tell"/> with C = diag(c), so
    /// C^{-1/2} y = y / √c and c' = (1 + c₁δ(h_σ) − c₁ − c_μ) c + c₁ p_c'² + c_μ Σ wᵢ yᵢ²,
    /// with c₁, c_μ scaled by (n + 2)/3 (Ros and Hansen 2008).
    /// </summary>
    /// <exception cref="ArgumentException">Rows, ranking length, duplicates or parent count are wrong, or a parent is not finite.</exception>
    public SeparableCmaEs Tell(ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents)
    {
        int n = Dimension;
        int count = StrategyChecks.Tell(n, solutions, rankingIndices, numParents);
        long evaluations = Evaluations + count;
        if (numParents == 0)
            return new SeparableCmaEs(BatchSize, Sigma0, Options, mean, Sigma, variances, pSigma, pC, Generation + 1, evaluations);

        var p = CmaParameters.For(n, numParents, separable: true);
        var (steps, yw) = Recombination.Parents(n, solutions, rankingIndices, p.Weights, mean, Sigma);

        var newMean = new double[n];
        QdFunctional.Numerics.Unfused.MultiplyAdd(yw, Sigma, mean, newMean);

        var newPSigma = new double[n];
        TensorPrimitives.Divide(yw, scales, newPSigma);
        TensorPrimitives.Multiply(newPSigma, Math.Sqrt(p.CSigma * (2 - p.CSigma) * p.MuEff), newPSigma);
        QdFunctional.Numerics.Unfused.MultiplyAdd(pSigma, 1 - p.CSigma, newPSigma, newPSigma);
        double psNorm = FixedOrder.Norm(newPSigma);
        double chiN = CmaParameters.ExpectedNorm(n);

        int g = Generation + 1;
        bool hSigma = psNorm / Math.Sqrt(1 - PortableMath.Pow(1 - p.CSigma, 2.0 * g)) < (1.4 + 2.0 / (n + 1)) * chiN;
        var newPC = new double[n];
        TensorPrimitives.Multiply(pC, 1 - p.CC, newPC);
        if (hSigma)
            QdFunctional.Numerics.Unfused.MultiplyAdd(yw, Math.Sqrt(p.CC * (2 - p.CC) * p.MuEff), newPC, newPC);

        double delta = hSigma ? 0 : p.CC * (2 - p.CC);
        var newVariances = new double[n];
        TensorPrimitives.Multiply(variances, 1 + p.C1 * delta - p.C1 - p.CMu, newVariances);
        var square = new double[n];
        TensorPrimitives.Multiply(newPC, newPC, square);
        QdFunctional.Numerics.Unfused.MultiplyAdd(square, p.C1, newVariances, newVariances);
        var w = p.Weights;
        for (int k = 0; k < w.Length; k++)
        {
            var y = steps.AsSpan(k * n, n);
            TensorPrimitives.Multiply(y, y, square);
            QdFunctional.Numerics.Unfused.MultiplyAdd(square, p.CMu * w[k], newVariances, newVariances);
        }

        double newSigma = Sigma * PortableMath.Exp(Math.Min(1, p.CSigma / p.DSigma * (psNorm / chiN - 1)));
        return new SeparableCmaEs(BatchSize, Sigma0, Options, newMean, newSigma, newVariances, newPSigma, newPC, g, evaluations);
    }

    /// <inheritdoc/>
    public StopReason CheckStop(ReadOnlySpan<double> rankingValues) =>
        StrategyChecks.Stop(Sigma, TensorPrimitives.Max<double>(variances), TensorPrimitives.Min<double>(variances), rankingValues);

    /// <inheritdoc/>
    IEvolutionStrategy IEvolutionStrategy.Reset(ReadOnlySpan<double> x0) => Reset(x0);

    /// <summary>A fresh strategy around <paramref name="x0"/> with σ₀, λ and the options of this one.</summary>
    public SeparableCmaEs Reset(ReadOnlySpan<double> x0)
    {
        if (x0.Length != Dimension)
            throw new ArgumentException($"Reset: x0 has {x0.Length} values; the strategy has dimension {Dimension}.", nameof(x0));
        return Create(x0, Sigma0, BatchSize, Options);
    }
}
