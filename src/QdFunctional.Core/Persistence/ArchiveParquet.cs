using Parquet;
using Parquet.Schema;
using QdFunctional.Core.Archives;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// Reads and writes <c>archive.parquet</c>: one row per elite, scalar columns for cell, objectives and
/// measures (easy to filter and plot from DuckDB, pandas or polars), the solution as a LIST of DOUBLE,
/// and the layout in the file's metadata so the map can be redrawn without the run's configuration.
/// Writes are atomic and deterministic: the same table gives the same bytes.
/// </summary>
public static class ArchiveParquet
{
    /// <summary>Upper bound on solution numbers per row group, so pages stay tens of megabytes at most.</summary>
    private const int ValuesPerRowGroup = 1 << 22;

    private const int MaxRowsPerRowGroup = 1 << 16;

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> atomically, rows in the order given.</summary>
    /// <param name="path">Target file, usually <c>data/runs/&lt;run&gt;/archive.parquet</c>.</param>
    /// <param name="table">The elites; checked for consistent shapes and valid extra names first.</param>
    /// <exception cref="ArgumentException">The table's arrays disagree with its shapes, or an extra name is unusable.</exception>
    public static void Write(string path, EliteTable table)
    {
        var extra = Validate(table);
        AtomicFile.Write(path, stream => WriteToAsync(stream, table, extra, CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>Asynchronous form of <see cref="Write"/>.</summary>
    public static Task WriteAsync(string path, EliteTable table, CancellationToken cancellationToken = default)
    {
        var extra = Validate(table);
        return AtomicFile.WriteAsync(path, (stream, ct) => WriteToAsync(stream, table, extra, ct), cancellationToken);
    }

    /// <summary>Reads a file written by <see cref="Write"/> back into an equal table (layout included).</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="CorruptFileException">The file is truncated, not Parquet, lacks the header or a column, or a column has the wrong type or shape.</exception>
    public static EliteTable Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    /// <summary>Asynchronous form of <see cref="Read"/>.</summary>
    public static Task<EliteTable> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        ParquetColumns.ReadFileAsync(path, reader => ReadFromAsync(path, reader, cancellationToken), cancellationToken);

    /// <summary>Why <paramref name="layout"/> cannot describe an archive, or null when it can.</summary>
    internal static string? LayoutProblem(ArchiveLayout? layout)
    {
        if (layout is null)
            return "layout is null";
        if (layout.Low is null || layout.High is null || layout.Resolution is null || layout.Centroids is null)
            return "layout arrays must not be null";
        int k = layout.Low.Length;
        if (layout.High.Length != k)
            return $"{k} lower bounds but {layout.High.Length} upper bounds";
        switch (layout.Kind)
        {
            case "grid":
                if (layout.Resolution.Length != k)
                    return $"grid with {k} measures has {layout.Resolution.Length} resolutions";
                foreach (var r in layout.Resolution)
                    if (r < 1)
                        return $"grid resolution {r} is not positive";
                long cells = 1;
                foreach (var r in layout.Resolution)
                {
                    cells *= r;
                    if (cells > int.MaxValue)
                        return "grid has more than 2^31 cells";
                }
                return null;
            case "cvt":
                if (k < 1 || layout.Centroids.Length % k != 0)
                    return $"{layout.Centroids.Length} centroid numbers are not a whole number of {k}-d centroids";
                return null;
            case "sliding":
                if (layout.Resolution.Length != k || layout.Boundaries is null || layout.Boundaries.Length != k)
                    return $"a sliding layout with {k} measures needs {k} resolutions and {k} boundary lists";
                for (int j = 0; j < k; j++)
                {
                    var edges = layout.Boundaries[j];
                    if (layout.Resolution[j] < 1 || edges is null || edges.Length != layout.Resolution[j] + 1)
                        return $"sliding measure {j}: {edges?.Length ?? 0} boundaries for {layout.Resolution[j]} cells";
                    for (int c = 1; c < edges.Length; c++)
                        if (!(edges[c] >= edges[c - 1]))
                            return $"sliding measure {j}: boundaries are not increasing at {c}";
                }
                return CellsProblem(layout.Resolution);
            case "categorical":
                if (layout.Resolution.Length != k || layout.Categories is null || layout.Categories.Length != k)
                    return $"a categorical layout with {k} measures needs {k} resolutions and {k} category lists";
                for (int j = 0; j < k; j++)
                {
                    var values = layout.Categories[j];
                    if (layout.Resolution[j] < 1 || values is null || (values.Length != 0 && values.Length != layout.Resolution[j]))
                        return $"categorical measure {j}: {values?.Length ?? 0} categories for {layout.Resolution[j]} cells";
                }
                return CellsProblem(layout.Resolution);
            case "proximity":
            case "dns":
                if (k < 1 || layout.Resolution.Length != 0 || layout.Centroids.Length != 0)
                    return $"a {layout.Kind} layout has measure bounds only";
                return null;
            default:
                return $"layout kind '{layout.Kind}' is not 'grid', 'cvt', 'sliding', 'categorical', 'proximity' or 'dns'";
        }
    }

    private static string? CellsProblem(int[] resolution)
    {
        long cells = 1;
        foreach (var r in resolution)
        {
            cells *= r;
            if (cells > int.MaxValue)
                return "layout has more than 2^31 cells";
        }
        return null;
    }

    /// <summary>Checks every array length against the shapes and returns the extra names in column order.</summary>
    private static string[] Validate(EliteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (LayoutProblem(table.Layout) is { } problem)
            throw new ArgumentException(problem, nameof(table));
        if (table.Cells is null || table.Objectives is null || table.Measures is null || table.Solutions is null || table.Extra is null)
            throw new ArgumentException("EliteTable arrays must not be null", nameof(table));
        long n = table.Count;
        int k = table.Layout.MeasureDim;
        if (table.SolutionDim < 1)
            throw new ArgumentException($"SolutionDim must be at least 1, got {table.SolutionDim}", nameof(table));
        if (table.ObjectiveCount < 0)
            throw new ArgumentException($"ObjectiveCount must be non-negative, got {table.ObjectiveCount}", nameof(table));
        Expect(table.Objectives.Length, n * table.ObjectiveCount, "Objectives", "n × m");
        Expect(table.Measures.Length, n * k, "Measures", "n × k");
        Expect(table.Solutions.Length, n * table.SolutionDim, "Solutions", "n × d");
        int cellCount = table.Layout.CellCount;
        for (int i = 0; i < table.Cells.Length; i++)
        {
            int c = table.Cells[i];
            if (c < 0 || c >= cellCount)
                throw new ArgumentException($"row {i}: cell {c} is outside [0, {cellCount})", nameof(table));
        }
        var names = new string[table.Extra.Count];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int j = 0;
        foreach (var (name, values) in table.Extra)
        {
            ArchiveColumns.ValidateExtraName(name);
            if (!seen.Add(name))
                throw new ArgumentException($"extra field names '{name}' clash (DuckDB ignores case)", nameof(table));
            if (values is null || values.Length != n)
                throw new ArgumentException($"extra field '{name}' has {values?.Length ?? 0} values for {n} rows", nameof(table));
            names[j++] = name;
        }
        return names;
    }

    private static void Expect(int actual, long expected, string what, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"EliteTable.{what} has {actual} numbers, expected {shape} = {expected}", "table");
    }

    private static async Task WriteToAsync(Stream stream, EliteTable table, string[] extra, CancellationToken ct)
    {
        int n = table.Count,
            m = table.ObjectiveCount,
            k = table.Layout.MeasureDim,
            d = table.SolutionDim;
        var fields = new List<Field>(2 + m + k + extra.Length) { new DataField<int>(ArchiveColumns.Cell) };
        for (int j = 0; j < m; j++)
            fields.Add(new DataField<double>(ArchiveColumns.ObjectiveColumn(j, m), nullable: true));
        for (int j = 0; j < k; j++)
            fields.Add(new DataField<double>(ArchiveColumns.MeasureColumn(j), nullable: true));
        fields.Add(new ListField(ArchiveColumns.Solution, new DataField<double>("element")));
        foreach (var name in extra)
            fields.Add(new DataField<double>(name, nullable: true));
        var schema = new ParquetSchema(fields);
        var leaves = schema.GetDataFields();

        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        var writer = await ParquetWriter.CreateAsync(schema, stream, options, false, ct).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string> { [ParquetColumns.MetadataKey] = ArchiveHeader.From(table, extra).ToJson() };

        int groupRows = Math.Clamp(ValuesPerRowGroup / d, 1, MaxRowsPerRowGroup);
        var gather = new double[Math.Min(groupRows, n)];
        for (int start = 0; start < n; start += groupRows)
        {
            int rows = Math.Min(groupRows, n - start);
            using var group = writer.CreateRowGroup();
            int leaf = 0;
            await ParquetColumns.WriteScalarAsync<int>(group, leaves[leaf++], table.Cells.AsMemory(start, rows), ct).ConfigureAwait(false);
            for (int j = 0; j < m; j++)
                await ParquetColumns
                    .WriteDoublesAsync(group, leaves[leaf++], Strided(table.Objectives, start, rows, m, j, gather), ct)
                    .ConfigureAwait(false);
            for (int j = 0; j < k; j++)
                await ParquetColumns
                    .WriteDoublesAsync(group, leaves[leaf++], Strided(table.Measures, start, rows, k, j, gather), ct)
                    .ConfigureAwait(false);
            await ParquetColumns
                .WriteFixedListAsync(group, leaves[leaf++], table.Solutions.AsMemory(start * d, rows * d), d, ct)
                .ConfigureAwait(false);
            foreach (var name in extra)
                await ParquetColumns
                    .WriteDoublesAsync(group, leaves[leaf++], table.Extra[name].AsMemory(start, rows), ct)
                    .ConfigureAwait(false);
            group.CompleteValidate();
        }
        // Disposed only on success: the footer of a failed file would throw again and hide the cause.
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Copies column <paramref name="j"/> of a row-major n × <paramref name="width"/> block into <paramref name="buffer"/>.</summary>
    private static ReadOnlyMemory<double> Strided(double[] block, int start, int rows, int width, int j, double[] buffer)
    {
        for (int i = 0; i < rows; i++)
            buffer[i] = block[(start + i) * width + j];
        return buffer.AsMemory(0, rows);
    }

    private static async Task<EliteTable> ReadFromAsync(string path, ParquetReader reader, CancellationToken ct)
    {
        var h = ArchiveHeader.Parse(path, ParquetColumns.Header(path, reader, "archive"));
        int n = ParquetColumns.RowCount(path, reader);
        int m = h.ObjectiveCount,
            k = h.MeasureDim,
            d = h.SolutionDim;
        var layout = h.ToLayout();

        var cells = new int[n];
        await ParquetColumns
            .ReadScalarAsync(path, reader, ParquetColumns.Scalar<int>(path, reader, ArchiveColumns.Cell, "INT32"), cells, ct)
            .ConfigureAwait(false);
        int cellCount = layout.CellCount;
        for (int i = 0; i < n; i++)
            if (cells[i] < 0 || cells[i] >= cellCount)
                throw new CorruptFileException(path, $"row {i}: cell {cells[i]} is outside [0, {cellCount})");

        var column = new double[n];
        var objectives = new double[checked(n * m)];
        for (int j = 0; j < m; j++)
        {
            await ReadDoubleAsync(path, reader, ArchiveColumns.ObjectiveColumn(j, m), column, ct).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
                objectives[i * m + j] = column[i];
        }
        var measures = new double[checked(n * k)];
        for (int j = 0; j < k; j++)
        {
            await ReadDoubleAsync(path, reader, ArchiveColumns.MeasureColumn(j), column, ct).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
                measures[i * k + j] = column[i];
        }

        long total = (long)n * d;
        if (total > Array.MaxLength)
            throw new CorruptFileException(path, $"{n} solutions of {d} numbers do not fit in an array");
        var solutions = new double[total];
        var list = ParquetColumns.DoubleList(path, reader, ArchiveColumns.Solution);
        await ParquetColumns.ReadFixedListAsync(path, reader, list, solutions, d, ArchiveColumns.Solution, ct).ConfigureAwait(false);

        var extra = new Dictionary<string, double[]>(h.Extra.Length);
        foreach (var name in h.Extra)
        {
            var values = new double[n];
            await ReadDoubleAsync(path, reader, name, values, ct).ConfigureAwait(false);
            if (!extra.TryAdd(name, values))
                throw new CorruptFileException(path, $"header lists extra field '{name}' twice");
        }
        return new EliteTable(layout, d, m, cells, objectives, measures, solutions, extra);
    }

    private static Task ReadDoubleAsync(string path, ParquetReader reader, string name, double[] dest, CancellationToken ct) =>
        ParquetColumns.ReadDoublesAsync(path, reader, ParquetColumns.Scalar<double>(path, reader, name, "DOUBLE"), dest, ct);
}
