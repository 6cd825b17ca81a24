namespace QdFunctional.Cluster;

/// <summary>A worker could not join its cluster: one line that says which cluster and the likely cause.</summary>
public sealed class ClusterJoinException(string message, Exception inner) : IOException(message, inner)
{
    /// <summary>What most often keeps a member out: credentials that do not match the cluster's.</summary>
    public static string Hint(ClusterConnection connection) =>
        connection.Credentials is null
            ? "if the cluster uses credentials, it refuses members without them: give --cluster-cert DIR."
            : $"check that the cluster is up and uses these credentials (cluster id {connection.ClusterId}); a cluster refuses members of another.";
}
