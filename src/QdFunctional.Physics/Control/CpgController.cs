namespace QdFunctional.Physics.Control;

using QdFunctional.Diff;

/// <summary>
/// The brittle star's central pattern generator, written in the differentiable engine so that its
/// outputs have a Jacobian with respect to the 26-number genome. Ten oscillators, two per arm
/// (in-plane and out-of-plane), coupled only within their arm (weight w = 5), after Ijspeert's
/// amplitude-controlled phase oscillators:
/// <code>
///   θ̇ᵢ = ω + Σⱼ wᵢⱼ rⱼ sin(θⱼ − θᵢ − φᵢⱼ)
///   r̈ᵢ = a (a/4 (Rᵢ − rᵢ) − ṙᵢ),   ẍᵢ = a (a/4 (Xᵢ − xᵢ) − ẋᵢ)   (a = 20: critically damped)
///   outputᵢ = xᵢ + rᵢ cos θᵢ,  clipped to the joint range ±π/6
/// </code>
/// integrated by explicit Euler at the control step from a zero state; every segment of an arm
/// takes its arm's two outputs. The phase bias b of arm k sets φ(out, in) = b and φ(in, out) = −b,
/// so in a locked gait the out-of-plane oscillator lags the in-plane one by b.
/// </summary>
/// <remarks>
/// Genome layout (26 numbers): 0–4 in-plane amplitudes R of arms 0–4, 5–9 out-of-plane amplitudes,
/// 10–14 in-plane offsets X, 15–19 out-of-plane offsets, 20 the common frequency ω (rad/s), 21–25 the
/// per-arm phase biases. The tutorial's code reads ω from index 21, which is also the first phase
/// bias; here index 20 is the frequency and nothing overlaps.
/// </remarks>
public static class CpgController
{
    /// <summary>Arms, and oscillator pairs.</summary>
    public const int Arms = 5;

    /// <summary>Outputs per control step: 5 in-plane then 5 out-of-plane targets.</summary>
    public const int Outputs = 2 * Arms;

    /// <summary>Genome length.</summary>
    public const int GenomeLength = 26;

    /// <summary>Coupling weight between the two oscillators of an arm.</summary>
    public const double CouplingWeight = 5.0;

    /// <summary>Gain a of the amplitude and offset dynamics.</summary>
    public const double Gain = 20.0;

    /// <summary>Joint range: outputs are clipped to ±π/6 (±30°).</summary>
    public const double JointLimit = Math.PI / 6.0;

    /// <summary>Lower genome bounds: R ≥ 0, X ≥ −1, ω ≥ 0, biases ≥ −π.</summary>
    public static double[] LowerBounds => Bounds(0.0, -1.0, 0.0, -Math.PI);

    /// <summary>Upper genome bounds: R ≤ 1, X ≤ 1, ω ≤ 3π, biases ≤ π.</summary>
    public static double[] UpperBounds => Bounds(1.0, 1.0, 3.0 * Math.PI, Math.PI);

    /// <summary>
    /// Joint targets for <paramref name="steps"/> control steps of length <paramref name="dt"/>:
    /// batch × 26 genomes → batch × (steps · 10), step s in columns [10 s, 10 s + 10)
    /// (in-plane targets of arms 0–4, then out-of-plane).
    /// </summary>
    public static Tensor Rollout(Tensor genome, int steps, double dt, bool clip = true)
    {
        ArgumentNullException.ThrowIfNull(genome);
        if (genome.Cols != GenomeLength)
            throw new ArgumentException($"CPG: genomes have {GenomeLength} numbers, got {genome.Cols}.", nameof(genome));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!(dt > 0.0))
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "The control step must be positive.");
        var rIn = Tensor.Slice(genome, 0, Arms);
        var rOut = Tensor.Slice(genome, Arms, Arms);
        var xIn = Tensor.Slice(genome, 2 * Arms, Arms);
        var xOut = Tensor.Slice(genome, 3 * Arms, Arms);
        var omega = Tensor.Slice(genome, 4 * Arms, 1);
        var bias = Tensor.Slice(genome, 4 * Arms + 1, Arms);

        var zero = Tensor.Zeros(genome.Rows, Arms);
        var s = new Oscillators(zero, zero, zero, zero, zero, zero, zero, zero, zero, zero);
        var outputs = new Tensor[steps];
        for (int k = 0; k < steps; k++)
        {
            var dThetaIn = omega + CouplingWeight * s.AmpOut * Tensor.Sin(s.ThetaOut - s.ThetaIn + bias);
            var dThetaOut = omega + CouplingWeight * s.AmpIn * Tensor.Sin(s.ThetaIn - s.ThetaOut - bias);
            s = new Oscillators(
                s.ThetaIn + dt * dThetaIn,
                s.ThetaOut + dt * dThetaOut,
                s.AmpIn + dt * s.AmpInRate,
                s.AmpOut + dt * s.AmpOutRate,
                s.AmpInRate + dt * Acceleration(rIn, s.AmpIn, s.AmpInRate),
                s.AmpOutRate + dt * Acceleration(rOut, s.AmpOut, s.AmpOutRate),
                s.OffIn + dt * s.OffInRate,
                s.OffOut + dt * s.OffOutRate,
                s.OffInRate + dt * Acceleration(xIn, s.OffIn, s.OffInRate),
                s.OffOutRate + dt * Acceleration(xOut, s.OffOut, s.OffOutRate)
            );
            var y = Tensor.Concat(s.OffIn + s.AmpIn * Tensor.Cos(s.ThetaIn), s.OffOut + s.AmpOut * Tensor.Cos(s.ThetaOut));
            outputs[k] = clip ? Tensor.Clamp(y, -JointLimit, JointLimit) : y;
        }
        return Tensor.Concat(outputs);
    }

    /// <summary>r̈ = a (a/4 (target − r) − ṙ): reaches the target without overshoot.</summary>
    static Tensor Acceleration(Tensor target, Tensor value, Tensor rate) => Gain * (Gain / 4.0 * (target - value) - rate);

    static double[] Bounds(double amplitude, double offset, double omega, double bias)
    {
        var b = new double[GenomeLength];
        b.AsSpan(0, 2 * Arms).Fill(amplitude);
        b.AsSpan(2 * Arms, 2 * Arms).Fill(offset);
        b[4 * Arms] = omega;
        b.AsSpan(4 * Arms + 1, Arms).Fill(bias);
        return b;
    }

    sealed record Oscillators(
        Tensor ThetaIn,
        Tensor ThetaOut,
        Tensor AmpIn,
        Tensor AmpOut,
        Tensor AmpInRate,
        Tensor AmpOutRate,
        Tensor OffIn,
        Tensor OffOut,
        Tensor OffInRate,
        Tensor OffOutRate
    );
}
