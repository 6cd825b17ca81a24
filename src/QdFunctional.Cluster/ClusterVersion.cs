namespace QdFunctional.Cluster;

using System.Reflection;

/// <summary>
/// The build a client and its workers must share: evaluation must be the same function on both
/// sides for a distributed run to equal a local one, so a worker of another build refuses work.
/// </summary>
public static class ClusterVersion
{
    /// <summary>This build's informational version (version and source revision when known).</summary>
    public static string Current { get; } =
        typeof(ClusterVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ClusterVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
