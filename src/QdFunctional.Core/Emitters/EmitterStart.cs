namespace QdFunctional.Core.Emitters;

using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;

/// <summary>
/// Where an emitter starts while the archive is empty: mutate copies of x0 (pyribs' default),
/// return a given initial population once, or draw uniformly within bounds (QDax's default).
/// </summary>
public abstract record EmitterStart
{
    EmitterStart() { }

    /// <summary>Parents are copies of x0; the emitter's own operator varies them.</summary>
    public sealed record FromPoint(double[] X0) : EmitterStart;

    /// <summary>These solutions are the first batch, unchanged.</summary>
    public sealed record FromSolutions(SolutionBatch Solutions) : EmitterStart;

    /// <summary>Uniform draws within the emitter's bounds, unchanged by the operator.</summary>
    public sealed record UniformInBounds : EmitterStart;

    /// <summary>The first batch (n × d), and whether the emitter should still apply its operator.</summary>
    internal (double[] Block, bool Vary) First(int dim, int n, EmitterBounds? bounds, Key key) =>
        this switch
        {
            FromPoint p when p.X0.Length == dim => (Variation.Repeat(p.X0, n), true),
            FromPoint p => throw new ArgumentException($"x0 has {p.X0.Length} values; solutions have dimension {dim}."),
            FromSolutions s when s.Solutions.Dim == dim => (s.Solutions.Values.ToArray(), false),
            FromSolutions s => throw new ArgumentException($"Initial solutions have dimension {s.Solutions.Dim}; expected {dim}."),
            UniformInBounds when bounds is not null => (bounds.SampleUniform(key, n), false),
            UniformInBounds => throw new ArgumentException("Starting uniformly within bounds needs bounds."),
            _ => throw new InvalidOperationException("Unknown start."),
        };

    /// <summary>How many solutions the first batch holds (a given population sets its own size).</summary>
    internal int FirstCount(int batchSize) => this is FromSolutions s ? s.Solutions.Count : batchSize;
}
