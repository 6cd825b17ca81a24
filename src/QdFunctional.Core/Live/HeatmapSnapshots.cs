using System.Text.Json;

namespace QdFunctional.Core.Live;

/// <summary>
/// <c>heatmaps.jsonl</c> of a run directory: one <see cref="HeatmapFrame"/> per checkpoint, one JSON
/// line each, appended, so a dashboard can step through the archive's growth. A frame is at most
/// 128 × 128 bins, whatever the archive's size. Never part of a run's results.
/// </summary>
public static class HeatmapSnapshots
{
    /// <summary>File name inside a run directory.</summary>
    public const string FileName = "heatmaps.jsonl";

    /// <summary>camelCase, and NaN written as a string: a frame from an empty-objective archive stays valid JSON.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Appends one frame as a line.</summary>
    public static void Append(string dir, HeatmapFrame frame) =>
        File.AppendAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(frame, Json) + "\n");

    /// <summary>The frame on one line, or null when the line is not a frame (a reader skips it).</summary>
    public static HeatmapFrame? Parse(string line)
    {
        try
        {
            var f = JsonSerializer.Deserialize<HeatmapFrame>(line, Json);
            return
                f is { Levels: not null, Low: not null, High: not null, Width: > 0, Height: > 0 }
                && f.Levels.Length == 4 * ((f.Width * f.Height + 2) / 3)
                ? f
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
