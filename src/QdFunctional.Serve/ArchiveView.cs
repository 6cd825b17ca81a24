using System.Text.Json;
using Parquet;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Live;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>One of the best elites: its cell, objectives and measures (the solution stays on disk).</summary>
public sealed record EliteRow(int Cell, double[] Objectives, double[] Measures);

/// <summary>What the run page shows of <c>archive.parquet</c>: its heatmap and its best elites.</summary>
public sealed record ArchiveView(string Kind, int Elites, int ObjectiveCount, int MeasureDim, HeatmapFrame Heatmap, EliteRow[] Best)
{
    /// <summary>Elites listed on the run page.</summary>
    public const int BestCount = 10;

    /// <summary>
    /// Reads the header and the scalar columns only (cell, objectives, measures), never the solutions,
    /// so a million-elite archive of long genomes costs its few scalar columns; the heatmap is aggregated here.
    /// </summary>
    /// <exception cref="CorruptFileException">The file is not an archive QdFunctional wrote, or is truncated.</exception>
    public static ArchiveView Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    private static async Task<ArchiveView> ReadAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream);
            if (reader.CustomMetadata is not { } meta || !meta.TryGetValue("qdfunctional", out var json))
                throw new CorruptFileException(path, "no 'qdfunctional' metadata: not an archive written by QdFunctional");
            using var header = JsonDocument.Parse(json);
            var h = header.RootElement;
            var layout = new ArchiveLayout(
                h.GetProperty("kind").GetString() ?? "",
                Doubles(h.GetProperty("low")),
                Doubles(h.GetProperty("high")),
                h.TryGetProperty("resolution", out var res) ? res.EnumerateArray().Select(e => e.GetInt32()).ToArray() : [],
                []
            );
            int m = h.GetProperty("objective_count").GetInt32();
            int k = layout.MeasureDim;
            int n = ParquetScalars.RowCount(reader);
            var cells = new int[n];
            await ParquetScalars.Read(reader, ParquetScalars.Field(reader, path, ArchiveColumns.Cell), cells);
            var objectives = new double[m][];
            for (int j = 0; j < m; j++)
                await ParquetScalars.Read(
                    reader,
                    ParquetScalars.Field(reader, path, ArchiveColumns.ObjectiveColumn(j, m)),
                    objectives[j] = new double[n]
                );
            var measures = new double[k][];
            for (int j = 0; j < k; j++)
                await ParquetScalars.Read(
                    reader,
                    ParquetScalars.Field(reader, path, ArchiveColumns.MeasureColumn(j)),
                    measures[j] = new double[n]
                );

            var first = m > 0 ? objectives[0] : new double[n];
            var frame =
                k == 0
                    ? new HeatmapFrame(0, 0, n, 0, 0, 0, [], [], double.NaN, double.NaN, "")
                    : QdFunctional.Core.Live.Heatmap.Aggregate(layout, 0, 0, measures[0], k > 1 ? measures[1] : [], first);
            var order = Enumerable
                .Range(0, n)
                .OrderByDescending(i => double.IsNaN(first[i]) ? double.NegativeInfinity : first[i])
                .Take(BestCount);
            var best = order
                .Select(i => new EliteRow(cells[i], objectives.Select(o => o[i]).ToArray(), measures.Select(c => c[i]).ToArray()))
                .ToArray();
            return new ArchiveView(layout.Kind, n, m, k, frame, best);
        }
        catch (Exception e) when (e is not CorruptFileException and not OutOfMemoryException)
        {
            throw new CorruptFileException(path, $"unreadable archive ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static double[] Doubles(JsonElement a) => a.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
