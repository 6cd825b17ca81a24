namespace QdFunctional.Core.Persistence;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same directory, is flushed
/// to disk, and is then renamed over the target. A crash or an exception midway leaves the previous file
/// (or no file) at the path, never a half-written one, so a run killed during a checkpoint can resume.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, atomically. The directory is created
    /// if needed. If <paramref name="write"/> throws, the temporary file is deleted and the old file kept.
    /// </summary>
    /// <param name="path">Target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given (seekable, readable).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, tmp) = Prepare(path);
        try
        {
            using (var stream = OpenTemp(tmp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Asynchronous form of <see cref="Write"/>, for writers that are asynchronous themselves.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given (seekable, readable).</param>
    /// <param name="cancellationToken">Cancels the write; the old file is then kept.</param>
    public static async Task WriteAsync(
        string path,
        Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, tmp) = Prepare(path);
        try
        {
            await using (var stream = OpenTemp(tmp))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Resolves the target and picks a unique temporary name beside it (same file system, so the rename is atomic).</summary>
    private static (string Full, string Tmp) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        return (full, tmp);
    }

    private static FileStream OpenTemp(string tmp) =>
        new(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16);

    private static void TryDelete(string tmp)
    {
        try
        {
            File.Delete(tmp);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException) { }
    }
}
