namespace QdFunctional.Core.Checkpoints;

using QdFunctional.Core.Persistence;

/// <summary>
/// The envelope every checkpoint format shares: the payload, then its 64-bit FNV-1a checksum,
/// written atomically (temporary file, flush, rename). Reading checks the checksum first, so a
/// torn or altered file is refused whole instead of half-decoded.
/// </summary>
internal static class ChecksummedFile
{
    /// <summary>Writes <paramref name="payload"/> and its checksum to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, byte[] payload) =>
        AtomicFile.Write(
            path,
            stream =>
            {
                stream.Write(payload);
                stream.Write(BitConverter.GetBytes(Fnv1a(payload)));
            }
        );

    /// <summary>The payload of a file written by <see cref="Write"/>.</summary>
    /// <exception cref="CorruptFileException">The file is missing, truncated or altered.</exception>
    public static byte[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new CorruptFileException(path, "no checkpoint file", e);
        }
        if (bytes.Length < 16)
            throw new CorruptFileException(path, $"checkpoint of {bytes.Length} bytes is truncated");
        var payload = bytes.AsSpan(0, bytes.Length - 8);
        if (BitConverter.ToUInt64(bytes, bytes.Length - 8) != Fnv1a(payload))
            throw new CorruptFileException(path, "checkpoint checksum does not match (truncated or altered file)");
        return payload.ToArray();
    }

    static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data)
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
