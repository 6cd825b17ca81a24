namespace QdFunctional.Diff;

/// <summary>Placeholder: the differentiable engine's tensor (issue 3).</summary>
public sealed class Tensor { }
