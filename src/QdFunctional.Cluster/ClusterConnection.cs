namespace QdFunctional.Cluster;

using System.Data.Common;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

/// <summary>
/// Where a cluster's members find each other, as <c>--cluster CONNECTION</c> spells it:
/// <list type="bullet">
/// <item><c>localhost[:PORT]</c>: one machine, no server (Orleans' development clustering). PORT
/// (default 11111) is the silo port of the first worker, which the others and clients find;
/// every worker's gateway port is its silo port + 1, so give workers ports two apart.</item>
/// <item><c>postgres:CONNECTION-STRING</c>: membership in PostgreSQL tables (ADO.NET clustering
/// with Npgsql; <c>qd cluster setup</c> creates them), for clusters of several machines.</item>
/// <item><c>redis:CONFIGURATION</c>: membership in Redis (a StackExchange.Redis configuration
/// such as <c>127.0.0.1:6379</c>).</item>
/// </list>
/// </summary>
public sealed record ClusterConnection(ClusterConnection.Kind Store, string Target, int PrimaryPort)
{
    /// <summary>The membership store.</summary>
    public enum Kind
    {
        /// <summary>Orleans' development clustering on one machine.</summary>
        Localhost,

        /// <summary>ADO.NET clustering over PostgreSQL.</summary>
        Postgres,

        /// <summary>Redis clustering.</summary>
        Redis,
    }

    /// <summary>The cluster and service id of a plain (loopback) cluster.</summary>
    public const string PlainClusterId = "qd";

    /// <summary>The credentials every member presents and requires (mutual TLS), or null for a plain loopback cluster.</summary>
    public ClusterCredentials? Credentials { get; init; }

    /// <summary>The cluster and service id: derived from the credentials' authority, so clusters sharing a store stay apart.</summary>
    public string ClusterId => Credentials?.ClusterId ?? PlainClusterId;

    /// <summary>
    /// This connection with <paramref name="credentials"/>; without them only a loopback cluster is
    /// allowed (a membership store means several machines, where plain TCP would let anyone join).
    /// </summary>
    public ClusterConnection With(ClusterCredentials? credentials) => With(credentials, IPAddress.Loopback);

    /// <summary>
    /// As <see cref="With(ClusterCredentials?)"/> for a worker advertised at <paramref name="host"/>:
    /// one that other machines are to reach needs credentials too.
    /// </summary>
    public ClusterConnection With(ClusterCredentials? credentials, IPAddress host)
    {
        if (credentials is null && (Store != Kind.Localhost || !IPAddress.IsLoopback(host)))
            throw new ArgumentException(
                $"cluster {this}: a cluster of several machines needs credentials (mutual TLS): run `qd cluster init DIR` once, "
                    + $"copy DIR to every machine (owner-only) and give --cluster-cert DIR (or {ClusterCredentials.Variable}=DIR) "
                    + "to every qd worker and qd run.",
                "cluster-cert"
            );
        return this with { Credentials = credentials };
    }

    /// <summary>The Npgsql invariant name ADO.NET clustering is told.</summary>
    const string NpgsqlInvariant = "Npgsql";

    /// <summary>The default silo port (Orleans').</summary>
    public const int DefaultPort = 11111;

    /// <summary>Parses a connection; the message of the exception says which forms exist.</summary>
    public static ClusterConnection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "localhost")
            return new(Kind.Localhost, "", DefaultPort);
        if (text.StartsWith("localhost:", StringComparison.Ordinal))
        {
            if (!int.TryParse(text.AsSpan("localhost:".Length), out var port) || port < 1 || port > 65534)
                throw new ArgumentException($"cluster '{text}': the port after localhost: must be a number from 1 to 65534.", "cluster");
            return new(Kind.Localhost, "", port);
        }
        if (text.StartsWith("postgres:", StringComparison.Ordinal) && text.Length > "postgres:".Length)
            return new(Kind.Postgres, ClusterSecrets.Postgres(text["postgres:".Length..]), DefaultPort);
        if (text.StartsWith("redis:", StringComparison.Ordinal) && text.Length > "redis:".Length)
            return new(Kind.Redis, ClusterSecrets.Redis(text["redis:".Length..]), DefaultPort);
        throw new ArgumentException(
            $"cluster '{text}': expected localhost[:PORT], postgres:CONNECTION-STRING or redis:CONFIGURATION.",
            "cluster"
        );
    }

    /// <summary>Makes a silo a member: its silo port <paramref name="port"/>, gateway port + 1, advertised at <paramref name="host"/>.</summary>
    public void ConfigureSilo(ISiloBuilder silo, int port, IPAddress host)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ClusterId;
        });
        if (Credentials is not null)
            ClusterTls.Configure(silo, Credentials);
        switch (Store)
        {
            case Kind.Localhost:
                silo.UseLocalhostClustering(port, port + 1, new IPEndPoint(IPAddress.Loopback, PrimaryPort), ClusterId, ClusterId);
                break;
            case Kind.Postgres:
                RegisterNpgsql();
                silo.ConfigureEndpoints(host, port, port + 1, listenOnAnyHostAddress: !IPAddress.IsLoopback(host));
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = Target;
                });
                break;
            case Kind.Redis:
                silo.ConfigureEndpoints(host, port, port + 1, listenOnAnyHostAddress: !IPAddress.IsLoopback(host));
                silo.UseRedisClustering(Target);
                break;
        }
    }

    /// <summary>
    /// The address a worker advertised at <paramref name="host"/> listens on: loopback on one
    /// machine, every address of the machine when other machines must reach it.
    /// </summary>
    public IPAddress ListenAddress(IPAddress host) =>
        Store == Kind.Localhost ? IPAddress.Loopback
        : IPAddress.IsLoopback(host) ? host
        : IPAddress.Any;

    /// <summary>Makes a client a member.</summary>
    public void ConfigureClient(IClientBuilder client)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = ClusterId;
        });
        if (Credentials is not null)
            ClusterTls.Configure(client, Credentials);
        switch (Store)
        {
            case Kind.Localhost:
                client.UseLocalhostClustering(PrimaryPort + 1, ClusterId, ClusterId);
                break;
            case Kind.Postgres:
                RegisterNpgsql();
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = Target;
                });
                break;
            case Kind.Redis:
                client.UseRedisClustering(Target);
                break;
        }
    }

    /// <summary>ADO.NET clustering looks its provider up by invariant name; .NET has no machine-wide registry.</summary>
    static void RegisterNpgsql() => DbProviderFactories.RegisterFactory(NpgsqlInvariant, Npgsql.NpgsqlFactory.Instance);

    /// <summary>The connection as typed, with a PostgreSQL password hidden (for logs).</summary>
    public override string ToString() =>
        Store switch
        {
            Kind.Localhost => $"localhost:{PrimaryPort}",
            Kind.Postgres => "postgres:" + HidePassword(Target),
            _ => "redis:" + ClusterSecrets.RedisForLog(Target),
        };

    static string HidePassword(string connectionString)
    {
        try
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(b.Password))
                b.Password = "***";
            return b.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
