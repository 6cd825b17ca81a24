using System.Globalization;
using QdFunctional.Core.Metrics;

namespace QdFunctional.Core.Live;

/// <summary>
/// The live metrics log <c>metrics.live.csv</c> of a run directory: a few rows per second appended while
/// the run goes, so a dashboard can draw curves between checkpoints (<c>metrics.parquet</c> is rewritten
/// only at checkpoints). Append-only text, so a reader takes the complete lines and ignores a half-written
/// last one; it is never part of a run's results.
/// </summary>
public static class MetricsLog
{
    /// <summary>File name inside a run directory.</summary>
    public const string FileName = "metrics.live.csv";

    /// <summary>
    /// The first line: the column names of <c>metrics.parquet</c>, in the same order, the optional
    /// ones included (NaN where a run has no such figure).
    /// </summary>
    public const string Header =
        "iteration,evaluations,num_elites,coverage,qd_score,norm_qd_score,best_objective,mean_objective,elapsed_seconds,global_hypervolume,mean_novelty";

    /// <summary>Fields of a line written before the optional columns existed (a run resumed by a newer build keeps its old header).</summary>
    private const int OldFieldCount = 9;

    /// <summary>Fields of a line now.</summary>
    private const int FieldCount = 11;

    /// <summary>Appends one row (the header first when the file is new); open, write and close, so no handle outlives the call.</summary>
    public static void Append(string dir, MetricsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var path = Path.Combine(dir, FileName);
        var line = Format(row) + "\n";
        if (File.Exists(path) && Checked.TryAdd(Path.GetFullPath(path), 0))
            Upgrade(path);
        File.AppendAllText(path, File.Exists(path) ? line : Header + "\n" + line);
    }

    /// <summary>The logs this process has looked at the header of (once each, not four times a second).</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Checked = new();

    /// <summary>
    /// A log an older build began (a run resumed by this one) gets the current header, and its
    /// shorter lines NaN for the columns they lack, so pandas and DuckDB read one table, not lines
    /// longer than their header. Rewritten once, atomically; a current log is left as it is.
    /// </summary>
    static void Upgrade(string path)
    {
        string? first;
        using (var reader = new StreamReader(path))
            first = reader.ReadLine();
        if (first is null || first == Header)
            return;
        var lines = File.ReadAllLines(path);
        var padding = string.Concat(Enumerable.Repeat(",NaN", FieldCount - OldFieldCount));
        lines[0] = Header;
        for (var i = 1; i < lines.Length; i++)
            if (lines[i].Length > 0 && lines[i].Split(',').Length == OldFieldCount)
                lines[i] += padding;
        var temporary = path + ".upgrade";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>One row as a CSV line (invariant culture, round-trip doubles), without the newline.</summary>
    public static string Format(MetricsRow r) =>
        string.Join(
            ',',
            r.Iteration.ToString(CultureInfo.InvariantCulture),
            r.Evaluations.ToString(CultureInfo.InvariantCulture),
            r.NumElites.ToString(CultureInfo.InvariantCulture),
            Real(r.Coverage),
            Real(r.QdScore),
            Real(r.NormQdScore),
            Real(r.BestObjective),
            Real(r.MeanObjective),
            Real(r.ElapsedSeconds),
            Real(r.GlobalHypervolume),
            Real(r.MeanNovelty)
        );

    private static string Real(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A row from one line (of the current or the older, shorter layout), or null for the header, a blank
    /// or a malformed line (a reader skips those).
    /// </summary>
    public static MetricsRow? Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != FieldCount && f.Length != OldFieldCount)
            return null;
        var inv = CultureInfo.InvariantCulture;
        if (
            !int.TryParse(f[0], NumberStyles.Integer, inv, out var iteration)
            || !long.TryParse(f[1], NumberStyles.Integer, inv, out var evaluations)
            || !int.TryParse(f[2], NumberStyles.Integer, inv, out var elites)
        )
            return null;
        var d = new double[FieldCount - 3];
        d.AsSpan().Fill(double.NaN);
        for (int j = 0; j < f.Length - 3; j++)
            if (!double.TryParse(f[3 + j], NumberStyles.Float, inv, out d[j]))
                return null;
        return new MetricsRow(iteration, evaluations, elites, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
    }
}
