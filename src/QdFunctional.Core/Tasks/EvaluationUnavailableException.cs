namespace QdFunctional.Core.Tasks;

/// <summary>
/// Thrown by a task whose evaluations happen elsewhere (a cluster of workers) when nobody is
/// left to evaluate and waiting did not help: the run stops after its checkpoint, resumable.
/// </summary>
public sealed class EvaluationUnavailableException(string message) : Exception(message);
