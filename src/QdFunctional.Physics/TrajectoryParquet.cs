namespace QdFunctional.Physics;

using Parquet;
using Parquet.Schema;
using QdFunctional.Core.Persistence;

/// <summary>
/// Writes a <see cref="Trajectory"/> as Parquet: one row per control step, DOUBLE columns
/// <c>time</c>, <c>x</c>, <c>y</c>, <c>z</c> (the root body) and one column per actuated joint,
/// named after the joint (radians). Flat scalar columns, so any tool plots it as it is.
/// </summary>
public static class TrajectoryParquet
{
    /// <summary>Writes <paramref name="trajectory"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Trajectory trajectory)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        AtomicFile.Write(path, stream => WriteAsync(stream, trajectory).GetAwaiter().GetResult());
    }

    static async Task WriteAsync(Stream stream, Trajectory t)
    {
        var names = new List<string> { "time", "x", "y", "z" };
        names.AddRange(t.JointNames);
        var fields = names.Select(n => new DataField<double>(n)).ToArray();
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string> { ["qdfunctional"] = "{\"format_version\":1,\"kind\":\"trajectory\"}" };
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<double>(fields[0], t.Time.ToArray().AsMemory(), null, null, default).ConfigureAwait(false);
            await group.WriteAsync<double>(fields[1], t.X.ToArray().AsMemory(), null, null, default).ConfigureAwait(false);
            await group.WriteAsync<double>(fields[2], t.Y.ToArray().AsMemory(), null, null, default).ConfigureAwait(false);
            await group.WriteAsync<double>(fields[3], t.Z.ToArray().AsMemory(), null, null, default).ConfigureAwait(false);
            var column = new double[t.Count];
            for (int j = 0; j < t.JointNames.Count; j++)
            {
                for (int i = 0; i < t.Count; i++)
                    column[i] = t.Joints[i][j];
                await group.WriteAsync<double>(fields[4 + j], column.AsMemory(), null, null, default).ConfigureAwait(false);
            }
            group.CompleteValidate();
        }
        await writer.DisposeAsync().ConfigureAwait(false);
    }
}
