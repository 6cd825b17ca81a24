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
/// a live but hung worker). A worker that timed out gets no more work from this client until a
/// late reply shows it was only slow (a reply for a chunk already answered is discarded); one that
/// failed is left out for <see cref="DropFor"/>, then tried again, since the failure may not be its
/// own. With no worker to send to it waits up to <see cref="ClusterRunOptions.Wait"/> for one to
/// join or answer again, then gives up.
/// </summary>
public sealed class ChunkDispatcher(ClusterClient cluster, ClusterRunOptions options, TextWriter log)
{
    readonly ChunkTimeouts timeouts = new(options.ChunkTimeout);

    /// <summary>How often a waiting chunk looks up its timeout again.</summary>
    static readonly TimeSpan TimeoutSlice = TimeSpan.FromMilliseconds(250);
    readonly ConcurrentDictionary<string, DateTime> dropped = new();

    /// <summary>
    /// How long a worker whose call failed (or that did not answer the task check) is left out
    /// before it is tried again. A failure need not be the worker's own: while a killed member is
    /// still listed (the membership declares it dead after seconds, after longer on a loaded
    /// machine), a call to a live worker fails too when Orleans looks that worker's grain up in the
    /// directory partition the killed member held ("Unable to connect to" the killed one). Left
    /// out for good, every live worker could be lost that way, and the run would wait
    /// <c>--cluster-wait</c> for workers it has; a dead one is no longer listed once declared so.
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

    /// <summary>The live workers this client still sends to, or none when the cluster cannot even be asked (its gateways are gone).</summary>
    public async Task<IReadOnlyList<string>> WorkersOrNone() => Usable(await ListedOrNone());

    /// <summary>The workers the membership lists as active, or none when it cannot be asked.</summary>
    async Task<IReadOnlyList<string>> ListedOrNone()
    {
        try
        {
            return await cluster.LiveWorkers().WaitAsync(options.CallTimeout);
        }
        catch (Exception e) when (e is not ClusterRefusedException)
        {
            return [];
        }
    }

    /// <summary>The workers of <paramref name="live"/> not left out now.</summary>
    IReadOnlyList<string> Usable(IReadOnlyList<string> live)
    {
        var now = DateTime.UtcNow;
        return live.Where(w => !(dropped.TryGetValue(w, out var until) && until > now)).ToList();
    }

    /// <summary>
    /// When the run first found no worker to send to, with no chunk answered since (ticks, UTC; 0:
    /// not waiting). Workers tried again after a failure that fail again do not restart the wait:
    /// without an answer the run stops after <see cref="ClusterRunOptions.Wait"/> all told.
    /// </summary>
    long waitingSince;

    /// <summary>Workers to use now, waiting (with one message) while there are none.</summary>
    async Task<IReadOnlyList<string>> WorkersOrWait()
    {
        var listed = await ListedOrNone();
        var workers = Usable(listed);
        if (workers.Count > 0)
            return workers;
        if (Volatile.Read(ref waitingSince) == 0)
        {
            Volatile.Write(ref waitingSince, DateTime.UtcNow.Ticks);
            Say(
                listed.Count == 0
                    ? $"cluster: no live worker; waiting up to {options.Wait.TotalSeconds:0} s for one to join (--cluster-wait)."
                    : $"cluster: no worker to send to: the {listed.Count} listed failed just now (each is tried again "
                        + $"{DropFor.TotalSeconds:0} s after its failure); waiting up to {options.Wait.TotalSeconds:0} s (--cluster-wait)."
            );
        }
        var deadline = new DateTime(Volatile.Read(ref waitingSince), DateTimeKind.Utc) + options.Wait;
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
                        Resend(worker, chunk, request, why, timedOut: first != gone && first != call, call, clock);
                        return;
                    }
                    var reply = await call;
                    timeouts.Observe(request.Count, clock.Elapsed);
                    if (reply.Refusal is not null)
                        throw new ClusterRefusedException(reply.Refusal);
                    Volatile.Write(ref waitingSince, 0);
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

        // The chunk goes back to the queue for the others. A worker that timed out gets no more work
        // until a late reply shows it was only slow; one that failed or is gone, none for DropFor
        // (a failure may be another member's, see DropFor; a dead worker is not listed by then).
        void Resend(
            string worker,
            int chunk,
            EvaluationRequest request,
            string why,
            bool timedOut,
            Task<EvaluationReply> call,
            Stopwatch clock
        )
        {
            dropped[worker] = timedOut ? DateTime.MaxValue : DateTime.UtcNow + DropFor;
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
