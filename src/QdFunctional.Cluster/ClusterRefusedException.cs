namespace QdFunctional.Cluster;

/// <summary>A worker refused the run's work (unknown task, another build): one line, also in the worker's log.</summary>
public sealed class ClusterRefusedException(string message) : ArgumentException(message);
