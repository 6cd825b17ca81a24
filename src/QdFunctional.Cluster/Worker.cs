namespace QdFunctional.Cluster;

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

/// <summary>
/// <c>qd worker</c>: an Orleans silo that hosts the evaluation grain, until stopped (Ctrl-C or
/// SIGTERM leave the cluster cleanly; a killed worker is noticed by the others and the client).
/// </summary>
public static class Worker
{
    /// <summary>The worker's host, not yet started: silo port <paramref name="port"/>, gateway port + 1.</summary>
    public static IHost Build(ClusterConnection connection, int port, IPAddress host, WorkerTasks tasks)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.UseOrleans(silo =>
        {
            connection.ConfigureSilo(silo, port, host);
            silo.Services.AddSingleton(tasks);
            silo.Services.AddSingleton(new WorkerCounters());
            silo.Services.AddPlacementDirector<SiloTargetedPlacement, SiloTargetedPlacementDirector>();
        });
        return builder.Build();
    }

    /// <summary>How long a started silo may take to become an active member that answers its own evaluation grain.</summary>
    static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs a worker until the process is stopped. Its ports are checked first (a taken one is a
    /// <see cref="WorkerPortInUseException"/>; port 0 picks free ones and says which), and the
    /// "joined" line comes only once the membership lists it as active and its evaluation grain
    /// answers through the cluster's placement: a worker that says it evaluates, does.
    /// </summary>
    public static async Task Run(ClusterConnection connection, int port, IPAddress host, WorkerTasks tasks, CancellationToken cancel)
    {
        var listen = connection.ListenAddress(host);
        if (port == 0)
        {
            port = WorkerPorts.PickFree(listen);
            Console.Out.WriteLine($"qd worker: --port 0: silo port {port}, gateway port {port + 1}.");
        }
        WorkerPorts.EnsureFree(listen, port);
        using var worker = Build(connection, port, host, tasks);
        try
        {
            await worker.StartAsync(cancel);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            throw new ClusterJoinException(
                $"worker on port {port} did not join {connection} ({e.Message.Split('\n')[0]}); {ClusterJoinException.Hint(connection)}",
                e
            );
        }
        var self = worker.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        await AwaitActive(worker.Services, self, cancel);
        var transport = connection.Credentials is { } c ? $" over mutual TLS as {c.ClusterId}" : "";
        Console.Out.WriteLine(
            $"qd worker {self.ToParsableString()} (qd {ClusterVersion.Current}) joined {connection}{transport}; evaluating."
        );
        Console.Out.Flush();
        await worker.WaitForShutdownAsync(cancel);
    }

    /// <summary>Waits until <paramref name="self"/> is active in the membership and its evaluation grain answers a status question.</summary>
    static async Task AwaitActive(IServiceProvider services, SiloAddress self, CancellationToken cancel)
    {
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var deadline = DateTime.UtcNow + JoinTimeout;
        while (membership.CurrentSnapshot.GetSiloStatus(self) != SiloStatus.Active)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"qd worker {self.ToParsableString()}: not an active member {JoinTimeout.TotalSeconds:0} s after starting "
                        + $"(membership says {membership.CurrentSnapshot.GetSiloStatus(self)})."
                );
            await Task.Delay(100, cancel);
        }
        var grain = services.GetRequiredService<IGrainFactory>().GetGrain<IEvaluatorGrain>(self.ToParsableString());
        await grain.Status().WaitAsync(deadline - DateTime.UtcNow, cancel);
    }

    /// <summary>Orleans' own log on standard error, warnings and worse: a worker's standard output is its status lines.</summary>
    internal static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("QdFunctional", LogLevel.Information);
        // Start-up advice about server GC and a watchdog that misreads a busy two-core machine.
        logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
    }
}
