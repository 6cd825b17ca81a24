namespace QdFunctional.Core.Optimizers;

using System.Buffers;
using System.Numerics.Tensors;
using QdFunctional.Core.Random;
using QdFunctional.Diff;
using QdFunctional.Numerics;

/// <summary>
/// CMA-ES (Hansen and Ostermeier 2001; Hansen, "The CMA Evolution Strategy: A Tutorial", 2016)
/// as an immutable state: mean m, step size σ, covariance C, evolution paths p_σ and p_c, and
/// the eigendecomposition C = B D² Bᵀ used for sampling, x = m + σ B D z with z ~ N(0, I).
/// The optimizer of CMA-ME and CMA-MEGA (Fontaine and Nikolaidis 2021); the emitter ranks.
/// </summary>
/// <remarks>
/// B and D are refreshed lazily (tutorial, appendix B.2): only when more than
/// <c>LazyGapFactor · λ / ((c₁ + c_μ) n)</c> evaluations have passed since the last refresh, so at
/// n = 1000 the O(n³) decomposition is paid once every few generations while ask and tell stay
/// O(λn²). Between refreshes, sampling and the p_σ update use the last B and D. All arrays are
/// private and never written after construction; a tell allocates the next state's vectors and
/// shares the eigenvectors when they are not refreshed.
/// <para>C itself is needed only by the next decomposition, so a tell does not write the n × n
/// matrix: the state keeps C as of its last decomposition and the rank-one and rank-μ updates of
/// the generations since (a path and μ steps each, which the tell has anyway), and replays them, in
/// order and with the same operations, when C is next needed. The replay gives the bits the
/// generation-by-generation update gave, while a tell between decompositions allocates O(μn)
/// instead of n² values.</para>
/// </remarks>
public sealed class CmaEs : IEvolutionStrategy
{
    readonly double[] mean,
        pSigma,
        pC,
        vectors,
        variances,
        scales;

    /// <summary>C as of the last decomposition (or restore), before <see cref="pending"/>.</summary>
    readonly double[] covBase;

    /// <summary>The covariance updates since <see cref="covBase"/>, oldest first.</summary>
    readonly CovarianceUpdate[] pending;

    /// <summary>C with the pending updates applied, once something asked for it (a deterministic cache).</summary>
    double[]? covCache;

    CmaEs(
        int batchSize,
        double sigma0,
        EvolutionStrategyOptions options,
        double[] mean,
        double sigma,
        double[] cov,
        CovarianceUpdate[] pending,
        double[] pSigma,
        double[] pC,
        double[] vectors,
        double[] variances,
        long eigenEvaluations,
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
        covBase = cov;
        this.pending = pending;
        this.pSigma = pSigma;
        this.pC = pC;
        this.vectors = vectors;
        this.variances = variances;
        scales = new double[variances.Length];
        TensorPrimitives.Sqrt(variances, scales);
        EigenEvaluations = eigenEvaluations;
        Generation = generation;
        Evaluations = evaluations;
    }

    /// <summary>
    /// The same settings as <paramref name="template"/> with a saved state (checkpoints): mean,
    /// σ, C, both paths, the eigen decomposition and the counters, exactly as they were.
    /// </summary>
    internal static CmaEs Restore(
        CmaEs template,
        double[] mean,
        double sigma,
        double[] cov,
        double[] pSigma,
        double[] pC,
        double[] vectors,
        double[] variances,
        long eigenEvaluations,
        int generation,
        long evaluations
    )
    {
        int n = template.Dimension;
        if (
            mean.Length != n
            || cov.Length != n * n
            || pSigma.Length != n
            || pC.Length != n
            || vectors.Length != n * n
            || variances.Length != n
        )
            throw new ArgumentException($"CMA-ES state does not fit dimension {n}.");
        return new CmaEs(
            template.BatchSize,
            template.Sigma0,
            template.Options,
            mean,
            sigma,
            cov,
            [],
            pSigma,
            pC,
            vectors,
            variances,
            eigenEvaluations,
            generation,
            evaluations
        );
    }

    /// <summary>
    /// A strategy around <paramref name="x0"/> with C = I, zero paths and step size
    /// <paramref name="sigma0"/>; λ defaults to 4 + ⌊3 ln n⌋.
    /// </summary>
    /// <exception cref="ArgumentException">x0 is empty or not finite, σ₀ ≤ 0, λ &lt; 2, or the options do not fit.</exception>
    public static CmaEs Create(ReadOnlySpan<double> x0, double sigma0, int? batchSize = null, EvolutionStrategyOptions? options = null)
    {
        int n = x0.Length;
        int lambda = batchSize ?? (n > 0 ? CmaParameters.DefaultLambda(n) : 0);
        StrategyChecks.Create(x0, sigma0, lambda);
        options = (options ?? EvolutionStrategyOptions.Default).Frozen();
        options.Validate(n);
        var identity = Identity(n);
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return new CmaEs(
            lambda,
            sigma0,
            options,
            x0.ToArray(),
            sigma0,
            identity,
            [],
            new double[n],
            new double[n],
            identity,
            ones,
            0,
            0,
            0
        );
    }

    /// <summary>The last n × n identity made, kept weakly: a fresh state's C and B.</summary>
    static WeakReference<double[]>? identityCache;

    /// <summary>
    /// I (n × n): C and B of every fresh state, shared, since no state writes its arrays. An emitter
    /// that restarts often (CMA-ME's no-improvement rule) then allocates no n² values per restart.
    /// </summary>
    static double[] Identity(int n)
    {
        var cache = Volatile.Read(ref identityCache);
        if (cache is not null && cache.TryGetTarget(out var kept) && kept.LongLength == (long)n * n)
            return kept;
        var identity = new double[(long)n * n];
        for (int i = 0; i < n; i++)
            identity[i * n + i] = 1;
        Volatile.Write(ref identityCache, new WeakReference<double[]>(identity));
        return identity;
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <summary>σ₀, kept for <see cref="Reset"/>.</summary>
    public double Sigma0 { get; }

    /// <summary>Bounds and laziness.</summary>
    public EvolutionStrategyOptions Options { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<double> Mean => mean;

    /// <inheritdoc/>
    public double Sigma { get; }

    /// <summary>C, n × n row-major and exactly symmetric (the pending updates applied on first use).</summary>
    public ReadOnlySpan<double> Covariance => CovarianceMatrix();

    /// <summary>C now: the base when nothing is pending, else the replay of the pending updates, kept.</summary>
    double[] CovarianceMatrix()
    {
        if (pending.Length == 0)
            return covBase;
        var cached = Volatile.Read(ref covCache);
        if (cached is null)
        {
            // Two threads asking at once compute the same bits; either result may stay.
            cached = Replay(Dimension, covBase, pending);
            Volatile.Write(ref covCache, cached);
        }
        return cached;
    }

    /// <summary>p_σ: the conjugate evolution path that drives σ.</summary>
    public ReadOnlySpan<double> PathSigma => pSigma;

    /// <summary>p_c: the evolution path of the rank-one update.</summary>
    public ReadOnlySpan<double> PathC => pC;

    /// <summary>B: eigenvectors of C as columns (n × n row-major), as of <see cref="EigenEvaluations"/>.</summary>
    public ReadOnlySpan<double> Eigenvectors => vectors;

    /// <summary>D²: eigenvalues of C (ascending), as of <see cref="EigenEvaluations"/>.</summary>
    public ReadOnlySpan<double> Eigenvalues => variances;

    /// <summary>The evaluation count at which B and D were last computed.</summary>
    public long EigenEvaluations { get; }

    /// <inheritdoc/>
    public int Generation { get; }

    /// <inheritdoc/>
    public long Evaluations { get; }

    /// <summary>max D² / min D², the condition number of C by the cached eigenvalues.</summary>
    public double ConditionNumber => TensorPrimitives.Max<double>(variances) / TensorPrimitives.Min<double>(variances);

    /// <summary>
    /// Evaluations between eigendecompositions: LazyGapFactor · λ / ((c₁ + c_μ) n), with the
    /// default μ = ⌊λ/2⌋ constants (tutorial: refresh when counteval − eigeneval exceeds this).
    /// </summary>
    public double LazyGap
    {
        get
        {
            var p = CmaParameters.For(Dimension, CmaParameters.DefaultMu(BatchSize));
            return Options.LazyGapFactor * BatchSize / ((p.C1 + p.CMu) * Dimension);
        }
    }

    /// <inheritdoc/>
    public double[] Ask(Key key, int? count = null)
    {
        int n = Dimension;
        double sigma = Sigma;
        var (m, b, d) = (mean, vectors, scales);
        return StrategySampling.Sample(
            n,
            count ?? BatchSize,
            key,
            Options,
            (z, x, rows) =>
            {
                // W = Z diag(D); then x_r[i] = m_i + σ ⟨B[i, :], w_r⟩, row i of B staying in cache for all r.
                // W and the result are scratch from the shared pool (rows × n each, every call).
                var w = ArrayPool<double>.Shared.Rent(rows * n);
                var xs = ArrayPool<double>.Shared.Rent(rows * n);
                try
                {
                    for (int r = 0; r < rows; r++)
                        TensorPrimitives.Multiply(z.Slice(r * n, n), d, w.AsSpan(r * n, n));
                    Blocks.ForRows(
                        n,
                        (long)rows * n,
                        (start, end) =>
                        {
                            for (int i = start; i < end; i++)
                            {
                                var bi = b.AsSpan(i * n, n);
                                for (int r = 0; r < rows; r++)
                                    xs[r * n + i] = m[i] + sigma * FixedOrder.Dot(bi, w.AsSpan(r * n, n));
                            }
                        }
                    );
                    xs.AsSpan(0, rows * n).CopyTo(x);
                }
                finally
                {
                    ArrayPool<double>.Shared.Return(w);
                    ArrayPool<double>.Shared.Return(xs);
                }
            }
        );
    }

    /// <inheritdoc/>
    IEvolutionStrategy IEvolutionStrategy.Tell(ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents) =>
        Tell(solutions, rankingIndices, numParents);

    /// <summary>
    /// The next state after a generation whose <paramref name="solutions"/> (count × n) are ranked
    /// best first by <paramref name="rankingIndices"/>, recombining the first
    /// <paramref name="numParents"/> with weights ∝ ln(μ + ½) − ln i (tutorial eqs. 9, 31–33, 43–47,
    /// positive weights): m' = m + σ y_w; p_σ' = (1 − c_σ) p_σ + √(c_σ(2 − c_σ)μ_eff) C^{-1/2} y_w;
    /// p_c' = (1 − c_c) p_c + h_σ √(c_c(2 − c_c)μ_eff) y_w;
    /// C' = (1 + c₁δ(h_σ) − c₁ − c_μ) C + c₁ p_c' p_c'ᵀ + c_μ Σ wᵢ yᵢyᵢᵀ;
    /// σ' = σ exp(min(1, (c_σ/d_σ)(‖p_σ'‖/E‖N(0, I)‖ − 1))) (the cap at e is pycma's).
    /// With no parents only the counters move (pyribs likewise only counts the evaluations).
    /// </summary>
    /// <exception cref="ArgumentException">Rows, ranking length, duplicates or parent count are wrong, or a parent is not finite.</exception>
    public CmaEs Tell(ReadOnlySpan<double> solutions, int[] rankingIndices, int numParents)
    {
        int n = Dimension;
        int count = StrategyChecks.Tell(n, solutions, rankingIndices, numParents);
        long evaluations = Evaluations + count;
        if (numParents == 0)
            return new CmaEs(
                BatchSize,
                Sigma0,
                Options,
                mean,
                Sigma,
                covBase,
                pending,
                pSigma,
                pC,
                vectors,
                variances,
                EigenEvaluations,
                Generation + 1,
                evaluations
            );

        var p = CmaParameters.For(n, numParents);
        var (steps, yw) = Recombination.Parents(n, solutions, rankingIndices, p.Weights, mean, Sigma);

        var newMean = new double[n];
        QdFunctional.Numerics.Unfused.MultiplyAdd(yw, Sigma, mean, newMean);

        // p_σ with C^{-1/2} y_w = B D⁻¹ Bᵀ y_w from the cached decomposition.
        var whitened = InverseSqrtTimes(yw);
        var newPSigma = new double[n];
        TensorPrimitives.Multiply(pSigma, 1 - p.CSigma, newPSigma);
        QdFunctional.Numerics.Unfused.MultiplyAdd(whitened, Math.Sqrt(p.CSigma * (2 - p.CSigma) * p.MuEff), newPSigma, newPSigma);
        double psNorm = FixedOrder.Norm(newPSigma);
        double chiN = CmaParameters.ExpectedNorm(n);

        // h_σ stalls p_c while p_σ is long, i.e. while σ is still growing (tutorial eq. 45).
        int g = Generation + 1;
        bool hSigma = psNorm / Math.Sqrt(1 - PortableMath.Pow(1 - p.CSigma, 2.0 * g)) < (1.4 + 2.0 / (n + 1)) * chiN;
        var newPC = new double[n];
        TensorPrimitives.Multiply(pC, 1 - p.CC, newPC);
        if (hSigma)
            QdFunctional.Numerics.Unfused.MultiplyAdd(yw, Math.Sqrt(p.CC * (2 - p.CC) * p.MuEff), newPC, newPC);

        double delta = hSigma ? 0 : p.CC * (2 - p.CC);
        var update = new CovarianceUpdate(1 + p.C1 * delta - p.C1 - p.CMu, p.C1, newPC, p.CMu, p.Weights.ToArray(), steps);
        // C is replayed from the latest matrix on hand: the cache when something already asked for it.
        var cached = Volatile.Read(ref covCache);
        var (basis, updates) = cached is not null ? (cached, new[] { update }) : (covBase, [.. pending, update]);

        double newSigma = Sigma * PortableMath.Exp(Math.Min(1, p.CSigma / p.DSigma * (psNorm / chiN - 1)));

        var (b, d2, eigenAt) = (vectors, variances, EigenEvaluations);
        if (evaluations - EigenEvaluations > LazyGap)
        {
            basis = Replay(n, basis, updates);
            updates = [];
            (b, d2) = SymmetricEigen.Decompose(n, basis);
            eigenAt = evaluations;
        }
        else if ((long)updates.Length * (updates[0].Weights.Length + 1) > n)
        {
            // The pending steps would outweigh the matrix itself: apply them now.
            basis = Replay(n, basis, updates);
            updates = [];
        }
        return new CmaEs(BatchSize, Sigma0, Options, newMean, newSigma, basis, updates, newPSigma, newPC, b, d2, eigenAt, g, evaluations);
    }

    /// <summary>
    /// This state with B and D recomputed from the current C now, whatever the lazy gap says
    /// (what an eager strategy would hold).
    /// </summary>
    public CmaEs WithFreshEigen()
    {
        var cov = CovarianceMatrix();
        var (b, d2) = SymmetricEigen.Decompose(Dimension, cov);
        return new CmaEs(BatchSize, Sigma0, Options, mean, Sigma, cov, [], pSigma, pC, b, d2, Evaluations, Generation, Evaluations);
    }

    /// <inheritdoc/>
    public StopReason CheckStop(ReadOnlySpan<double> rankingValues) =>
        StrategyChecks.Stop(Sigma, TensorPrimitives.Max<double>(variances), TensorPrimitives.Min<double>(variances), rankingValues);

    /// <inheritdoc/>
    IEvolutionStrategy IEvolutionStrategy.Reset(ReadOnlySpan<double> x0) => Reset(x0);

    /// <summary>A fresh strategy around <paramref name="x0"/> with σ₀, λ and the options of this one.</summary>
    public CmaEs Reset(ReadOnlySpan<double> x0)
    {
        if (x0.Length != Dimension)
            throw new ArgumentException($"Reset: x0 has {x0.Length} values; the strategy has dimension {Dimension}.", nameof(x0));
        return Create(x0, Sigma0, BatchSize, Options);
    }

    /// <summary>B D⁻¹ Bᵀ v with the cached B and D.</summary>
    double[] InverseSqrtTimes(ReadOnlySpan<double> v)
    {
        int n = Dimension;
        var u = new double[n];
        for (int i = 0; i < n; i++)
            QdFunctional.Numerics.Unfused.MultiplyAdd(vectors.AsSpan(i * n, n), v[i], u, u);
        TensorPrimitives.Divide(u, scales, u);
        var result = new double[n];
        for (int i = 0; i < n; i++)
            result[i] = FixedOrder.Dot(vectors.AsSpan(i * n, n), u);
        return result;
    }

    /// <summary>
    /// One generation's update of C, kept until C is next needed: C' = a C + c₁ p pᵀ + c_μ Σ wₖ yₖyₖᵀ
    /// (<see cref="Replay"/> applies it). Its arrays are the tell's own, never written again.
    /// </summary>
    sealed record CovarianceUpdate(double Decay, double C1, double[] Path, double CMu, double[] Weights, double[] Steps);

    /// <summary>
    /// C after <paramref name="updates"/> (oldest first) starting from <paramref name="basis"/>: each
    /// update is a C + c₁ p pᵀ + c_μ Σ wₖ yₖyₖᵀ on the lower triangle, in the operations and order
    /// of one generation's update, so the result is the same bits as updating generation by
    /// generation; the upper triangle is mirrored at the end, so C is exactly symmetric. Rows are
    /// independent, so the work is split over cores without changing it.
    /// </summary>
    static double[] Replay(int n, double[] basis, CovarianceUpdate[] updates)
    {
        if (updates.Length == 0)
            return basis;
        var result = new double[(long)n * n];
        long cost = 0;
        foreach (var u in updates)
            cost += (long)n * (u.Weights.Length + 2) / 2;
        Blocks.ForRows(
            n,
            cost,
            (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var row = result.AsSpan(i * n, i + 1);
                    ReadOnlySpan<double> previous = basis.AsSpan(i * n, i + 1);
                    foreach (var u in updates)
                    {
                        TensorPrimitives.Multiply(previous, u.Decay, row);
                        QdFunctional.Numerics.Unfused.MultiplyAdd(u.Path.AsSpan(0, i + 1), u.C1 * u.Path[i], row, row);
                        for (int k = 0; k < u.Weights.Length; k++)
                        {
                            double coefficient = u.CMu * u.Weights[k] * u.Steps[k * n + i];
                            QdFunctional.Numerics.Unfused.MultiplyAdd(u.Steps.AsSpan(k * n, i + 1), coefficient, row, row);
                        }
                        previous = row;
                    }
                }
            }
        );
        MirrorLower(n, result);
        return result;
    }

    /// <summary>Copies the lower triangle onto the upper one in cache-sized tiles.</summary>
    static void MirrorLower(int n, double[] m)
    {
        const int Tile = 32;
        for (int ib = 0; ib < n; ib += Tile)
        for (int jb = 0; jb <= ib; jb += Tile)
        {
            int iEnd = Math.Min(n, ib + Tile);
            for (int i = ib; i < iEnd; i++)
            {
                int jEnd = Math.Min(i, jb + Tile);
                for (int j = jb; j < jEnd; j++)
                    m[j * n + i] = m[i * n + j];
            }
        }
    }
}
