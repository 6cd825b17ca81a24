namespace QdFunctional.Physics;

using System.Text.Json.Serialization;
using Parquet.Serialization;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Persistence;

/// <summary>
/// The CPG tutorial's scalar metrics of one iteration, beyond the run's <c>metrics.parquet</c>:
/// maximum, mean and minimum fitness of the archive, occupancy (the fraction of cells filled) and
/// the furthest distance travelled (for the brittle star, the largest distance of an elite's final
/// position from the start; NaN for tasks whose measures are not a position).
/// </summary>
public sealed class RobotMetricsRow
{
    /// <summary>Iterations done.</summary>
    [JsonPropertyName("iteration")]
    public int Iteration { get; set; }

    /// <summary>Episodes simulated so far.</summary>
    [JsonPropertyName("evaluations")]
    public long Evaluations { get; set; }

    /// <summary>Best fitness in the archive.</summary>
    [JsonPropertyName("max_fitness")]
    public double MaxFitness { get; set; }

    /// <summary>Mean fitness of the elites.</summary>
    [JsonPropertyName("mean_fitness")]
    public double MeanFitness { get; set; }

    /// <summary>Worst fitness among the elites.</summary>
    [JsonPropertyName("min_fitness")]
    public double MinFitness { get; set; }

    /// <summary>Occupied cells / cells.</summary>
    [JsonPropertyName("occupancy")]
    public double Occupancy { get; set; }

    /// <summary>Largest distance from the start reached by an elite (NaN when measures are not a position).</summary>
    [JsonPropertyName("furthest_distance")]
    public double FurthestDistance { get; set; }
}

/// <summary>Computing, writing and reading <see cref="RobotMetricsRow"/>s (<c>robot_metrics.parquet</c> of a run).</summary>
public static class RobotMetrics
{
    /// <summary>The file beside a run's other results.</summary>
    public const string FileName = "robot_metrics.parquet";

    /// <summary>The row of an archive; <paramref name="positionMeasures"/> says whether the first two measures are a final (x, y) from the origin.</summary>
    /// <remarks>One pass over the elites: a few hundred cells, next to a batch of episodes that takes seconds.</remarks>
    public static RobotMetricsRow Of(int iteration, long evaluations, IArchive archive, bool positionMeasures)
    {
        ArgumentNullException.ThrowIfNull(archive);
        double max = double.NegativeInfinity,
            min = double.PositiveInfinity,
            sum = 0,
            furthest = positionMeasures ? 0.0 : double.NaN;
        int n = 0;
        foreach (var e in archive.Elites)
        {
            double f = e.Objectives[0];
            max = Math.Max(max, f);
            min = Math.Min(min, f);
            sum += f;
            n++;
            if (positionMeasures)
                furthest = Math.Max(furthest, Math.Sqrt(e.Measures[0] * e.Measures[0] + e.Measures[1] * e.Measures[1]));
        }
        return new RobotMetricsRow
        {
            Iteration = iteration,
            Evaluations = evaluations,
            MaxFitness = n == 0 ? double.NaN : max,
            MeanFitness = n == 0 ? double.NaN : sum / n,
            MinFitness = n == 0 ? double.NaN : min,
            Occupancy = archive.Stats.Coverage,
            FurthestDistance = n == 0 ? double.NaN : furthest,
        };
    }

    /// <summary>Writes the rows atomically.</summary>
    public static void Write(string path, IReadOnlyList<RobotMetricsRow> rows) =>
        AtomicFile.Write(path, stream => ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult());

    /// <summary>Reads the rows back (none when the file does not exist).</summary>
    public static RobotMetricsRow[] Read(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = File.OpenRead(path);
        return [.. ParquetSerializer.DeserializeAsync<RobotMetricsRow>(stream).GetAwaiter().GetResult().Data];
    }
}
