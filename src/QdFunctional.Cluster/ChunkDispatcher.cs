namespace QdFunctional.Cluster;

using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Runtime;

/// <summary>
/// Spreads a batch's chunks over the live workers and gathers the replies back by chunk index,
/// so the result does not depend on which worker did what. Each worker takes one chunk at a time
/// from a shared queue (fast workers take more). A chunk goes back to the queue for the others
/// as soon as its worker is gone (<see cref="MembershipWatch"/>: declared dead, or its connection
/// down), its call fails, or it is not answered within the timeout (<see cref="ChunkTimeouts"/>:
/// a live but hung worker); that worker gets no more work from this client until a late reply
/// shows it was only slow, and a reply for a chunk already answered is discarded. With no worker
/// left it waits up to <see cref="ClusterRunOptions.Wait"/> for one to join, then gives up.
/// </summary>
public sealed class ChunkDispatcher(ClusterClient cluster, ClusterRunOptions options, TextWriter log)
{
    readonly ChunkTimeouts timeouts = new(options.ChunkTimeout);

    /// <summary>How often a waiting chunk looks up its timeout again.</summary>
    static readonly TimeSpan TimeoutSlice = TimeSpan.FromMilliseconds(250);
    readonly ConcurrentDictionary<string, DateTime> dropped = new();

    /// <summary>
    /// How long a worker that did not answer is left out. A dead one is declared so by the
    /// membership within seconds and is then not listed at all; a live one that was only slow
    /// (a loaded machine) comes back instead of being lost to the run for good.
    /// </summary>
    static readonly TimeSpan DropFor = TimeSpan.FromSeconds(10);
    readonly object logLock = new();

    /// <summary>Chunks sent again after their first worker failed.</summary>
    public int Resent { get; private set; }

    /// <summary>Late replies discarded because their chunk was answered already.</summary>
    public int DuplicatesDiscarded => duplicates;

    int duplicates;

    /// <summary>Stops sending to <paramref name="worker"/> for a while (it did not answer, <paramref name="why"/>), and says so.</summary>
    public void Drop(string worker, string why)
    {
        var until = DateTime.UtcNow + DropFor;
        if (dropped.TryAdd(worker, until))
            Say($"cluster: worker {worker} does not answer ({why}); leaving it out for {DropFor.TotalSeconds:0} s.");
        else
            dropped[worker] = until;
    }

    /// <summary>The live workers this client still sends to.</summary>
    public async Task<IReadOnlyList<string>> Workers()
    {
        var live = await cluster.LiveWorkers();
        var now = DateTime.UtcNow;
        return live.Where(w => !(dropped.TryGetValue(w, out var until) && until > now)).ToList();
    }

    /// <summary>The live workers, or none when the cluster cannot even be asked (its gateways are gone).</summary>
    public async Task<IReadOnlyList<string>> WorkersOrNone()
    {
        try
        {
            return await Workers().WaitAsync(options.CallTimeout);
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
        await using var watch = new MembershipWatch(cluster);
        while (Volatile.Read(ref answered) < requests.Count)
        {
            var workers = await WorkersOrWait();
            var loops = workers.Select(w => Task.Run(() => Serve(w))).ToArray();
            await Task.WhenAll(loops);
        }
        await ReportRefusals();
        return replies!;

        async Task Serve(string worker)
        {
            var grain = cluster.Evaluator(worker);
            var gone = watch.Gone(worker);
            try
            {
                while (queue.TryDequeue(out var chunk))
                {
                    var request = requests[chunk];
                    var clock = Stopwatch.StartNew();
                    var call = grain.Evaluate(request);
                    var (first, timeout) = await Wait(call, gone, request.Count, clock);
                    string? why = null;
                    if (first == gone)
                        why = gone.Result;
                    else if (first != call)
                        why = $"no answer within {timeout.TotalSeconds:0.#} s";
                    else if (!call.IsCompletedSuccessfully && call.Exception?.GetBaseException() is not ClusterRefusedException)
                        why = FirstLine(call.Exception?.GetBaseException().Message ?? "the call was cancelled");
                    if (why is not null)
                    {
                        Resend(worker, chunk, request, why, call, clock);
                        return;
                    }
                    var reply = await call;
                    timeouts.Observe(request.Count, clock.Elapsed);
                    if (reply.Refusal is not null)
                        throw new ClusterRefusedException(reply.Refusal);
                    if (Interlocked.CompareExchange(ref replies[chunk], reply, null) is null)
                        Interlocked.Increment(ref answered);
                    else
                        Interlocked.Increment(ref duplicates);
                }
            }
            finally
            {
                watch.Forget(worker);
            }
        }

        // Until the call ends, its worker is gone, or the timeout passes. The timeout is looked up
        // again every slice: a chunk sent before any was answered (at the start-up timeout) gets the
        // scaled one as soon as the other workers' answers measure it.
        async Task<(Task First, TimeSpan Timeout)> Wait(Task call, Task gone, int rows, Stopwatch clock)
        {
            while (true)
            {
                var timeout = timeouts.For(rows);
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                    return (Task.CompletedTask, timeout);
                var slice = Task.Delay(left < TimeoutSlice ? left : TimeoutSlice);
                var first = await Task.WhenAny(call, gone, slice);
                if (first != slice)
                    return (first, timeout);
            }
        }

        // The chunk goes back to the queue for the others, and this client sends the worker no more
        // (unless a late reply shows it was only slow).
        void Resend(string worker, int chunk, EvaluationRequest request, string why, Task<EvaluationReply> call, Stopwatch clock)
        {
            dropped[worker] = DateTime.MaxValue; // until a late reply shows it was only slow
            queue.Enqueue(chunk);
            lock (logLock)
                Resent++;
            Say(
                $"cluster: chunk {chunk} ({request.Count} rows) re-sent: worker {worker} failed ({why}; "
                    + $"{clock.Elapsed.TotalSeconds:0.0} s after it was sent)."
            );
            // A late reply from the dropped worker is a duplicate: noted, never used; the worker was
            // only slow, so it may have work again.
            _ = call.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        Interlocked.Increment(ref duplicates);
                        dropped.TryRemove(worker, out _);
                        Say($"cluster: discarded a late duplicate of chunk {chunk} from {worker}.");
                    }
                },
                TaskScheduler.Default
            );
        }
    }

    /// <summary>How often the run asks its workers which connections they refused.</summary>
    static readonly TimeSpan RefusalsPeriod = TimeSpan.FromSeconds(2);

    DateTime refusalsAsked = DateTime.MinValue;

    /// <summary>
    /// Says in the run's log, once each, the connections the workers refused (intruders connect to
    /// workers, never to the run), asking at most every <see cref="RefusalsPeriod"/>.
    /// </summary>
    async Task ReportRefusals()
    {
        if (DateTime.UtcNow - refusalsAsked < RefusalsPeriod)
            return;
        refusalsAsked = DateTime.UtcNow;
        foreach (var worker in await WorkersOrNone())
        {
            WorkerStatus status;
            try
            {
                status = await cluster.Evaluator(worker).Status().WaitAsync(RefusalsPeriod);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                continue;
            }
            // Once per worker, address and reason for the whole run (the count and last port change).
            foreach (var refusal in status.Refusals)
                if (cluster.RefusalsSaid.TryAdd($"{worker} {refusal.Address} {refusal.Why}", 0))
                    Say($"cluster: worker {worker} {refusal}");
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
