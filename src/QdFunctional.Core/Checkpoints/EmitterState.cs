namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Emitters;
using QdFunctional.Core.Emitters.Rankers;
using QdFunctional.Core.Optimizers;

/// <summary>
/// An emitter's state in a checkpoint: its kind's tag, then what the emitter itself writes
/// (<see cref="ICheckpointedEmitter"/>), read back into an emitter made afresh from the run's
/// configuration. With it a resumed CMA-ME or CMA-MEGA run continues exactly, as a MAP-Elites run
/// does. Also the shared formats of the strategies, rankers and optimizers emitters hold.
/// </summary>
public static class EmitterState
{
    /// <summary>The tags of the emitter kinds whose state a checkpoint holds (each kind returns its own).</summary>
    internal const byte Stateless = 0,
        Evolution = 1,
        Arborescence = 2,
        Hybrid = 3,
        AdamPopulation = 4,
        Bandit = 5;

    /// <summary>Writes the evolving state of <paramref name="emitter"/>: its tag, then what it writes.</summary>
    /// <exception cref="NotSupportedException">The emitter is mid-iteration or keeps no checkpointed state.</exception>
    public static void Write(BinaryWriter w, IEmitter emitter)
    {
        if (emitter is not ICheckpointedEmitter { CanCheckpoint: true } checkpointed)
            throw new NotSupportedException(
                $"Checkpoints cannot save emitters of type {emitter.GetType().Name} (mid-iteration or unknown)."
            );
        w.Write(checkpointed.StateKind);
        checkpointed.WriteState(w);
    }

    /// <summary>Reads a state written by <see cref="Write"/> into <paramref name="template"/>, an emitter made from the same config.</summary>
    /// <exception cref="ArgumentException">The saved state is for another kind or size of emitter.</exception>
    public static IEmitter Read(BinaryReader r, IEmitter template)
    {
        byte kind = r.ReadByte();
        return template is ICheckpointedEmitter checkpointed && checkpointed.StateKind == kind
            ? checkpointed.ReadState(r)
            : throw new ArgumentException($"saved emitter state of kind {kind} does not fit a {template.GetType().Name}");
    }

    internal static void WriteStrategy(BinaryWriter w, IEvolutionStrategy strategy)
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

    internal static IEvolutionStrategy ReadStrategy(BinaryReader r, IEvolutionStrategy template)
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

    internal static void WriteRanker(BinaryWriter w, IRanker ranker)
    {
        var direction = ranker is RandomDirectionRanker rd ? rd.Direction : null;
        w.Write(direction is not null);
        if (direction is not null)
            WriteDoubles(w, direction);
    }

    internal static IRanker ReadRanker(BinaryReader r, IRanker template)
    {
        if (!r.ReadBoolean())
            return template;
        var direction = ReadDoubles(r);
        return template is RandomDirectionRanker t
            ? new RandomDirectionRanker(direction, t.Stages)
            : throw new ArgumentException($"saved ranker has a direction, but the emitter ranks with {template.GetType().Name}");
    }

    internal static void WriteOptimizer(BinaryWriter w, IGradientOptimizer optimizer)
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

    internal static IGradientOptimizer ReadOptimizer(BinaryReader r, IGradientOptimizer template)
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
