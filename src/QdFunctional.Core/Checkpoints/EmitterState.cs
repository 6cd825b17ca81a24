namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Emitters;
using QdFunctional.Core.Emitters.Rankers;
using QdFunctional.Core.Optimizers;

/// <summary>
/// Saves what an emitter learned (its evolving state) and restores it into an emitter freshly
/// made from the run's configuration (which supplies everything that does not evolve). With it a
/// resumed CMA-ME or CMA-MEGA run continues exactly, as a MAP-Elites run does. Stateless emitters
/// (Gaussian, iso-line, gradient operator between iterations) save nothing.
/// </summary>
public static class EmitterState
{
    const byte Stateless = 0,
        Evolution = 1,
        Arborescence = 2,
        Hybrid = 3,
        AdamPopulation = 4;

    /// <summary>Writes the evolving state of <paramref name="emitter"/>.</summary>
    public static void Write(BinaryWriter w, IEmitter emitter)
    {
        switch (emitter)
        {
            case EvolutionStrategyEmitter e:
                w.Write(Evolution);
                WriteStrategy(w, e.Strategy);
                WriteRanker(w, e.Ranker);
                w.Write(e.Restarts);
                w.Write(e.IterationsSinceRestart);
                w.Write(e.PendingRestart);
                break;
            case GradientArborescenceEmitter g:
                w.Write(Arborescence);
                WriteDoubles(w, g.Theta);
                WriteOptimizer(w, g.Optimizer);
                WriteStrategy(w, g.Coefficients);
                WriteRanker(w, g.Ranker);
                w.Write(g.Restarts);
                w.Write(g.IterationsSinceRestart);
                w.Write(g.PendingRestart);
                break;
            case AdamPopulationEmitter a:
                w.Write(AdamPopulation);
                WriteDoubles(w, a.Points);
                WriteOptimizer(w, a.Optimizer);
                break;
            case HybridEmitter { PendingCounts.Length: 0 } h:
                w.Write(Hybrid);
                w.Write(h.Parts.Length);
                foreach (var part in h.Parts)
                    Write(w, part);
                break;
            case GaussianEmitter
            or IsoLineEmitter
            or MixingEmitter
            or GradientOperatorEmitter { Points: null }
            or MomeGradientEmitter { Points: null }:
                w.Write(Stateless);
                break;
            default:
                throw new NotSupportedException(
                    $"Checkpoints cannot save emitters of type {emitter.GetType().Name} (mid-iteration or unknown)."
                );
        }
    }

    /// <summary>Reads a state written by <see cref="Write"/> into <paramref name="template"/>, an emitter made from the same config.</summary>
    /// <exception cref="ArgumentException">The saved state is for another kind or size of emitter.</exception>
    public static IEmitter Read(BinaryReader r, IEmitter template)
    {
        byte kind = r.ReadByte();
        switch (template)
        {
            case EvolutionStrategyEmitter e when kind == Evolution:
                return e with
                {
                    Strategy = ReadStrategy(r, e.Strategy),
                    Ranker = ReadRanker(r, e.Ranker),
                    Restarts = r.ReadInt32(),
                    IterationsSinceRestart = r.ReadInt32(),
                    PendingRestart = r.ReadBoolean(),
                };
            case GradientArborescenceEmitter g when kind == Arborescence:
                var theta = ReadDoubles(r);
                if (theta.Length != g.Theta.Length)
                    throw new ArgumentException($"saved θ has {theta.Length} values, the emitter {g.Theta.Length}");
                return g with
                {
                    Theta = theta,
                    Optimizer = ReadOptimizer(r, g.Optimizer),
                    Coefficients = ReadStrategy(r, g.Coefficients),
                    Ranker = ReadRanker(r, g.Ranker),
                    Restarts = r.ReadInt32(),
                    IterationsSinceRestart = r.ReadInt32(),
                    PendingRestart = r.ReadBoolean(),
                };
            case AdamPopulationEmitter a when kind == AdamPopulation:
                var points = ReadDoubles(r);
                if (points.Length != a.Points.Length)
                    throw new ArgumentException($"saved population has {points.Length} values, the emitter {a.Points.Length}");
                return a with { Points = points, Optimizer = ReadOptimizer(r, a.Optimizer) };
            case HybridEmitter h when kind == Hybrid:
                int count = r.ReadInt32();
                if (count != h.Parts.Length)
                    throw new ArgumentException($"saved hybrid has {count} parts, the emitter {h.Parts.Length}");
                return new HybridEmitter(h.Parts.Select(part => Read(r, part)).ToArray());
            case GaussianEmitter
            or IsoLineEmitter
            or MixingEmitter
            or GradientOperatorEmitter
            or MomeGradientEmitter when kind == Stateless:
                return template;
            default:
                throw new ArgumentException($"saved emitter state of kind {kind} does not fit a {template.GetType().Name}");
        }
    }

    static void WriteStrategy(BinaryWriter w, IEvolutionStrategy strategy)
    {
        switch (strategy)
        {
            case CmaEs c:
                w.Write((byte)1);
                WriteDoubles(w, c.Mean);
                w.Write(c.Sigma);
                WriteDoubles(w, c.Covariance);
                WriteDoubles(w, c.PathSigma);
                WriteDoubles(w, c.PathC);
                WriteDoubles(w, c.Eigenvectors);
                WriteDoubles(w, c.Eigenvalues);
                w.Write(c.EigenEvaluations);
                w.Write(c.Generation);
                w.Write(c.Evaluations);
                break;
            case SeparableCmaEs s:
                w.Write((byte)2);
                WriteDoubles(w, s.Mean);
                w.Write(s.Sigma);
                WriteDoubles(w, s.Variances);
                WriteDoubles(w, s.PathSigma);
                WriteDoubles(w, s.PathC);
                w.Write(s.Generation);
                w.Write(s.Evaluations);
                break;
            default:
                throw new NotSupportedException($"Checkpoints cannot save strategies of type {strategy.GetType().Name}.");
        }
    }

    static IEvolutionStrategy ReadStrategy(BinaryReader r, IEvolutionStrategy template)
    {
        byte kind = r.ReadByte();
        return (kind, template) switch
        {
            (1, CmaEs c) => CmaEs.Restore(
                c,
                ReadDoubles(r),
                r.ReadDouble(),
                ReadDoubles(r),
                ReadDoubles(r),
                ReadDoubles(r),
                ReadDoubles(r),
                ReadDoubles(r),
                r.ReadInt64(),
                r.ReadInt32(),
                r.ReadInt64()
            ),
            (2, SeparableCmaEs s) => SeparableCmaEs.Restore(
                s,
                ReadDoubles(r),
                r.ReadDouble(),
                ReadDoubles(r),
                ReadDoubles(r),
                ReadDoubles(r),
                r.ReadInt32(),
                r.ReadInt64()
            ),
            _ => throw new ArgumentException($"saved strategy of kind {kind} does not fit a {template.GetType().Name}"),
        };
    }

    static void WriteRanker(BinaryWriter w, IRanker ranker)
    {
        var direction = ranker is RandomDirectionRanker rd ? rd.Direction : null;
        w.Write(direction is not null);
        if (direction is not null)
            WriteDoubles(w, direction);
    }

    static IRanker ReadRanker(BinaryReader r, IRanker template)
    {
        if (!r.ReadBoolean())
            return template;
        var direction = ReadDoubles(r);
        return template is RandomDirectionRanker
            ? new RandomDirectionRanker(direction)
            : throw new ArgumentException($"saved ranker has a direction, but the emitter ranks with {template.GetType().Name}");
    }

    static void WriteOptimizer(BinaryWriter w, IGradientOptimizer optimizer)
    {
        switch (optimizer)
        {
            case Adam a:
                w.Write((byte)1);
                WriteDoubles(w, a.FirstMoment);
                WriteDoubles(w, a.SecondMoment);
                w.Write(a.StepCount);
                break;
            case GradientAscent:
                w.Write((byte)0);
                break;
            default:
                throw new NotSupportedException($"Checkpoints cannot save optimizers of type {optimizer.GetType().Name}.");
        }
    }

    static IGradientOptimizer ReadOptimizer(BinaryReader r, IGradientOptimizer template)
    {
        byte kind = r.ReadByte();
        switch (kind, template)
        {
            case (1, Adam a):
                var m = ReadDoubles(r);
                var v = ReadDoubles(r);
                int t = r.ReadInt32();
                return Adam.Restore(a, m.Length == 0 ? null : m, v.Length == 0 ? null : v, t);
            case (0, GradientAscent):
                return template;
            default:
                throw new ArgumentException($"saved optimizer of kind {kind} does not fit a {template.GetType().Name}");
        }
    }

    internal static void WriteDoubles(BinaryWriter w, ReadOnlySpan<double> values)
    {
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    internal static double[] ReadDoubles(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > (r.BaseStream.Length - r.BaseStream.Position) / sizeof(double))
            throw new EndOfStreamException($"a saved vector claims {n} values");
        var values = new double[n];
        var bytes = r.ReadBytes(n * sizeof(double));
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
