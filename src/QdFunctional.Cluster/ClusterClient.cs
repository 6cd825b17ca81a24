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
            catch (Exception e) when (e is not OperationCanceledException)
            {
                host.Dispose();
                if (DateTime.UtcNow >= deadline)
                    throw new QdFunctional.Core.Tasks.EvaluationUnavailableException(
                        $"cluster {connection}: no worker answered within {wait.TotalSeconds:0} s ({e.Message.Split('\n')[0]})."
                    );
                if (!said)
                    log.WriteLine($"cluster {connection}: no worker answers yet; waiting up to {wait.TotalSeconds:0} s (--cluster-wait).");
                said = true;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>The workers the cluster's membership lists as active.</summary>
    public async Task<IReadOnlyList<string>> LiveWorkers()
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var live = new List<string>(hosts.Count);
        foreach (var (silo, status) in hosts)
            if (status == SiloStatus.Active)
                live.Add(silo.ToParsableString());
        live.Sort(StringComparer.Ordinal);
        return live;
    }

    /// <summary>The evaluation grain of <paramref name="worker"/>.</summary>
    public IEvaluatorGrain Evaluator(string worker) => Client.GetGrain<IEvaluatorGrain>(worker);

    /// <summary>Each live worker's status (workers that do not answer are left out).</summary>
    public async Task<IReadOnlyList<WorkerStatus>> Status(TimeSpan timeout)
    {
        var workers = await LiveWorkers();
        var asked = workers.Select(w => Evaluator(w).Status().WaitAsync(timeout)).ToArray();
        var answers = new List<WorkerStatus>();
        foreach (var a in asked)
        {
            try
            {
                answers.Add(await a);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // A worker that went away between the listing and the question.
            }
        }
        return answers;
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
