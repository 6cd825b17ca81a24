namespace QdFunctional.Cluster;

using System.Collections.Concurrent;

/// <summary>
/// Spreads a batch's chunks over the live workers and gathers the replies back by chunk index,
/// so the result does not depend on which worker did what. Each worker takes one chunk at a time
/// from a shared queue (fast workers take more). A chunk whose worker fails or does not answer
/// within the timeout goes back to the queue for the others, and that worker gets no more work
/// from this client; a reply for a chunk already answered is discarded. With no worker left it
/// waits up to <see cref="ClusterRunOptions.Wait"/> for one to join, then gives up.
/// </summary>
public sealed class ChunkDispatcher(ClusterClient cluster, ClusterRunOptions options, TextWriter log)
{
    readonly ConcurrentDictionary<string, string> dropped = new();
    readonly object logLock = new();

    /// <summary>Chunks sent again after their first worker failed.</summary>
    public int Resent { get; private set; }

    /// <summary>Late replies discarded because their chunk was answered already.</summary>
    public int DuplicatesDiscarded => duplicates;

    int duplicates;

    /// <summary>The live workers this client still sends to.</summary>
    public async Task<IReadOnlyList<string>> Workers()
    {
        var live = await cluster.LiveWorkers();
        return live.Where(w => !dropped.ContainsKey(w)).ToList();
    }

    /// <summary>The live workers, or none when the cluster cannot even be asked (its gateways are gone).</summary>
    public async Task<IReadOnlyList<string>> WorkersOrNone()
    {
        try
        {
            return await Workers().WaitAsync(options.ChunkTimeout);
        }
        catch (Exception e) when (e is not ClusterRefusedException)
        {
            return [];
        }
    }

    /// <summary>Workers to use now, waiting (with one message) while there are none.</summary>
    async Task<IReadOnlyList<string>> WorkersOrWait()
    {
        var workers = await WorkersOrNone();
        if (workers.Count > 0)
            return workers;
        Say($"cluster: no live worker; waiting up to {options.Wait.TotalSeconds:0} s for one to join (--cluster-wait).");
        var deadline = DateTime.UtcNow + options.Wait;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            workers = await WorkersOrNone();
            if (workers.Count > 0)
            {
                Say($"cluster: {workers.Count} worker(s) available again.");
                return workers;
            }
        }
        throw new QdFunctional.Core.Tasks.EvaluationUnavailableException(
            $"cluster {cluster.Connection}: no worker for {options.Wait.TotalSeconds:0} s (--cluster-wait); stopping."
        );
    }

    /// <summary>Answers every request (index i answers requests[i]); throws <see cref="ClusterRefusedException"/> on a refusal.</summary>
    public async Task<EvaluationReply[]> Run(IReadOnlyList<EvaluationRequest> requests)
    {
        var replies = new EvaluationReply?[requests.Count];
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, requests.Count));
        int answered = 0;
        while (Volatile.Read(ref answered) < requests.Count)
        {
            var workers = await WorkersOrWait();
            var loops = workers.Select(w => Task.Run(() => Serve(w))).ToArray();
            await Task.WhenAll(loops);
        }
        return replies!;

        async Task Serve(string worker)
        {
            var grain = cluster.Evaluator(worker);
            while (queue.TryDequeue(out var chunk))
            {
                var request = requests[chunk];
                var call = grain.Evaluate(request);
                EvaluationReply reply;
                try
                {
                    reply = await call.WaitAsync(options.ChunkTimeout);
                }
                catch (Exception e) when (e is not ClusterRefusedException)
                {
                    var why = e is TimeoutException ? $"no answer within {options.ChunkTimeout.TotalSeconds:0.#} s" : FirstLine(e.Message);
                    dropped.TryAdd(worker, why);
                    queue.Enqueue(chunk);
                    lock (logLock)
                        Resent++;
                    Say($"cluster: chunk {chunk} ({request.Count} rows) re-sent: worker {worker} failed ({why}).");
                    // A late reply from the dropped worker is a duplicate: noted, never used.
                    _ = call.ContinueWith(
                        t =>
                        {
                            if (t.IsCompletedSuccessfully)
                            {
                                Interlocked.Increment(ref duplicates);
                                Say($"cluster: discarded a late duplicate of chunk {chunk} from {worker}.");
                            }
                        },
                        TaskScheduler.Default
                    );
                    return;
                }
                if (reply.Refusal is not null)
                    throw new ClusterRefusedException(reply.Refusal);
                if (Interlocked.CompareExchange(ref replies[chunk], reply, null) is null)
                    Interlocked.Increment(ref answered);
                else
                    Interlocked.Increment(ref duplicates);
            }
        }
    }

    void Say(string line)
    {
        lock (logLock)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }

    static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return end < 0 ? message : message[..end].TrimEnd();
    }
}
