namespace QdFunctional.Core.Checkpoints;

using System.Text;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Emitters;
using QdFunctional.Core.Persistence;

/// <summary>
/// A novelty-search run's resumable state in one binary file: iteration, evaluations, elapsed
/// time, the proximity archive (entries in slot order with their insertion indices, whether it
/// was ever told objectives, and the statistics' compensated sums) and each emitter's evolving state, so a resumed run reproduces an
/// uninterrupted one bit for bit. Same envelope as <see cref="ArchiveCheckpoint"/>: written
/// atomically and ended by a checksum, so a torn or altered file is refused, never half-read.
/// </summary>
public static class ProximityCheckpoint
{
    const uint Magic = 0x564E4451; // "QDNV"
    const int FormatVersion = 1;

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ProximityCheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(state.Iteration);
            w.Write(state.Evaluations);
            w.Write(state.ElapsedSeconds);
            var a = state.Archive;
            w.Write(a.SolutionDim);
            w.Write(a.MeasureDim);
            w.Write(a.ExtraFields.Count);
            w.Write(a.NextIndex);
            w.Write(a.HasObjectives);
            w.Write(a.Stats.ObjectiveSum);
            w.Write(a.Stats.ObjectiveSumCompensation);
            w.Write(a.Count);
            foreach (var e in a.Elites)
            {
                w.Write(e.Objective);
                w.Write(e.Index);
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Solution));
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Measures));
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Extra));
            }
            w.Write(state.Emitters.Count);
            foreach (var emitter in state.Emitters)
                EmitterState.Write(w, emitter);
        }
        ChecksummedFile.Write(path, memory.ToArray());
    }

    /// <summary>
    /// Reads a checkpoint into <paramref name="empty"/> (an empty archive made from the run's
    /// configuration: k, threshold and bounds are not stored) and into <paramref name="emitters"/>
    /// made from the same configuration.
    /// </summary>
    /// <exception cref="CorruptFileException">The file is missing, truncated, altered, or made for another archive.</exception>
    public static ProximityCheckpointState Read(string path, ProximityArchive empty, IReadOnlyList<IEmitter> emitters)
    {
        ArgumentNullException.ThrowIfNull(empty);
        ArgumentNullException.ThrowIfNull(emitters);
        var payload = ChecksummedFile.Read(path);
        try
        {
            return Decode(path, payload, empty, emitters);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException and not CorruptFileException)
        {
            throw new CorruptFileException(path, $"checkpoint does not fit this run's archive: {e.Message}", e);
        }
    }

    static ProximityCheckpointState Decode(string path, byte[] payload, ProximityArchive empty, IReadOnlyList<IEmitter> templates)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        uint magic = r.ReadUInt32();
        if (magic != Magic)
            throw new CorruptFileException(
                path,
                magic == 0x4B434451 ? "this checkpoint holds a cell archive, not a proximity archive" : "not a novelty-search checkpoint"
            );
        int version = r.ReadInt32();
        if (version != FormatVersion)
            throw new CorruptFileException(path, $"checkpoint format {version}; this version reads format {FormatVersion}");
        int iteration = r.ReadInt32();
        long evaluations = r.ReadInt64();
        double elapsed = r.ReadDouble();
        int d = r.ReadInt32(),
            k = r.ReadInt32(),
            extraCount = r.ReadInt32();
        if (d != empty.SolutionDim || k != empty.MeasureDim || extraCount != empty.ExtraFields.Count)
            throw new CorruptFileException(
                path,
                $"checkpoint holds dimension {d}, {k} measures, {extraCount} extra fields; the run's archive has {empty.SolutionDim}, {empty.MeasureDim}, {empty.ExtraFields.Count}"
            );
        long next = r.ReadInt64();
        bool hasObjectives = r.ReadBoolean();
        double sum = r.ReadDouble(),
            comp = r.ReadDouble();
        int count = r.ReadInt32();
        int rowBytes = 16 + 8 * (d + k + extraCount);
        if (count < 0 || (long)count * rowBytes > payload.Length)
            throw new CorruptFileException(path, $"checkpoint claims {count} entries");
        var elites = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            double objective = r.ReadDouble();
            long insertion = r.ReadInt64();
            elites[i] = new Elite(i, objective, objective, Doubles(r, d), Doubles(r, k), Doubles(r, extraCount), insertion);
        }
        int emitterCount = r.ReadInt32();
        if (emitterCount != templates.Count)
            throw new CorruptFileException(path, $"checkpoint holds {emitterCount} emitters, the run has {templates.Count}");
        var emitters = new List<IEmitter>(emitterCount);
        for (int i = 0; i < emitterCount; i++)
            emitters.Add(EmitterState.Read(r, templates[i]));
        if (r.BaseStream.Position != payload.Length)
            throw new CorruptFileException(path, "checkpoint has trailing bytes");
        return new ProximityCheckpointState(
            iteration,
            evaluations,
            elapsed,
            empty.Restore(elites, next, sum, comp, hasObjectives),
            emitters
        );
    }

    static double[] Doubles(BinaryReader r, int n)
    {
        var bytes = r.ReadBytes(n * sizeof(double));
        if (bytes.Length != n * sizeof(double))
            throw new EndOfStreamException();
        var values = new double[n];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

/// <summary>What a novelty-search checkpoint holds.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="Evaluations">Solutions evaluated so far.</param>
/// <param name="ElapsedSeconds">Wall time spent so far.</param>
/// <param name="Archive">The proximity archive.</param>
/// <param name="Emitters">The emitters with their evolving state.</param>
public sealed record ProximityCheckpointState(
    int Iteration,
    long Evaluations,
    double ElapsedSeconds,
    ProximityArchive Archive,
    IReadOnlyList<IEmitter> Emitters
);
