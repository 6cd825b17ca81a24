using System.Text.Json;
using System.Text.Json.Serialization;
using QdFunctional.Core.Archives;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// The JSON stored under the <c>qdfunctional</c> key of <c>archive.parquet</c>'s key-value metadata:
/// the format version, the shapes and the full <see cref="ArchiveLayout"/>, so a reader can rebuild the
/// table exactly (d and the layout cannot be recovered from the columns of an empty archive).
/// </summary>
internal sealed class ArchiveHeader
{
    /// <summary>Version of this file layout; bump when columns change meaning.</summary>
    public const int CurrentVersion = 1;

    public int FormatVersion { get; set; }
    public string Kind { get; set; } = "";
    public int SolutionDim { get; set; }
    public int ObjectiveCount { get; set; }
    public int MeasureDim { get; set; }
    public double[] Low { get; set; } = [];
    public double[] High { get; set; } = [];
    public int[] Resolution { get; set; } = [];
    public double[] Centroids { get; set; } = [];
    public string[] Extra { get; set; } = [];

    // Written only by the kinds that have them, so the headers of grid, CVT, MOME and proximity
    // archives keep their bytes.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[][]? Boundaries { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[][]? Categories { get; set; }

    /// <summary>Compact, snake_case, NaN-tolerant: the same table always gives the same bytes.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public static ArchiveHeader From(EliteTable table, string[] extra) =>
        new()
        {
            FormatVersion = CurrentVersion,
            Kind = table.Layout.Kind,
            SolutionDim = table.SolutionDim,
            ObjectiveCount = table.ObjectiveCount,
            MeasureDim = table.Layout.MeasureDim,
            Low = table.Layout.Low,
            High = table.Layout.High,
            Resolution = table.Layout.Resolution,
            Centroids = table.Layout.Centroids,
            Extra = extra,
            Boundaries = table.Layout.Boundaries,
            Categories = table.Layout.Categories,
        };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public ArchiveLayout ToLayout() => new(Kind, Low, High, Resolution, Centroids) { Boundaries = Boundaries, Categories = Categories };

    /// <summary>Parses and checks the header; every inconsistency is reported as a corrupt file.</summary>
    public static ArchiveHeader Parse(string path, string json)
    {
        ArchiveHeader? h;
        try
        {
            h = JsonSerializer.Deserialize<ArchiveHeader>(json, Json);
        }
        catch (JsonException e)
        {
            throw new CorruptFileException(path, $"'{ParquetColumns.MetadataKey}' metadata is not valid JSON: {e.Message}", e);
        }
        if (h is null)
            throw new CorruptFileException(path, $"'{ParquetColumns.MetadataKey}' metadata is null");
        if (h.FormatVersion != CurrentVersion)
            throw new CorruptFileException(
                path,
                $"archive format version {h.FormatVersion} is not supported (this build reads {CurrentVersion})"
            );
        h.Low ??= [];
        h.High ??= [];
        h.Resolution ??= [];
        h.Centroids ??= [];
        h.Extra ??= [];
        if (h.SolutionDim < 1 || h.ObjectiveCount < 0)
            throw new CorruptFileException(path, $"header has solution_dim {h.SolutionDim} and objective_count {h.ObjectiveCount}");
        if (h.MeasureDim != h.Low.Length)
            throw new CorruptFileException(path, $"header has measure_dim {h.MeasureDim} but {h.Low.Length} lower bounds");
        if (ArchiveParquet.LayoutProblem(h.ToLayout()) is { } problem)
            throw new CorruptFileException(path, "header layout is inconsistent: " + problem);
        foreach (var name in h.Extra)
        {
            try
            {
                ArchiveColumns.ValidateExtraName(name);
            }
            catch (ArgumentException e)
            {
                throw new CorruptFileException(path, e.Message, e);
            }
        }
        return h;
    }
}
