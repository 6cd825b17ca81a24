using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>
/// <c>qd serve</c>'s web server: Kestrel on one address, the page, and a small read-only JSON API over
/// the runs under one directory (<c>/api/runs</c>, <c>/api/run</c>, <c>/api/metrics</c>,
/// <c>/api/heatmap</c>, <c>/api/trajectories</c>, <c>/api/events</c>, <c>/api/compare-events</c>). A run is named by its path relative to that directory in
/// the <c>run</c> query parameter; one that does not resolve inside it is answered 404.
/// </summary>
public sealed class Dashboard : IAsyncDisposable
{
    private readonly WebApplication app;

    /// <summary>Most runs one compare stream follows (the page compares a handful).</summary>
    public const int MaxCompared = 64;

    private Dashboard(WebApplication app, Uri address, string? library)
    {
        this.app = app;
        Address = address;
        Library = library;
    }

    /// <summary>The address the server listens on, e.g. http://127.0.0.1:5170/.</summary>
    public Uri Address { get; }

    /// <summary>The charting library's folder, or null when set-up has not fetched it (the page then says so).</summary>
    public string? Library { get; }

    /// <summary>JSON of every answer: camelCase, NaN as "NaN" (an empty archive's objective is NaN).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The host names a browser on this machine uses for a loopback server.</summary>
    private static readonly HashSet<string> LocalNames = new(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]", "::1" };

    /// <summary>Starts serving <paramref name="root"/> on <paramref name="host"/>:<paramref name="port"/> (0: a free port).</summary>
    /// <exception cref="ArgumentException">The host is not an IP address, or the directory does not exist.</exception>
    public static async Task<Dashboard> StartAsync(string root, string host, int port)
    {
        if (!Directory.Exists(root))
            throw new ArgumentException($"{root} is not a directory (qd serve DIR)", nameof(root));
        if (!IPAddress.TryParse(host, out var ip))
            throw new ArgumentException($"--host {host} is not an IP address (127.0.0.1, 0.0.0.0, ::1, ...)", nameof(host));

        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions
            {
                // No configuration files are read and no folder is watched: the content root is the program's own.
                ContentRootPath = AppContext.BaseDirectory,
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
            }
        );
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(ip, port));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = Json.NumberHandling;
        });
        var app = builder.Build();

        var reader = new RunReader(new Confine(root));
        var feed = new LiveFeed(reader, Json);
        var library = WebAssets.FindLibrary();
        if (IPAddress.IsLoopback(ip))
            app.Use(
                async (context, next) =>
                {
                    // Bound to this machine only: a page elsewhere that points its own name at 127.0.0.1
                    // (DNS rebinding) would reach the runs through the visitor's browser; its Host header gives it away.
                    if (!LocalNames.Contains(context.Request.Host.Host))
                    {
                        context.Response.StatusCode = StatusCodes.Status400BadRequest;
                        return;
                    }
                    await next(context);
                }
            );
        Routes(app, reader, feed, library);
        await app.StartAsync();

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Kestrel reports 0.0.0.0 or [::] for "any"; a browser on this machine reaches that at loopback.
        var uri = new UriBuilder(bound);
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var a) && (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)))
            uri.Host = a.Equals(IPAddress.Any) ? "127.0.0.1" : "[::1]";
        return new Dashboard(app, new Uri(uri.Uri.GetLeftPart(UriPartial.Authority) + "/"), library);
    }

    private static void Routes(WebApplication app, RunReader reader, LiveFeed feed, string? library)
    {
        foreach (var name in new[] { "index.html", "app.js", "app.css" })
        {
            var bytes = WebAssets.Page(name) ?? throw new InvalidOperationException($"page file {name} is not embedded");
            var route = name == "index.html" ? "/" : "/" + name;
            app.MapGet(route, () => Results.Bytes(bytes, WebAssets.ContentType(name)));
        }
        foreach (var (name, type) in WebAssets.LibraryFiles)
            app.MapGet(
                "/vendor/" + name,
                () =>
                    library is null
                        ? Results.NotFound("the charting library is not installed: run tools/web-assets.sh (needs npm)")
                        : Results.File(Path.Combine(library, name), type + "; charset=utf-8")
            );

        // Browsers ask for an icon; there is none, and a 404 would read as an error in the console.
        app.MapGet("/favicon.ico", () => Results.NoContent());

        app.MapGet("/api/runs", () => Results.Json(RunCatalog.Find(reader.Confine).Select(reader.Summary).ToArray(), Json));

        app.MapGet(
            "/api/run",
            (string? run) =>
                Guarded(
                    reader,
                    run,
                    dir =>
                    {
                        var summary = reader.Summary(dir);
                        ArchiveView? archive = null;
                        string? archiveError = null;
                        try
                        {
                            archive = reader.Archive(dir);
                        }
                        catch (Exception e) when (e is IOException or CorruptFileException)
                        {
                            archiveError = e.Message;
                        }
                        var frames = reader
                            .Snapshots(dir)
                            .Select(f => new
                            {
                                f.Iteration,
                                f.Evaluations,
                                f.Elites,
                            })
                            .ToArray();
                        return Results.Json(
                            new
                            {
                                summary,
                                archive = archive is null
                                    ? null
                                    : new
                                    {
                                        archive.Kind,
                                        archive.Elites,
                                        archive.ObjectiveCount,
                                        archive.MeasureDim,
                                        archive.Best,
                                    },
                                archiveError,
                                frames,
                                library = library is not null,
                            },
                            Json
                        );
                    }
                )
        );

        app.MapGet(
            "/api/metrics",
            (string? run, int? points) =>
                Guarded(
                    reader,
                    run,
                    dir => Results.Json(Columns.Of(Curves.Thin(reader.Metrics(dir), points ?? Curves.DefaultPoints)), Json)
                )
        );

        app.MapGet(
            "/api/trajectories",
            (string? run) =>
                Guarded(
                    reader,
                    run,
                    dir =>
                        Results.Json(
                            reader
                                .Trajectories(dir)
                                .Select(t => new
                                {
                                    name = t.Name,
                                    x = t.Path?.X,
                                    y = t.Path?.Y,
                                    error = t.Error,
                                })
                                .ToArray(),
                            Json
                        )
                )
        );

        // frame=K: the K-th checkpoint's snapshot; no frame: the archive now (archive.parquet once a run has
        // stopped or finished, its latest snapshot while it runs).
        app.MapGet(
            "/api/heatmap",
            (string? run, int? frame) =>
                Guarded(
                    reader,
                    run,
                    dir =>
                    {
                        var frames = reader.Snapshots(dir);
                        if (frame is { } k)
                            return k >= 0 && k < frames.Length ? Results.Json(frames[k], Json) : Results.NotFound();
                        // The run's own picture of its last moment when it saved one (a MOME run's shows
                        // front hypervolumes, which need the task's reference point); else the archive's.
                        var summary = reader.Summary(dir);
                        if (frames.Length > 0 && frames[^1].Iteration >= summary.Done)
                            return Results.Json(frames[^1], Json);
                        if (summary.Status != RunStatus.Running && reader.Archive(dir) is { } a)
                            return Results.Json(
                                a.Heatmap with
                                {
                                    Iteration = summary.Done,
                                    Evaluations = summary.Last?.Evaluations ?? 0,
                                },
                                Json
                            );
                        // No heatmap yet (before the first checkpoint) is not an error: 204.
                        return frames.Length > 0 ? Results.Json(frames[^1], Json) : Results.NoContent();
                    }
                )
        );

        // The compare chart's live rows: run=A&after=N&run=B&after=M... (each run with the last iteration
        // the page has); 404 when any run does not resolve inside the served directory.
        app.MapGet(
            "/api/compare-events",
            async (HttpContext context) =>
            {
                var ids = context.Request.Query["run"];
                var afters = context.Request.Query["after"];
                var runs = new List<(string, int)>();
                for (int i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    if (id is null || reader.Confine.Resolve(id) is null)
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return;
                    }
                    int after = i < afters.Count && int.TryParse(afters[i], out var a) ? a : int.MinValue;
                    runs.Add((id, after));
                }
                if (runs.Count == 0 || runs.Count > MaxCompared)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                await feed.StreamMany(context, runs, app.Lifetime.ApplicationStopping);
            }
        );

        app.MapGet(
            "/api/events",
            async (HttpContext context, string? run, int? after) =>
            {
                if (run is null || reader.Confine.Resolve(run) is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await feed.Stream(context, run, after ?? int.MinValue, app.Lifetime.ApplicationStopping);
            }
        );
    }

    /// <summary>Runs <paramref name="answer"/> on the run's directory: 404 when the name does not resolve inside the served directory, 422 with the message when its files cannot be read.</summary>
    private static IResult Guarded(RunReader reader, string? run, Func<string, IResult> answer)
    {
        var dir = run is null ? null : reader.Confine.Resolve(run);
        if (dir is null || (reader.Confine.File(dir, RunReader.ConfigFile) ?? reader.Confine.File(dir, RunReader.PipelineFile)) is null)
            return Results.NotFound();
        try
        {
            return answer(dir);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Results.NotFound(); // deleted while we read it
        }
        catch (Exception e) when (e is IOException or CorruptFileException or JsonException or UnauthorizedAccessException)
        {
            return Results.Json(new { error = e.Message }, Json, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>Serves until <paramref name="stop"/> fires.</summary>
    public async Task RunUntil(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops the server and lets open event streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
