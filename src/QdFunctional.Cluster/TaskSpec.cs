namespace QdFunctional.Cluster;

/// <summary>
/// How a worker builds a task besides its name: the solution dimension, where gradients come
/// from (<c>engine</c> builds it in the differentiable engine) and the engine's precision.
/// </summary>
[GenerateSerializer, Immutable, Alias("QdFunctional.Cluster.TaskSpec")]
public sealed record TaskSpec
{
    /// <summary>d: numbers per solution.</summary>
    [Id(0)]
    public int Dim { get; init; }

    /// <summary>The run's gradient source (analytic, engine or es).</summary>
    [Id(1)]
    public string Gradients { get; init; } = "analytic";

    /// <summary>The engine's precision with <c>engine</c> gradients.</summary>
    [Id(2)]
    public string Dtype { get; init; } = "float64";
}
