using System.Text.Json;
using QdFunctional.Core.Live;
using QdFunctional.Core.Metrics;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>
/// Reads run and pipeline directories without ever writing to them. Every file a run writes is
/// replaced atomically (or, for the live logs, only appended), so a read sees a whole old or a whole new
/// file; a file replaced or deleted between two reads is read again or reported, never a crash. Parsed
/// files are kept until they change (<see cref="Stamped{T}"/>).
/// </summary>
public sealed class RunReader
{
    public const string ConfigFile = "config.json";
    public const string PipelineFile = "pipeline.json";
    public const string MetricsFile = "metrics.parquet";
    public const string ArchiveFile = "archive.parquet";
    public const string CheckpointFile = "checkpoint.bin";

    private readonly Confine confine;
    private readonly Stamped<Dictionary<string, string>> configs = new(ReadConfig);
    private readonly Stamped<MetricsRow[]> metrics = new(MetricsParquet.Read);
    private readonly Stamped<MetricsRow[]> liveLogs = new(p => MetricsLogReader.ReadAll(p));
    private readonly Stamped<ArchiveView> archives = new(ArchiveView.Read);
    private readonly Stamped<HeatmapFrame[]> snapshots = new(ReadSnapshots);
    private readonly Stamped<TrajectoryPath> paths = new(Serve.Trajectories.Read);

    /// <summary>A reader of the runs under <paramref name="confine"/>'s root.</summary>
    public RunReader(Confine confine) => this.confine = confine;

    /// <summary>The confinement every path goes through.</summary>
    public Confine Confine => confine;

    /// <summary>config.json's top-level fields as text (nested values as compact JSON).</summary>
    private static Dictionary<string, string> ReadConfig(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        // A pipeline keeps its configuration under "Config".
        if (
            root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("Config", out var inner)
            && inner.ValueKind == JsonValueKind.Object
        )
            root = inner;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException($"{Path.GetFileName(path)} is not a JSON object");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
            fields[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString() ?? "",
                JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(p.Value), // compact, one line
                _ => p.Value.GetRawText(),
            };
        return fields;
    }

    private static HeatmapFrame[] ReadSnapshots(string path)
    {
        // Frames by iteration: the final checkpoint and the results write the same moment twice.
        var frames = new SortedDictionary<int, HeatmapFrame>();
        foreach (var line in AppendedLines.Complete(path))
            if (HeatmapSnapshots.Parse(line) is { } f)
                frames[f.Iteration] = f;
        return [.. frames.Values];
    }

    /// <summary>The configuration of a run or pipeline directory.</summary>
    public IReadOnlyDictionary<string, string> Config(string dir)
    {
        var path = confine.File(dir, ConfigFile) ?? confine.File(dir, PipelineFile);
        return path is null ? throw new FileNotFoundException($"no {ConfigFile}", Path.Combine(dir, ConfigFile)) : configs.Get(path);
    }

    /// <summary>
    /// Every metrics row on record, oldest first: <c>metrics.parquet</c> (every iteration up to the last
    /// checkpoint) followed by the live log's rows past it.
    /// </summary>
    /// <exception cref="CorruptFileException">metrics.parquet is damaged.</exception>
    public MetricsRow[] Metrics(string dir)
    {
        var parquet = confine.File(dir, MetricsFile) is { } p ? metrics.Get(p) : [];
        var live = confine.File(dir, MetricsLog.FileName) is { } l ? liveLogs.Get(l) : [];
        int after = parquet.Length > 0 ? parquet[^1].Iteration : int.MinValue;
        if (live.Length == 0 || live[^1].Iteration <= after)
            return parquet;
        var rows = new List<MetricsRow>(parquet.Length + live.Length);
        rows.AddRange(parquet);
        foreach (var r in live)
            if (r.Iteration > after)
                rows.Add(r);
        return [.. rows];
    }

    /// <summary>The archive's heatmap and best elites, from archive.parquet (written when a run ends or stops), or null when there is none yet.</summary>
    public ArchiveView? Archive(string dir) => confine.File(dir, ArchiveFile) is { } p ? archives.Get(p) : null;

    /// <summary>The heatmaps the run saved at its checkpoints, oldest first (empty when it saved none).</summary>
    public HeatmapFrame[] Snapshots(string dir) => confine.File(dir, HeatmapSnapshots.FileName) is { } p ? snapshots.Get(p) : [];

    /// <summary>The robot trajectories replayed from the run (see <see cref="Serve.Trajectories"/>), each with the error that kept it from being read, if any.</summary>
    public IEnumerable<(string Name, TrajectoryPath? Path, string? Error)> Trajectories(string dir)
    {
        foreach (var name in Serve.Trajectories.Files(dir))
        {
            if (confine.File(dir, name) is not { } file)
                continue;
            TrajectoryPath? path = null;
            string? error = null;
            try
            {
                path = paths.Get(file);
            }
            catch (Exception e) when (e is IOException or CorruptFileException)
            {
                error = e.Message;
            }
            yield return (name, path, error);
        }
    }

    /// <summary>The row of the runs page for a run or pipeline directory; a read error becomes status failed with its message.</summary>
    public RunSummary Summary(string dir)
    {
        var id = confine.Relative(dir);
        bool pipeline = confine.File(dir, ConfigFile) is null && confine.File(dir, PipelineFile) is not null;
        IReadOnlyDictionary<string, string> config = new Dictionary<string, string>();
        try
        {
            config = Config(dir);
            return pipeline ? PipelineSummary(dir, id, config) : RunSummaryOf(dir, id, config);
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or JsonException or CorruptFileException or FormatException)
        {
            return new RunSummary(id, pipeline ? "pipeline" : "run", RunStatus.Failed, e.Message, config, 0, null, null);
        }
    }

    /// <summary>
    /// The latest metrics row on record: the live log's last line when it is past metrics.parquet's last
    /// row. Reads the log's tail only, so a long run's summary costs the same at every moment.
    /// </summary>
    public MetricsRow? LastRow(string dir)
    {
        var parquet = confine.File(dir, MetricsFile) is { } p ? metrics.Get(p) : [];
        var last = parquet.Length > 0 ? parquet[^1] : null;
        if (
            confine.File(dir, MetricsLog.FileName) is { } l
            && AppendedLines.LastComplete(l) is { } line
            && MetricsLog.Parse(line) is { } live
        )
            if (last is null || live.Iteration > last.Iteration)
                last = live;
        return last;
    }

    private RunSummary RunSummaryOf(string dir, string id, IReadOnlyDictionary<string, string> config)
    {
        var last = LastRow(dir);
        int done = last?.Iteration ?? 0;
        int? total = config.TryGetValue("Iterations", out var t) && int.TryParse(t, out var n) ? n : null;
        string status;
        var held = RunStatus.LockHeld(dir);
        if (held == true)
            status = RunStatus.Running;
        else if (total is { } tt && done >= tt)
            status = RunStatus.Finished;
        else if (held is null && LiveLogFresh(dir))
            status = RunStatus.Running;
        else
            status = RunStatus.Stopped;
        return new RunSummary(id, "run", status, null, config, done, total, last);
    }

    private bool LiveLogFresh(string dir) =>
        confine.File(dir, MetricsLog.FileName) is { } p
        && (DateTime.UtcNow - File.GetLastWriteTimeUtc(p)).TotalSeconds < RunStatus.LiveLogFreshSeconds;

    private RunSummary PipelineSummary(string dir, string id, IReadOnlyDictionary<string, string> config)
    {
        var path = confine.File(dir, PipelineFile) ?? throw new FileNotFoundException($"no {PipelineFile}");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        int done = doc.RootElement.TryGetProperty("Finished", out var f) && f.ValueKind == JsonValueKind.Array ? f.GetArrayLength() : 0;
        // Each step of the sweep is two Adam runs and one MOME run.
        int? total = config.TryGetValue("Steps", out var s) && int.TryParse(s, out var steps) ? 3 * steps : null;
        string status =
            RunStatus.LockHeld(dir) == true ? RunStatus.Running
            : total is { } t && done >= t ? RunStatus.Finished
            : RunStatus.Stopped;
        return new RunSummary(id, "pipeline", status, null, config, done, total, null);
    }
}
