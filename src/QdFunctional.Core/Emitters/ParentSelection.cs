namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Random;
using QdFunctional.Numerics;

/// <summary>
/// How a mixing emitter picks its parents from the archive: uniformly (MOME's standard emitter)
/// or biased towards one objective by a softmax (the biased emitter).
/// </summary>
public abstract record ParentSelection
{
    /// <summary>Parents drawn as the archive samples them: a cell uniformly, then a member of its front uniformly.</summary>
    public static readonly ParentSelection Uniform = new UniformParents();

    /// <summary><paramref name="count"/> parents (with replacement) from a non-empty archive.</summary>
    public abstract Elite[] Pick(IArchive archive, Key key, int count);

    /// <summary>Uniform parents (see <see cref="Uniform"/>).</summary>
    sealed record UniformParents : ParentSelection
    {
        public override Elite[] Pick(IArchive archive, Key key, int count) => archive.Sample(key, count);
    }
}

/// <summary>
/// Parents drawn by a softmax over one objective: each stored solution i is drawn with probability
/// ∝ exp(z_i / T), where z_i = (f_i − min f) / (max f − min f) is its objective rescaled to [0, 1]
/// over the archive (so T means the same whatever the objective's units; T → ∞ is uniform, small T
/// picks the best). With <see cref="DynamicTemperature"/> the temperature falls as the archive
/// fills: T = T_final + (T − T_final)(1 − coverage), exploring while the map is empty and
/// exploiting once it is covered.
/// </summary>
public sealed record SoftmaxParents : ParentSelection
{
    /// <summary>Softmax over objective <paramref name="objective"/> at temperature <paramref name="temperature"/>.</summary>
    public SoftmaxParents(int objective, double temperature = 0.25, bool dynamicTemperature = false, double finalTemperature = 0.05)
    {
        if (objective < 0)
            throw new ArgumentOutOfRangeException(nameof(objective), objective, "Objective index must be 0 or more.");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be positive and finite.");
        if (!(finalTemperature > 0) || (dynamicTemperature && finalTemperature > temperature))
            throw new ArgumentOutOfRangeException(
                nameof(finalTemperature),
                finalTemperature,
                $"Final temperature must be positive and at most the temperature ({temperature})."
            );
        Objective = objective;
        Temperature = temperature;
        DynamicTemperature = dynamicTemperature;
        FinalTemperature = finalTemperature;
    }

    /// <summary>Index of the objective that biases the choice.</summary>
    public int Objective { get; }

    /// <summary>T (the starting temperature when dynamic).</summary>
    public double Temperature { get; }

    /// <summary>Whether T falls with coverage.</summary>
    public bool DynamicTemperature { get; }

    /// <summary>T at full coverage when dynamic.</summary>
    public double FinalTemperature { get; }

    /// <summary>The temperature used for an archive with the given coverage.</summary>
    public double TemperatureAt(double coverage) =>
        DynamicTemperature ? FinalTemperature + (Temperature - FinalTemperature) * (1 - coverage) : Temperature;

    /// <inheritdoc/>
    public override Elite[] Pick(IArchive archive, Key key, int count)
    {
        var elites = archive.Elites.ToArray();
        if (elites.Length == 0)
            throw new InvalidOperationException("Cannot pick parents from an empty archive.");
        if (Objective >= elites[0].ObjectiveCount)
            throw new ArgumentException($"Biased parents: objective {Objective} asked for, but solutions have {elites[0].ObjectiveCount}.");
        double low = double.PositiveInfinity,
            high = double.NegativeInfinity;
        foreach (var e in elites)
        {
            double f = e.Objectives[Objective];
            low = Math.Min(low, f);
            high = Math.Max(high, f);
        }
        double t = TemperatureAt(archive.Stats.Coverage),
            span = high - low;
        // Cumulative weights exp((z − 1)/T) ≤ 1: the largest is 1, so nothing overflows.
        var cumulative = new double[elites.Length];
        double total = 0;
        for (int i = 0; i < elites.Length; i++)
        {
            double z = span > 0 ? (elites[i].Objectives[Objective] - low) / span : 1.0;
            total += PortableMath.Exp((z - 1) / t);
            cumulative[i] = total;
        }
        var u = new double[count];
        key.Uniform(u);
        var parents = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            int at = Array.BinarySearch(cumulative, u[i] * total);
            parents[i] = elites[Math.Min(at < 0 ? ~at : at, elites.Length - 1)];
        }
        return parents;
    }
}
