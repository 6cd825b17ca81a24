using QdFunctional.Core.Live;
using QdFunctional.Core.Metrics;

namespace QdFunctional.Serve;

/// <summary>
/// The rows of a live metrics log (<see cref="MetricsLog"/>) in the order that counts: a run resumed
/// from a checkpoint appends iterations it had already logged before it was killed, and those later
/// rows replace the earlier ones from that iteration on.
/// </summary>
public static class MetricsLogReader
{
    /// <summary>The whole log's rows, iterations increasing.</summary>
    public static MetricsRow[] ReadAll(string path)
    {
        var rows = new List<MetricsRow>();
        Add(rows, AppendedLines.Complete(path));
        return [.. rows];
    }

    /// <summary>Appends parsed lines to <paramref name="rows"/>, dropping rows a resumed run logged again.</summary>
    public static void Add(List<MetricsRow> rows, IEnumerable<string> lines)
    {
        foreach (var line in lines)
            if (MetricsLog.Parse(line) is { } r)
            {
                while (rows.Count > 0 && rows[^1].Iteration >= r.Iteration)
                    rows.RemoveAt(rows.Count - 1);
                rows.Add(r);
            }
    }
}
