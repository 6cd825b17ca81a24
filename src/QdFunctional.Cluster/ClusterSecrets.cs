namespace QdFunctional.Cluster;

/// <summary>
/// Membership-store passwords stay off the command line, where <c>ps</c> shows them to every user
/// of the machine: a password written in <c>--cluster</c> is refused, and one in the
/// <see cref="Variable"/> environment variable is added to the connection instead.
/// </summary>
public static class ClusterSecrets
{
    /// <summary>The environment variable holding the PostgreSQL or Redis password.</summary>
    public const string Variable = "QD_CLUSTER_PASSWORD";

    /// <summary>The PostgreSQL connection string with the password from the environment; refuses one given in it.</summary>
    public static string Postgres(string connectionString)
    {
        Npgsql.NpgsqlConnectionStringBuilder b;
        try
        {
            b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"cluster postgres:...: unreadable connection string ({e.Message.Split('\n')[0]}).", "cluster");
        }
        if (!string.IsNullOrEmpty(b.Password))
            throw Refused("postgres", "Password=");
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } password)
            b.Password = password;
        return b.ConnectionString;
    }

    /// <summary>The Redis configuration with the password from the environment; refuses one given in it.</summary>
    public static string Redis(string configuration)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(configuration);
        if (!string.IsNullOrEmpty(options.Password))
            throw Refused("redis", "password=");
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } password)
            options.Password = password;
        return options.ToString(includePassword: true);
    }

    /// <summary>The Redis configuration as logs may show it.</summary>
    public static string RedisForLog(string configuration) =>
        StackExchange.Redis.ConfigurationOptions.Parse(configuration).ToString(includePassword: false);

    static ArgumentException Refused(string store, string keyword) =>
        new(
            $"cluster {store}:...: a {keyword} on the command line shows in `ps` to every user of the machine; "
                + $"leave it out and export {Variable} instead.",
            "cluster"
        );
}
