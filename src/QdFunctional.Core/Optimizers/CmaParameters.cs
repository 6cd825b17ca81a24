namespace QdFunctional.Core.Optimizers;

using QdFunctional.Numerics;

/// <summary>
/// The strategy constants of CMA-ES for dimension n and μ parents, as in Hansen's tutorial
/// "The CMA Evolution Strategy: A Tutorial" (2016), table 1, with positive weights only:
/// wᵢ ∝ ln(μ + ½) − ln i, μ_eff = (Σwᵢ)² / Σwᵢ², c_σ = (μ_eff + 2)/(n + μ_eff + 5),
/// d_σ = 1 + 2 max(0, √((μ_eff − 1)/(n + 1)) − 1) + c_σ, c_c = (4 + μ_eff/n)/(n + 4 + 2μ_eff/n),
/// c₁ = 2/((n + 1.3)² + μ_eff), c_μ = min(1 − c₁, 2(μ_eff − 2 + 1/μ_eff)/((n + 2)² + μ_eff)).
/// Like pyribs, the constants follow the number of parents each tell is given.
/// </summary>
public sealed class CmaParameters
{
    CmaParameters(double[] weights, double muEff, double cSigma, double dSigma, double cC, double c1, double cMu)
    {
        this.weights = weights;
        MuEff = muEff;
        CSigma = cSigma;
        DSigma = dSigma;
        CC = cC;
        C1 = c1;
        CMu = cMu;
    }

    readonly double[] weights;

    /// <summary>The constants for dimension <paramref name="n"/> and <paramref name="mu"/> parents.</summary>
    /// <param name="n">Solution dimension.</param>
    /// <param name="mu">Parents: the best μ solutions are recombined.</param>
    /// <param name="separable">Ros and Hansen (2008): scale c₁ and c_μ by (n + 2)/3 for a diagonal C.</param>
    public static CmaParameters For(int n, int mu, bool separable = false)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "CMA-ES needs at least one dimension.");
        if (mu < 1)
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "CMA-ES needs at least one parent.");
        var w = new double[mu];
        double sum = 0,
            sumSq = 0;
        for (int i = 0; i < mu; i++)
        {
            w[i] = PortableMath.Log(mu + 0.5) - PortableMath.Log(i + 1);
            sum += w[i];
        }
        for (int i = 0; i < mu; i++)
        {
            w[i] /= sum;
            sumSq += w[i] * w[i];
        }
        double muEff = 1.0 / sumSq;
        double cSigma = (muEff + 2) / (n + muEff + 5);
        double dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        double cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        double c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);
        double cMu = 2 * (muEff - 2 + 1 / muEff) / ((n + 2.0) * (n + 2.0) + muEff);
        if (separable)
        {
            c1 *= (n + 2) / 3.0;
            cMu *= (n + 2) / 3.0;
        }
        c1 = Math.Min(1, c1);
        cMu = Math.Min(1 - c1, cMu);
        return new CmaParameters(w, muEff, cSigma, dSigma, cC, c1, cMu);
    }

    /// <summary>Default parent count for a population of λ: ⌊λ/2⌋ (at least 1).</summary>
    public static int DefaultMu(int lambda) => Math.Max(1, lambda / 2);

    /// <summary>Default population size: λ = 4 + ⌊3 ln n⌋.</summary>
    public static int DefaultLambda(int n) => 4 + (int)Math.Floor(3 * PortableMath.Log(n));

    /// <summary>E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)), the target length of p_σ.</summary>
    public static double ExpectedNorm(int n) => Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));

    /// <summary>Recombination weights w₁ ≥ … ≥ w_μ &gt; 0, summing to 1.</summary>
    public ReadOnlySpan<double> Weights => weights;

    /// <summary>μ.</summary>
    public int Mu => weights.Length;

    /// <summary>Variance-effective selection mass μ_eff = 1/Σwᵢ².</summary>
    public double MuEff { get; }

    /// <summary>c_σ: learning rate of the step-size path.</summary>
    public double CSigma { get; }

    /// <summary>d_σ: damping of the step-size update.</summary>
    public double DSigma { get; }

    /// <summary>c_c: learning rate of the covariance path.</summary>
    public double CC { get; }

    /// <summary>c₁: rank-one learning rate.</summary>
    public double C1 { get; }

    /// <summary>c_μ: rank-μ learning rate.</summary>
    public double CMu { get; }
}
