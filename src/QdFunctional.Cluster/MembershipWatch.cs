namespace QdFunctional.Cluster;

using System.Collections.Concurrent;
using Orleans.Runtime;

/// <summary>
/// Notices, while a batch is out, that a worker holding chunks is gone, so its chunks are re-sent
/// at once instead of after a timeout. Twice a second it reads the membership (a worker declared
/// dead, shutting down or no longer listed is gone) and asks each busy worker for its status: a
/// question that fails (not one that is slow) means the worker's connection is down, which the
/// cluster learns before its membership votes. A slow answer proves nothing (a busy or hung
/// worker): that is <see cref="ChunkTimeouts"/>' case.
/// </summary>
public sealed class MembershipWatch : IAsyncDisposable
{
    /// <summary>How often the membership is read and busy workers are asked.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    readonly ClusterClient cluster;
    readonly ConcurrentDictionary<string, TaskCompletionSource<string>> watched = new();
    readonly ConcurrentDictionary<string, Task> asking = new();
    readonly CancellationTokenSource stop = new();
    readonly Task loop;

    /// <summary>Starts watching (nothing is asked until a worker is watched).</summary>
    public MembershipWatch(ClusterClient cluster)
    {
        this.cluster = cluster;
        loop = Task.Run(Loop);
    }

    /// <summary>Completes, with why, once <paramref name="worker"/> is known to be gone.</summary>
    public Task<string> Gone(string worker) =>
        watched.GetOrAdd(worker, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>
    /// Stops watching <paramref name="worker"/> (it holds no chunk any more). A later
    /// <see cref="Gone"/> starts afresh: a worker tried again after a failure (see
    /// <see cref="ChunkDispatcher"/>) is not taken for gone on an old answer, since a live worker's
    /// status question fails too while another member is dead but not yet declared so.
    /// </summary>
    public void Forget(string worker) => watched.TryRemove(worker, out _);

    async Task Loop()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Period, stop.Token);
                var busy = watched.Where(w => !w.Value.Task.IsCompleted).Select(w => w.Key).ToList();
                if (busy.Count == 0)
                    continue;
                await ReadMembership(busy);
                foreach (var worker in busy)
                    if (!asking.ContainsKey(worker))
                        asking[worker] = Ask(worker);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The batch is answered: stop watching, whatever was in flight.
        }
    }

    /// <summary>Marks the busy workers the membership no longer lists as active.</summary>
    async Task ReadMembership(IReadOnlyList<string> busy)
    {
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).WaitAsync(Period * 4, stop.Token);
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            return; // the membership cannot be read now: the pings and the timeout still watch
        }
        var status = hosts.ToDictionary(h => h.Key.ToParsableString(), h => h.Value);
        foreach (var worker in busy)
        {
            var why = status.TryGetValue(worker, out var s)
                ? s switch
                {
                    SiloStatus.Dead => "the membership declares it dead",
                    SiloStatus.ShuttingDown or SiloStatus.Stopping => "it is leaving the cluster",
                    _ => null,
                }
                : "the membership no longer lists it";
            if (why is not null)
                MarkGone(worker, why);
        }
    }

    /// <summary>Asks one worker for its status; a failure (its connection is down) marks it gone.</summary>
    async Task Ask(string worker)
    {
        try
        {
            await cluster.Evaluator(worker).Status().WaitAsync(Period * 4, stop.Token);
        }
        catch (TimeoutException)
        {
            // Slow is not gone: a busy or hung worker is the chunk timeout's case.
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The batch is answered; the answer no longer matters.
        }
        catch (Exception e)
        {
            MarkGone(worker, $"its connection is down: {FirstLine(e.Message)}");
        }
        finally
        {
            asking.TryRemove(worker, out _);
        }
    }

    void MarkGone(string worker, string why)
    {
        if (watched.TryGetValue(worker, out var gone))
            gone.TrySetResult(why);
    }

    static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return end < 0 ? message : message[..end].TrimEnd();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await loop;
        stop.Dispose();
    }
}
