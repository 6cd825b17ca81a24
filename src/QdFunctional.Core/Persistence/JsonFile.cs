using System.Text.Json;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// Small JSON documents (run configurations, manifests): written atomically and indented so people can
/// read and diff them, read back with an error that names the file when the JSON is broken.
/// </summary>
public static class JsonFile
{
    /// <summary>Options shared by writing and reading: indented, and NaN/Infinity allowed because objectives can be.</summary>
    public static JsonSerializerOptions Options { get; } =
        new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Serializes <paramref name="value"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    /// <typeparam name="T">The document type.</typeparam>
    /// <param name="path">Target file.</param>
    /// <param name="value">The document.</param>
    public static void Write<T>(string path, T value) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, value, Options));

    /// <summary>Reads a document written by <see cref="Write{T}"/>.</summary>
    /// <typeparam name="T">The document type.</typeparam>
    /// <param name="path">The file to read.</param>
    /// <exception cref="CorruptFileException">The file is not valid JSON for <typeparamref name="T"/>, or holds <c>null</c>.</exception>
    public static T Read<T>(string path)
    {
        using var stream = File.OpenRead(path);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(stream, Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw new CorruptFileException(path, $"not valid JSON for {typeof(T).Name}{where}: {e.Message}", e);
        }
        return value ?? throw new CorruptFileException(path, $"holds null, expected a {typeof(T).Name}");
    }
}
