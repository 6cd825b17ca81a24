using Parquet;
using Parquet.Schema;
using QdFunctional.Core.Persistence;

namespace QdFunctional.Serve;

/// <summary>
/// Reads single scalar columns of a Parquet file across its row groups, so the server takes the
/// few numbers a page needs (measures, objectives, a path's x and y) and leaves the rest on disk.
/// </summary>
public static class ParquetScalars
{
    /// <summary>Total rows over all row groups.</summary>
    public static int RowCount(ParquetReader reader)
    {
        long n = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
            n += reader.RowGroups[g].RowCount;
        return checked((int)n);
    }

    /// <summary>The top-level scalar column named <paramref name="name"/>.</summary>
    /// <exception cref="CorruptFileException">There is none.</exception>
    public static DataField Field(ParquetReader reader, string path, string name) =>
        reader.Schema.DataFields.FirstOrDefault(f => f.Path.ToString() == name && f.MaxRepetitionLevel == 0)
        ?? throw new CorruptFileException(path, $"missing column '{name}'");

    /// <summary>One scalar column into <paramref name="dest"/> (one value per row); nulls come back as NaN for doubles.</summary>
    public static async Task Read<T>(ParquetReader reader, DataField field, T[] dest)
        where T : struct
    {
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            var values = dest.AsMemory(offset, rows);
            if (field.MaxDefinitionLevel == 0)
                await group.ReadRawAsync(field, values, null, null, default);
            else
            {
                var defs = new int[rows];
                await group.ReadRawAsync(field, values, defs.AsMemory(), null, default);
                // Present values arrive packed at the front: spread them from the back, a default where null.
                int p = offset + defs.Count(d => d == field.MaxDefinitionLevel) - 1;
                for (int i = rows - 1; i >= 0; i--)
                    dest[offset + i] = defs[i] == field.MaxDefinitionLevel ? dest[p--] : Missing<T>();
            }
            offset += rows;
        }
    }

    private static T Missing<T>()
        where T : struct => typeof(T) == typeof(double) ? (T)(object)double.NaN : default;
}
