using System.Buffers.Binary;
using Parquet;
using Parquet.Schema;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// The shared mechanics of the toolkit's Parquet files: checking the envelope, finding typed columns,
/// reading flat and list columns across row groups without boxing, and turning whatever the library
/// throws on a damaged file into a <see cref="CorruptFileException"/> that names the path.
/// </summary>
internal static class ParquetColumns
{
    /// <summary>Key of the file-level key-value metadata entry that holds the toolkit's JSON header.</summary>
    public const string MetadataKey = "qdfunctional";

    private const int MagicLength = 4;

    /// <summary>
    /// Checks the bytes every Parquet file has (<c>PAR1</c> at both ends, a footer length that fits) so a
    /// truncated or foreign file gets a precise message before the library sees it.
    /// </summary>
    public static void CheckEnvelope(string path, Stream stream)
    {
        long length = stream.Length;
        if (length < 2 * MagicLength + 4)
            throw new CorruptFileException(path, $"too short to be a Parquet file ({length} bytes)");
        Span<byte> head = stackalloc byte[MagicLength];
        Span<byte> tail = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(head);
        stream.Position = length - 8;
        stream.ReadExactly(tail);
        stream.Position = 0;
        if (!IsMagic(head))
            throw new CorruptFileException(path, "not a Parquet file (does not start with 'PAR1')");
        if (!IsMagic(tail[4..]))
            throw new CorruptFileException(path, "Parquet file does not end with 'PAR1' (truncated or still being written?)");
        int footer = BinaryPrimitives.ReadInt32LittleEndian(tail[..4]);
        if (footer <= 0 || footer > length - 2 * MagicLength - 4)
            throw new CorruptFileException(path, $"Parquet footer length {footer} does not fit in a {length}-byte file (truncated?)");
    }

    private static bool IsMagic(ReadOnlySpan<byte> b) => b.Length == 4 && b[0] == 'P' && b[1] == 'A' && b[2] == 'R' && b[3] == '1';

    /// <summary>
    /// Opens <paramref name="path"/> (missing file and permission errors pass through unchanged), checks the
    /// envelope, and runs <paramref name="read"/>; any library failure becomes a <see cref="CorruptFileException"/>.
    /// </summary>
    public static async Task<T> ReadFileAsync<T>(string path, Func<ParquetReader, Task<T>> read, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: false);
        CheckEnvelope(path, stream);
        try
        {
            await using var reader = await ParquetReader
                .CreateAsync(stream, leaveStreamOpen: true, cancellationToken: ct)
                .ConfigureAwait(false);
            return await read(reader).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not CorruptFileException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new CorruptFileException(path, $"unreadable Parquet content ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <summary>The file's metadata entry for <see cref="MetadataKey"/>, or a clear error when it is absent.</summary>
    public static string Header(string path, ParquetReader reader, string what)
    {
        if (reader.CustomMetadata is { } meta && meta.TryGetValue(MetadataKey, out var json))
            return json;
        throw new CorruptFileException(path, $"no '{MetadataKey}' metadata entry; not a {what} written by QdFunctional");
    }

    /// <summary>Total rows over all row groups, checked to fit an array.</summary>
    public static int RowCount(string path, ParquetReader reader)
    {
        long rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
            rows += reader.RowGroups[g].RowCount;
        if (rows > Array.MaxLength)
            throw new CorruptFileException(path, $"{rows} rows is more than an array can hold");
        return (int)rows;
    }

    /// <summary>Finds a top-level scalar column by exact name and checks its type, so a renamed or retyped column is reported by name.</summary>
    public static DataField Scalar<T>(string path, ParquetReader reader, string name, string parquetType)
    {
        DataField? found = null;
        foreach (var f in reader.Schema.DataFields)
        {
            if (f.Path.ToString() == name)
            {
                found = f;
                break;
            }
        }
        if (found is null)
            throw new CorruptFileException(path, $"missing required column '{name}' ({parquetType})");
        if (found.ClrType != typeof(T) || found.MaxRepetitionLevel != 0)
            throw new CorruptFileException(path, $"column '{name}' is {Describe(found)}, expected {parquetType}");
        return found;
    }

    /// <summary>
    /// Like <see cref="Scalar{T}"/> for a column that files may lack (one added after the format's first
    /// files were written): null when it is absent, an error when it is there with another type.
    /// </summary>
    public static DataField? OptionalScalar<T>(string path, ParquetReader reader, string name, string parquetType)
    {
        foreach (var f in reader.Schema.DataFields)
            if (f.Path.ToString() == name)
                return Scalar<T>(path, reader, name, parquetType);
        return null;
    }

    /// <summary>Finds a LIST column of doubles (the element leaf of <c>name/list/element</c> or any one-level list named <paramref name="name"/>).</summary>
    public static DataField DoubleList(string path, ParquetReader reader, string name)
    {
        foreach (var f in reader.Schema.DataFields)
        {
            var p = f.Path.ToString();
            if (p == name || p.StartsWith(name + "/", StringComparison.Ordinal))
            {
                if (f.ClrType != typeof(double) || f.MaxRepetitionLevel != 1)
                    throw new CorruptFileException(path, $"column '{name}' is {Describe(f)}, expected LIST of DOUBLE");
                return f;
            }
        }
        throw new CorruptFileException(path, $"missing required column '{name}' (LIST of DOUBLE)");
    }

    private static string Describe(DataField f) => f.MaxRepetitionLevel > 0 ? $"a repeated {f.ClrType.Name}" : f.ClrType.Name;

    /// <summary>
    /// Reads a scalar column into <paramref name="dest"/> (one value per row, all row groups in order).
    /// Nullable columns written by other tools are accepted as long as no value is null.
    /// </summary>
    public static async Task ReadScalarAsync<T>(string path, ParquetReader reader, DataField field, T[] dest, CancellationToken ct)
        where T : struct
    {
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            if (rows > dest.Length - offset)
                throw new CorruptFileException(path, $"row group {g} of column '{field.Name}' overruns the row count");
            var values = dest.AsMemory(offset, rows);
            if (field.MaxDefinitionLevel == 0)
            {
                await group.ReadRawAsync(field, values, null, null, ct).ConfigureAwait(false);
            }
            else
            {
                var defs = new int[rows];
                await group.ReadRawAsync(field, values, defs.AsMemory(), null, ct).ConfigureAwait(false);
                for (int i = 0; i < rows; i++)
                    if (defs[i] != field.MaxDefinitionLevel)
                        throw new CorruptFileException(path, $"column '{field.Name}' has a null at row {offset + i}");
            }
            offset += rows;
        }
        if (offset != dest.Length)
            throw new CorruptFileException(path, $"column '{field.Name}' has {offset} values for {dest.Length} rows");
    }

    /// <summary>
    /// Reads a DOUBLE column written by <see cref="WriteDoublesAsync"/> (or by another tool, required or
    /// optional): nulls come back as NaN, the value they stand for.
    /// </summary>
    public static async Task ReadDoublesAsync(string path, ParquetReader reader, DataField field, double[] dest, CancellationToken ct)
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await ReadScalarAsync(path, reader, field, dest, ct).ConfigureAwait(false);
            return;
        }
        int offset = 0;
        int max = field.MaxDefinitionLevel;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            if (rows > dest.Length - offset)
                throw new CorruptFileException(path, $"row group {g} of column '{field.Name}' overruns the row count");
            var defs = new int[rows];
            await group.ReadRawAsync(field, dest.AsMemory(offset, rows), defs.AsMemory(), null, ct).ConfigureAwait(false);
            // Present values arrive packed at the front; spread them out from the back, NaN where null.
            int present = 0;
            for (int i = 0; i < rows; i++)
                if (defs[i] == max)
                    present++;
            int p = offset + present - 1;
            for (int i = rows - 1; i >= 0; i--)
                dest[offset + i] = defs[i] == max ? dest[p--] : double.NaN;
            offset += rows;
        }
        if (offset != dest.Length)
            throw new CorruptFileException(path, $"column '{field.Name}' has {offset} values for {dest.Length} rows");
    }

    /// <summary>
    /// Reads a LIST of DOUBLE column whose every row holds exactly <paramref name="width"/> values into a
    /// row-major block, checking repetition and definition levels so a ragged or null list is reported by row.
    /// </summary>
    public static async Task ReadFixedListAsync(
        string path,
        ParquetReader reader,
        DataField field,
        double[] dest,
        int width,
        string name,
        CancellationToken ct
    )
    {
        long offset = 0;
        long row0 = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            long rows = group.RowCount;
            long expected = rows * width;
            long levels =
                group.GetMetadata(field)?.MetaData?.NumValues
                ?? throw new CorruptFileException(path, $"column '{name}' has no chunk metadata in row group {g}");
            if (levels != expected || offset + expected > dest.Length)
                throw new CorruptFileException(path, $"column '{name}' holds {levels} values in row group {g} for {rows} rows of {width}");
            int count = (int)expected;
            var defs = new int[count];
            var reps = new int[count];
            await group.ReadRawAsync(field, dest.AsMemory((int)offset, count), defs.AsMemory(), reps.AsMemory(), ct).ConfigureAwait(false);
            int max = field.MaxDefinitionLevel;
            for (int i = 0; i < count; i++)
            {
                int within = i % width;
                if (defs[i] != max || (reps[i] == 0) != (within == 0))
                    throw new CorruptFileException(
                        path,
                        $"column '{name}' row {row0 + i / width} is not a list of exactly {width} numbers"
                    );
            }
            offset += expected;
            row0 += rows;
        }
        if (offset != dest.Length)
            throw new CorruptFileException(path, $"column '{name}' has {offset} values, expected {dest.Length}");
    }

    /// <summary>Writes a required scalar slice (no levels needed).</summary>
    public static Task WriteScalarAsync<T>(ParquetRowGroupWriter group, DataField field, ReadOnlyMemory<T> values, CancellationToken ct)
        where T : struct => group.WriteAsync(field, values, null, null, ct);

    /// <summary>
    /// Writes an optional DOUBLE column with NaN stored as null. Parquet.Net 6.1 would otherwise put NaN in
    /// the min/max statistics (when it comes first), and engines that prune row groups by statistics could
    /// then skip rows a filter should match; null is also what pandas shows as NaN and polars/DuckDB as null.
    /// </summary>
    public static Task WriteDoublesAsync(ParquetRowGroupWriter group, DataField field, ReadOnlyMemory<double> values, CancellationToken ct)
    {
        var span = values.Span;
        var defs = new int[span.Length];
        var packed = new double[span.Length];
        int present = 0;
        for (int i = 0; i < span.Length; i++)
        {
            if (double.IsNaN(span[i]))
                continue;
            defs[i] = 1;
            packed[present++] = span[i];
        }
        return group.WriteAllPartsAsync<double>(field, packed.AsMemory(0, present), defs, null, ct);
    }

    /// <summary>
    /// Writes rows of a fixed-width LIST of DOUBLE: every value is present (definition level = max) and a
    /// new row starts every <paramref name="width"/> values (repetition level 0, else 1).
    /// </summary>
    public static Task WriteFixedListAsync(
        ParquetRowGroupWriter group,
        DataField element,
        ReadOnlyMemory<double> values,
        int width,
        CancellationToken ct
    )
    {
        int count = values.Length;
        var defs = new int[count];
        var reps = new int[count];
        Array.Fill(defs, element.MaxDefinitionLevel);
        Array.Fill(reps, 1);
        for (int i = 0; i < count; i += width)
            reps[i] = 0;
        return group.WriteAllPartsAsync(element, values, defs, reps, ct);
    }
}
