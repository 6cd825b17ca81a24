using System.Text;

namespace QdFunctional.Serve;

/// <summary>
/// Reading a file that a run only appends to (the live logs): the complete lines, never a half-written
/// last one, and from an offset, so following a growing file reads each byte once.
/// </summary>
public static class AppendedLines
{
    /// <summary>Every complete line of <paramref name="path"/>.</summary>
    public static List<string> Complete(string path)
    {
        long offset = 0;
        return After(path, ref offset) ?? [];
    }

    /// <summary>The last complete line, read from the file's tail; null when the file is gone or has none.</summary>
    public static string? LastComplete(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 12);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        using (stream)
        {
            // A metrics line is about 150 bytes: 4 KiB holds the last one whole.
            long start = Math.Max(0, stream.Length - 4096);
            stream.Position = start;
            var bytes = new byte[stream.Length - start];
            stream.ReadExactly(bytes);
            int end = Array.LastIndexOf(bytes, (byte)'\n');
            if (end < 0)
                return null;
            int begin = end == 0 ? -1 : Array.LastIndexOf(bytes, (byte)'\n', end - 1);
            if (begin < 0 && start > 0)
                return null;
            return Encoding.UTF8.GetString(bytes, begin + 1, end - begin - 1);
        }
    }

    /// <summary>
    /// The complete lines from byte <paramref name="offset"/> on, moving the offset past them; null when the
    /// file is gone or shrank (it was replaced: the caller starts again from 0).
    /// </summary>
    public static List<string>? After(string path, ref long offset)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 14);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        using (stream)
        {
            if (stream.Length < offset)
                return null;
            stream.Position = offset;
            var bytes = new byte[stream.Length - offset];
            stream.ReadExactly(bytes);
            int end = Array.LastIndexOf(bytes, (byte)'\n');
            if (end < 0)
                return [];
            offset += end + 1;
            return [.. Encoding.UTF8.GetString(bytes, 0, end).Split('\n')];
        }
    }
}
