namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Random;

/// <summary>
/// A run's checkpoint (or config) was written by another version of the random streams
/// (<see cref="Key.StreamVersion"/>): resuming it would continue with other draws than the ones
/// the run began with, so the result would match neither an uninterrupted old run nor a new one.
/// </summary>
/// <remarks>An <see cref="IOException"/>, so the command line prints its one-line message.</remarks>
public sealed class StreamVersionException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>, written by stream <paramref name="stream"/>.</summary>
    public StreamVersionException(string path, int stream)
        : base(
            $"{path}: written with random stream {stream} ({Describe(stream)}), but this QdFunctional draws stream {Key.StreamVersion} ({Describe(Key.StreamVersion)}); "
                + "it cannot resume this run: start it again (qd run --overwrite) or resume it with the QdFunctional that began it."
        )
    {
        FilePath = path;
        Stream = stream;
    }

    /// <summary>The file that was refused.</summary>
    public string FilePath { get; }

    /// <summary>The stream version the file was written with.</summary>
    public int Stream { get; }

    static string Describe(int stream) =>
        stream switch
        {
            1 => "Box-Muller normals",
            2 => "ziggurat normals",
            _ => "unknown to this version",
        };
}
