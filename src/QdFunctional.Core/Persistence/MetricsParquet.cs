using System.Text.Json;
using Parquet;
using Parquet.Schema;
using QdFunctional.Core.Metrics;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// Reads and writes <c>metrics.parquet</c>: one row per iteration, one snake_case column per
/// <see cref="MetricsRow"/> property (<c>iteration</c> INT32, <c>evaluations</c> INT64, <c>num_elites</c> INT32,
/// <c>coverage</c>, <c>qd_score</c>, <c>norm_qd_score</c>, <c>best_objective</c>, <c>mean_objective</c>,
/// <c>elapsed_seconds</c> DOUBLE), then the optional DOUBLE columns <c>global_hypervolume</c> (MOME) and
/// <c>mean_novelty</c> (novelty search), each written only when some row has a value (NaN is stored as
/// null) and read as NaN from a file without it. Writes are atomic and deterministic.
/// </summary>
public static class MetricsParquet
{
    /// <summary>Version of this file layout, stored as <c>{"format_version":1}</c> under the <c>qdfunctional</c> metadata key.</summary>
    public const int FormatVersion = 1;

    /// <summary>The double columns in file order after the three integer columns.</summary>
    private static readonly string[] DoubleColumns =
    [
        "coverage",
        "qd_score",
        "norm_qd_score",
        "best_objective",
        "mean_objective",
        "elapsed_seconds",
    ];

    /// <summary>Double columns that only some runs have (see the class summary), in file order.</summary>
    private static readonly string[] OptionalColumns = ["global_hypervolume", "mean_novelty"];

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> atomically, in the order given.</summary>
    /// <param name="path">Target file, usually <c>data/runs/&lt;run&gt;/metrics.parquet</c>.</param>
    /// <param name="rows">One row per iteration; no row may be null.</param>
    public static void Write(string path, IReadOnlyList<MetricsRow> rows)
    {
        Validate(rows);
        AtomicFile.Write(path, stream => WriteToAsync(stream, rows, null, append: false, CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>
    /// Appends <paramref name="rows"/> to a file written by <see cref="Write"/> as one more row group,
    /// atomically: the file's bytes are copied beside it, the group and a new footer are written to the
    /// copy, and the copy is renamed over the file. A run's checkpoint then costs a byte copy of the rows
    /// so far (about 40 bytes each) and the encoding of its new rows only, instead of encoding every row
    /// again. Returns false and writes nothing when the file is missing or lacks an optional column some
    /// row has a value in: write the whole file then.
    /// </summary>
    /// <param name="path">A file written by <see cref="Write"/> (or appended to before).</param>
    /// <param name="rows">The rows after the file's last one, in order.</param>
    public static bool TryAppend(string path, IReadOnlyList<MetricsRow> rows)
    {
        Validate(rows);
        if (!File.Exists(path))
            return false;
        var present = ParquetColumns
            .ReadFileAsync(path, reader => Task.FromResult(PresentOptional(reader)), CancellationToken.None)
            .GetAwaiter()
            .GetResult();
        for (int j = 0; j < OptionalColumns.Length; j++)
            if (!present[j] && AnyValue(rows, j))
                return false;
        if (rows.Count == 0)
            return true;
        AtomicFile.Write(
            path,
            stream =>
            {
                using (var old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16))
                    old.CopyTo(stream);
                WriteToAsync(stream, rows, present, append: true, CancellationToken.None).GetAwaiter().GetResult();
            }
        );
        return true;
    }

    /// <summary>Which of <see cref="OptionalColumns"/> the file has.</summary>
    private static bool[] PresentOptional(ParquetReader reader)
    {
        var present = new bool[OptionalColumns.Length];
        foreach (var f in reader.Schema.DataFields)
            for (int j = 0; j < OptionalColumns.Length; j++)
                present[j] |= f.Path.ToString() == OptionalColumns[j];
        return present;
    }

    /// <summary>Asynchronous form of <see cref="Write"/>.</summary>
    public static Task WriteAsync(string path, IReadOnlyList<MetricsRow> rows, CancellationToken cancellationToken = default)
    {
        Validate(rows);
        return AtomicFile.WriteAsync(path, (stream, ct) => WriteToAsync(stream, rows, null, append: false, ct), cancellationToken);
    }

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="CorruptFileException">The file is truncated, not Parquet, or a column is missing or of the wrong type.</exception>
    public static MetricsRow[] Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    /// <summary>Asynchronous form of <see cref="Read"/>.</summary>
    public static Task<MetricsRow[]> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        ParquetColumns.ReadFileAsync(path, reader => ReadFromAsync(path, reader, cancellationToken), cancellationToken);

    private static void Validate(IReadOnlyList<MetricsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (int i = 0; i < rows.Count; i++)
            if (rows[i] is null)
                throw new ArgumentException($"row {i} is null", nameof(rows));
    }

    /// <summary>
    /// Writes the rows as one row group: a new file, or with <paramref name="append"/> a group added to the
    /// file the stream holds. The optional columns are those some row has a value in, or
    /// <paramref name="optionalPresent"/> (an appended group must have its file's columns).
    /// </summary>
    private static async Task WriteToAsync(
        Stream stream,
        IReadOnlyList<MetricsRow> rows,
        bool[]? optionalPresent,
        bool append,
        CancellationToken ct
    )
    {
        int n = rows.Count;
        var iteration = new DataField<int>("iteration");
        var evaluations = new DataField<long>("evaluations");
        var numElites = new DataField<int>("num_elites");
        var fields = new List<Field> { iteration, evaluations, numElites };
        var doubles = new DataField<double>[DoubleColumns.Length];
        for (int j = 0; j < doubles.Length; j++)
            fields.Add(doubles[j] = new DataField<double>(DoubleColumns[j], nullable: true));
        var optional = new List<(DataField<double> Field, int Index)>();
        for (int j = 0; j < OptionalColumns.Length; j++)
            if (optionalPresent?[j] ?? AnyValue(rows, j))
            {
                var field = new DataField<double>(OptionalColumns[j], nullable: true);
                fields.Add(field);
                optional.Add((field, j));
            }
        var schema = new ParquetSchema(fields);

        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        var writer = await ParquetWriter.CreateAsync(schema, stream, options, append, ct).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string> { [ParquetColumns.MetadataKey] = $"{{\"format_version\":{FormatVersion}}}" };
        if (n > 0)
        {
            var ints = new int[n];
            var longs = new long[n];
            var reals = new double[n];
            using var group = writer.CreateRowGroup();
            for (int i = 0; i < n; i++)
                ints[i] = rows[i].Iteration;
            await ParquetColumns.WriteScalarAsync<int>(group, iteration, ints, ct).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
                longs[i] = rows[i].Evaluations;
            await ParquetColumns.WriteScalarAsync<long>(group, evaluations, longs, ct).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
                ints[i] = rows[i].NumElites;
            await ParquetColumns.WriteScalarAsync<int>(group, numElites, ints, ct).ConfigureAwait(false);
            for (int j = 0; j < doubles.Length; j++)
            {
                for (int i = 0; i < n; i++)
                    reals[i] = Get(rows[i], j);
                await ParquetColumns.WriteDoublesAsync(group, doubles[j], reals, ct).ConfigureAwait(false);
            }
            foreach (var (field, j) in optional)
            {
                for (int i = 0; i < n; i++)
                    reals[i] = GetOptional(rows[i], j);
                await ParquetColumns.WriteDoublesAsync(group, field, reals, ct).ConfigureAwait(false);
            }
            group.CompleteValidate();
        }
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Double column <paramref name="j"/> of a row, in <see cref="DoubleColumns"/> order.</summary>
    private static double Get(MetricsRow r, int j) =>
        j switch
        {
            0 => r.Coverage,
            1 => r.QdScore,
            2 => r.NormQdScore,
            3 => r.BestObjective,
            4 => r.MeanObjective,
            _ => r.ElapsedSeconds,
        };

    /// <summary>Optional column <paramref name="j"/> of a row, in <see cref="OptionalColumns"/> order.</summary>
    private static double GetOptional(MetricsRow r, int j) => j == 0 ? r.GlobalHypervolume : r.MeanNovelty;

    private static bool AnyValue(IReadOnlyList<MetricsRow> rows, int j)
    {
        for (int i = 0; i < rows.Count; i++)
            if (!double.IsNaN(GetOptional(rows[i], j)))
                return true;
        return false;
    }

    private static async Task<MetricsRow[]> ReadFromAsync(string path, ParquetReader reader, CancellationToken ct)
    {
        if (reader.CustomMetadata is { } meta && meta.TryGetValue(ParquetColumns.MetadataKey, out var json))
        {
            int version;
            try
            {
                using var doc = JsonDocument.Parse(json);
                version = doc.RootElement.GetProperty("format_version").GetInt32();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new CorruptFileException(path, $"'{ParquetColumns.MetadataKey}' metadata is not a valid header: {e.Message}", e);
            }
            if (version != FormatVersion)
                throw new CorruptFileException(
                    path,
                    $"metrics format version {version} is not supported (this build reads {FormatVersion})"
                );
        }

        int n = ParquetColumns.RowCount(path, reader);
        var iteration = new int[n];
        var evaluations = new long[n];
        var numElites = new int[n];
        await ParquetColumns
            .ReadScalarAsync(path, reader, ParquetColumns.Scalar<int>(path, reader, "iteration", "INT32"), iteration, ct)
            .ConfigureAwait(false);
        await ParquetColumns
            .ReadScalarAsync(path, reader, ParquetColumns.Scalar<long>(path, reader, "evaluations", "INT64"), evaluations, ct)
            .ConfigureAwait(false);
        await ParquetColumns
            .ReadScalarAsync(path, reader, ParquetColumns.Scalar<int>(path, reader, "num_elites", "INT32"), numElites, ct)
            .ConfigureAwait(false);
        var reals = new double[DoubleColumns.Length][];
        for (int j = 0; j < reals.Length; j++)
        {
            reals[j] = new double[n];
            var field = ParquetColumns.Scalar<double>(path, reader, DoubleColumns[j], "DOUBLE");
            await ParquetColumns.ReadDoublesAsync(path, reader, field, reals[j], ct).ConfigureAwait(false);
        }
        var extra = new double[OptionalColumns.Length][];
        for (int j = 0; j < extra.Length; j++)
        {
            extra[j] = new double[n];
            if (ParquetColumns.OptionalScalar<double>(path, reader, OptionalColumns[j], "DOUBLE") is { } field)
                await ParquetColumns.ReadDoublesAsync(path, reader, field, extra[j], ct).ConfigureAwait(false);
            else
                Array.Fill(extra[j], double.NaN);
        }
        var rows = new MetricsRow[n];
        for (int i = 0; i < n; i++)
            rows[i] = new MetricsRow(
                iteration[i],
                evaluations[i],
                numElites[i],
                reals[0][i],
                reals[1][i],
                reals[2][i],
                reals[3][i],
                reals[4][i],
                reals[5][i],
                extra[0][i],
                extra[1][i]
            );
        return rows;
    }
}
