namespace QdFunctional.Core.Persistence;

/// <summary>
/// A file the toolkit wrote (or should have written) cannot be read back: truncated, not Parquet or
/// JSON at all, missing a required column, or holding a column of the wrong type. One type for all of
/// these so callers can catch it in one place, and an <see cref="IOException"/> because that is what it is.
/// </summary>
public sealed class CorruptFileException : IOException
{
    /// <summary>Creates the exception; the message starts with the path so a log line is enough to act on.</summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="problem">What is wrong with it, in a few words.</param>
    /// <param name="inner">The library error that revealed the problem, if any.</param>
    public CorruptFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with the file, without the path.</summary>
    public string Problem { get; }
}
