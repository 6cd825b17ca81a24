namespace QdFunctional.Cluster;

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

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

    /// <summary>Runs a worker until the process is stopped; prints one line when it has joined.</summary>
    public static async Task Run(ClusterConnection connection, int port, IPAddress host, WorkerTasks tasks, CancellationToken cancel)
    {
        using var worker = Build(connection, port, host, tasks);
        await worker.StartAsync(cancel);
        var self = worker.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        Console.Out.WriteLine($"qd worker {self} (qd {ClusterVersion.Current}) joined {connection}; evaluating.");
        Console.Out.Flush();
        await worker.WaitForShutdownAsync(cancel);
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
