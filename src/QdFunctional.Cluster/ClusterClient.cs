namespace QdFunctional.Cluster;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

/// <summary>
/// A connection to a cluster of workers: lists the live ones and reaches each one's evaluation
/// grain. Disposing it leaves the cluster.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable, IDisposable
{
    readonly IHost host;

    ClusterClient(IHost host, ClusterConnection connection)
    {
        this.host = host;
        Connection = connection;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Where the cluster's members meet.</summary>
    public ClusterConnection Connection { get; }

    /// <summary>The Orleans client.</summary>
    public IClusterClient Client { get; }

    /// <summary>The workers' refusals this client has reported (worker, address, reason): each is said once per run.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte> RefusalsSaid { get; } = new();

    /// <summary>
    /// Connects, retrying while no worker answers, for at most <paramref name="wait"/> (then the
    /// exception says so); <paramref name="responseTimeout"/> bounds every call.
    /// </summary>
    public static async Task<ClusterClient> Connect(ClusterConnection connection, TimeSpan wait, TimeSpan responseTimeout, TextWriter log)
    {
        var deadline = DateTime.UtcNow + wait;
        var said = false;
        while (true)
        {
            var builder = Host.CreateApplicationBuilder();
            Worker.Quiet(builder.Logging);
            builder.UseOrleansClient(client =>
            {
                connection.ConfigureClient(client);
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            });
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                return new ClusterClient(host, connection);
            }
            catch (Exception e)
            {
                // Nothing here cancels: a cancellation is Orleans giving up on the gateways.
                host.Dispose();
                if (DateTime.UtcNow >= deadline)
                    throw new QdFunctional.Core.Tasks.EvaluationUnavailableException(
                        $"cluster {connection}: no worker answered within {wait.TotalSeconds:0} s ({e.Message.Split('\n')[0]}); "
                            + ClusterJoinException.Hint(connection)
                    );
                if (!said)
                    log.WriteLine($"cluster {connection}: no worker answers yet; waiting up to {wait.TotalSeconds:0} s (--cluster-wait).");
                said = true;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>How long a question to the membership is retried while it fails.</summary>
    static readonly TimeSpan MembershipRetry = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Asks the cluster's management grain, retrying for up to <see cref="MembershipRetry"/> while the
    /// call fails: the grain lives on one worker, and when that worker was just killed, calls fail
    /// until the membership declares it dead (seconds) and the grain starts on another.
    /// </summary>
    async Task<T> AskMembership<T>(Func<IManagementGrain, Task<T>> question)
    {
        var deadline = DateTime.UtcNow + MembershipRetry;
        while (true)
        {
            try
            {
                return await question(Client.GetGrain<IManagementGrain>(0));
            }
            catch (OrleansException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>The workers the cluster's membership lists as active.</summary>
    public async Task<IReadOnlyList<string>> LiveWorkers()
    {
        var hosts = await AskMembership(m => m.GetHosts(onlyActive: true));
        var live = new List<string>(hosts.Count);
        foreach (var (silo, status) in hosts)
            if (status == SiloStatus.Active)
                live.Add(silo.ToParsableString());
        live.Sort(StringComparer.Ordinal);
        return live;
    }

    /// <summary>The evaluation grain of <paramref name="worker"/>.</summary>
    public IEvaluatorGrain Evaluator(string worker) => Client.GetGrain<IEvaluatorGrain>(worker);

    /// <summary>Every member the membership lists (joining, active, leaving and dead), with the active ones' own reports; sorted by address and generation.</summary>
    public async Task<IReadOnlyList<ClusterMember>> Members(TimeSpan timeout)
    {
        var entries = await AskMembership(m => m.GetDetailedHosts(onlyActive: false)).WaitAsync(timeout + MembershipRetry);
        var asked = entries
            .Where(e => e.Status == SiloStatus.Active)
            .ToDictionary(e => e.SiloAddress, e => Evaluator(e.SiloAddress.ToParsableString()).Status().WaitAsync(timeout));
        var members = new List<ClusterMember>(entries.Length);
        foreach (
            var e in entries.OrderBy(e => e.SiloAddress.Endpoint.ToString(), StringComparer.Ordinal).ThenBy(e => e.SiloAddress.Generation)
        )
        {
            WorkerStatus? status = null;
            if (asked.TryGetValue(e.SiloAddress, out var answer))
            {
                try
                {
                    status = await answer;
                }
                catch (Exception x) when (x is TimeoutException or OrleansException)
                {
                    // Listed as active but not answering: shown without its own report.
                }
            }
            members.Add(
                new ClusterMember
                {
                    Address = e.SiloAddress.Endpoint.ToString(),
                    Generation = e.SiloAddress.Generation,
                    State = e.Status switch
                    {
                        SiloStatus.Active => "active",
                        SiloStatus.Dead => "dead",
                        SiloStatus.ShuttingDown or SiloStatus.Stopping => "leaving",
                        _ => "joining",
                    },
                    LastHeartbeatUtc = e.IAmAliveTime,
                    Status = status,
                }
            );
        }
        return members;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
