using Parquet;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>A robot's path seen from above: the root body's x and y over one replayed episode.</summary>
/// <param name="Name">The file's name (replay-best.parquet, replay-cell-N.parquet).</param>
/// <param name="X">x of the root body, thinned to at most <see cref="Trajectories.MaxPoints"/> samples.</param>
/// <param name="Y">y, as <paramref name="X"/>.</param>
public sealed record TrajectoryPath(string Name, double[] X, double[] Y);

/// <summary>
/// The trajectories a robot run has on record: the <c>replay-*.parquet</c> files <c>qd replay</c> writes
/// into its directory (columns time, x, y, z and the joints; only x and y are read).
/// </summary>
public static class Trajectories
{
    /// <summary>Samples kept per path: enough for a smooth line, whatever the episode's length.</summary>
    public const int MaxPoints = 2000;

    /// <summary>The replay files of a run directory, by name.</summary>
    public static IEnumerable<string> Files(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "replay-*.parquet").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];

    /// <summary>One file's path.</summary>
    /// <exception cref="CorruptFileException">It has no x or y column, or is not Parquet.</exception>
    public static TrajectoryPath Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    private static async Task<TrajectoryPath> ReadAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream);
            int n = ParquetScalars.RowCount(reader);
            var x = new double[n];
            var y = new double[n];
            await ParquetScalars.Read(reader, ParquetScalars.Field(reader, path, "x"), x);
            await ParquetScalars.Read(reader, ParquetScalars.Field(reader, path, "y"), y);
            int stride = Math.Max(1, (n + MaxPoints - 1) / MaxPoints);
            var keep = Enumerable.Range(0, n).Where(i => i % stride == 0 || i == n - 1).ToArray();
            return new TrajectoryPath(Path.GetFileName(path), [.. keep.Select(i => x[i])], [.. keep.Select(i => y[i])]);
        }
        catch (Exception e) when (e is not CorruptFileException and not OutOfMemoryException)
        {
            throw new CorruptFileException(path, $"unreadable trajectory ({e.GetType().Name}: {e.Message})", e);
        }
    }
}
