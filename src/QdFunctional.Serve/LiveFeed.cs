using System.Text.Json;
using Microsoft.AspNetCore.Http;
using QdFunctional.Core.Live;
using QdFunctional.Core.Metrics;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>
/// A run page's live updates as server-sent events: new metrics rows (<c>metrics</c>, as
/// <see cref="Columns"/>), a changed status (<c>status</c>), a new heatmap snapshot (<c>frames</c>), new
/// final results (<c>archive</c>), and <c>gone</c> when the run's directory disappears. The server looks
/// at the files' sizes and times a few times a second and reads only what was appended, so a page
/// never fetches a whole file again. The compare chart gets the new rows of several runs on one
/// stream (<see cref="StreamMany"/>).
/// </summary>
public sealed class LiveFeed
{
    /// <summary>How often the run's files are looked at.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>A comment line this often keeps proxies and browsers from closing a quiet stream.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private readonly RunReader reader;
    private readonly JsonSerializerOptions json;

    public LiveFeed(RunReader reader, JsonSerializerOptions json)
    {
        this.reader = reader;
        this.json = json;
    }

    /// <summary>
    /// Streams the events of run <paramref name="id"/> whose metrics the page has up to iteration
    /// <paramref name="after"/>, until the client goes or the server stops (<paramref name="stopping"/>:
    /// an open page must not hold up Ctrl+C).
    /// </summary>
    public async Task Stream(HttpContext context, string id, int after, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(ct);

        string? status = null;
        (long, DateTime)? archiveStamp = null,
            framesStamp = null;
        var follower = new MetricsFollower(reader, after);
        int ticks = 0;
        bool first = true;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var dir = reader.Confine.Resolve(id);
                if (dir is null)
                {
                    await Send(response, "gone", new { id }, ct);
                    return;
                }

                var summary = reader.Summary(dir);
                var line = JsonSerializer.Serialize(summary, json);
                if (line != status)
                {
                    status = line;
                    await SendRaw(response, "status", line, ct);
                }

                if (follower.Poll(dir, summary.Status) is { } rows)
                    await Send(response, "metrics", Columns.Of(rows), ct);

                var frames = StampOf(reader.Confine.File(dir, HeatmapSnapshots.FileName));
                if (frames != framesStamp)
                {
                    framesStamp = frames;
                    if (!first)
                        await Send(response, "frames", new { count = reader.Snapshots(dir).Length }, ct);
                }
                var archive = StampOf(reader.Confine.File(dir, RunReader.ArchiveFile));
                if (archive != archiveStamp)
                {
                    archiveStamp = archive;
                    if (!first)
                        await Send(response, "archive", new { }, ct);
                }

                first = false;
                await Beat(response, ++ticks, ct);
                await Task.Delay(Tick, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The client went away mid-write, or the run's folder vanished mid-read: the page reconnects.
        }
    }

    /// <summary>
    /// The compare chart's live updates: one stream for several runs (a browser keeps only six
    /// connections to one server, so a stream per run would stall a comparison of many). Each run's new
    /// rows past <c>after[i]</c> come as a <c>metrics</c> event <c>{ run, columns }</c>; a run whose
    /// directory is gone, or that never resolved, is skipped. Ends when the client goes or the server stops.
    /// </summary>
    public async Task StreamMany(HttpContext context, IReadOnlyList<(string Id, int After)> runs, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(ct);

        var followers = runs.Select(r => (r.Id, Follower: new MetricsFollower(reader, r.After))).ToArray();
        int ticks = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                foreach (var (id, follower) in followers)
                {
                    if (reader.Confine.Resolve(id) is not { } dir)
                        continue;
                    List<MetricsRow>? rows;
                    try
                    {
                        rows = follower.Poll(dir, reader.Summary(dir).Status);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or CorruptFileException)
                    {
                        continue; // this run's files are being replaced or are damaged: the others go on
                    }
                    if (rows is not null)
                        await Send(response, "metrics", new { run = id, columns = Columns.Of(rows) }, ct);
                }
                await Beat(response, ++ticks, ct);
                await Task.Delay(Tick, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The client went away mid-write: the page reconnects.
        }
    }

    /// <summary>A comment line every <see cref="Heartbeat"/>.</summary>
    private static async Task Beat(HttpResponse response, int ticks, CancellationToken ct)
    {
        if (ticks % (int)(Heartbeat / Tick) == 0)
        {
            await response.WriteAsync(": heartbeat\n\n", ct);
            await response.Body.FlushAsync(ct);
        }
    }

    /// <summary>
    /// One run's metrics rows as they are written: the checkpoint's <c>metrics.parquet</c> when it
    /// changed, then the live log's lines appended past it; only rows past the last one handed out.
    /// </summary>
    private sealed class MetricsFollower(RunReader reader, int after)
    {
        private (long, DateTime)? metricsStamp;
        private long liveOffset;

        /// <summary>The new rows (thinned for a chart), or null when there are none.</summary>
        public List<MetricsRow>? Poll(string dir, string status)
        {
            var parquet = reader.Confine.File(dir, RunReader.MetricsFile);
            var stamp = StampOf(parquet);
            var pending = new List<MetricsRow>();
            if (stamp != metricsStamp && status != RunStatus.Failed)
            {
                metricsStamp = stamp;
                foreach (var r in reader.Metrics(dir))
                    if (r.Iteration > after)
                        pending.Add(r);
            }
            if (reader.Confine.File(dir, MetricsLog.FileName) is { } log)
            {
                var lines = AppendedLines.After(log, ref liveOffset);
                if (lines is null)
                    liveOffset = 0; // replaced or truncated: read it from the start next time
                else
                {
                    var logged = new List<MetricsRow>();
                    MetricsLogReader.Add(logged, lines);
                    int top = pending.Count > 0 ? pending[^1].Iteration : after;
                    pending.AddRange(logged.Where(r => r.Iteration > top));
                }
            }
            if (pending.Count == 0)
                return null;
            after = pending[^1].Iteration;
            return [.. Curves.Thin([.. pending], Curves.DefaultPoints)];
        }
    }

    private static (long, DateTime)? StampOf(string? path)
    {
        if (path is null)
            return null;
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : null;
    }

    private Task Send(HttpResponse response, string name, object value, CancellationToken ct) =>
        SendRaw(response, name, JsonSerializer.Serialize(value, json), ct);

    private static async Task SendRaw(HttpResponse response, string name, string data, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: {data}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
