namespace QdFunctional.Core.Tasks;

using System.Globalization;

/// <summary>
/// Gaussian evaluation noise, as QDax's noisy arm adds it: to each solution value before the
/// evaluation (<paramref name="Solution"/>, in the solution's own units: a joint's radians, a gene),
/// and to the objectives and measures after it. The last two are fractions of the task's objective
/// range and of each measure's span, so one spec suits every task.
/// </summary>
public sealed record NoiseSpec(double Solution = 0.0, double Objective = 0.0, double Measures = 0.0)
{
    /// <summary>No noise at all.</summary>
    public static NoiseSpec None { get; } = new();

    /// <summary>The noisy arm's: 0.05 rad on each joint, 1% of the objective range, 1% of each measure's span.</summary>
    public static NoiseSpec NoisyArm { get; } = new(0.05, 0.01, 0.01);

    /// <summary>True when every standard deviation is 0.</summary>
    public bool IsNone => Solution == 0.0 && Objective == 0.0 && Measures == 0.0;

    /// <summary>Checks every standard deviation is finite and not negative.</summary>
    /// <exception cref="ArgumentException">A negative, infinite or NaN standard deviation.</exception>
    public NoiseSpec Validated()
    {
        foreach (var (name, value) in new[] { ("solution", Solution), ("objective", Objective), ("measures", Measures) })
            if (!(value >= 0.0) || !double.IsFinite(value))
                throw new ArgumentException($"noise: {name} must be a finite standard deviation of 0 or more, got {value}.");
        return this;
    }

    /// <summary>
    /// Parses <c>solution=S,objective=O,measures=M</c> (any subset, in any order; empty or
    /// <c>none</c> is no noise), as <c>qd run --noise</c> takes it.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown field or a value that is not a number; the message shows the form.</exception>
    public static NoiseSpec Parse(string? text)
    {
        var spec = None;
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "none")
            return spec;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new ArgumentException($"noise: '{part}' is not field=number; the form is solution=S,objective=O,measures=M.");
            spec = pair[0] switch
            {
                "solution" => spec with { Solution = value },
                "objective" => spec with { Objective = value },
                "measures" => spec with { Measures = value },
                _ => throw new ArgumentException($"noise: unknown field '{pair[0]}'; the form is solution=S,objective=O,measures=M."),
            };
        }
        return spec.Validated();
    }

    /// <summary>The spec in the form <see cref="Parse"/> reads (<c>none</c> for no noise).</summary>
    public override string ToString() =>
        IsNone
            ? "none"
            : string.Create(CultureInfo.InvariantCulture, $"solution={Solution:R},objective={Objective:R},measures={Measures:R}");
}
