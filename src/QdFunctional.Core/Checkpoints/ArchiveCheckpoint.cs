namespace QdFunctional.Core.Checkpoints;

using System.Text;
using QdFunctional.Core.Archives;
using QdFunctional.Core.Persistence;
using QdFunctional.Core.Random;

/// <summary>
/// A run's resumable state in one binary file: iteration, evaluations, elapsed time, the whole
/// archive (elites in the order their cells were first filled, their thresholds and insertion
/// indices, and the statistics' compensated sums; for MOME every cell's front in its order; for
/// novelty search the proximity archive's entries in slot order; kinds that implement
/// <c>ICheckpointedArchive</c>, such as sliding boundaries and DNS, write their own part), CMA-MAE's result archive, and each emitter's
/// evolving state, so a resumed run reproduces an uninterrupted one bit for bit. Written atomically (temporary file, flush,
/// rename) and ended by a checksum, so a torn or altered file is refused, never half-read.
/// </summary>
public static class ArchiveCheckpoint
{
    const uint Magic = 0x4B434451; // "QDCK"
    const int FormatVersion = 4;

    // Format 4 records the random streams' version (Key.StreamVersion) after the format; formats 2
    // and 3 were written by stream 1. Format 3 tags each archive with its kind; format 2 held cell
    // archives only, untagged.
    const byte CellKind = 0,
        MomeKind = 1,
        ProximityKind = 2;

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, CheckpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ChecksummedFile.Write(path, Encode(state));
    }

    /// <summary>
    /// Reads a checkpoint into <paramref name="empty"/>, an empty archive made from the run's
    /// configuration (the tessellation is not stored; it is rebuilt from the config).
    /// </summary>
    /// <exception cref="CorruptFileException">The file is truncated, altered, or made for another archive.</exception>
    /// <exception cref="StreamVersionException">The file was written by another version of the random streams.</exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="empty">An empty search archive made from the run's configuration.</param>
    /// <param name="emptyResult">An empty result archive (CMA-MAE), or null.</param>
    /// <param name="emitters">Emitters made from the run's configuration: their saved states are restored into them.</param>
    public static CheckpointState Read(
        string path,
        IArchive empty,
        IArchive? emptyResult = null,
        IReadOnlyList<Emitters.IEmitter>? emitters = null
    )
    {
        ArgumentNullException.ThrowIfNull(empty);
        var payload = ChecksummedFile.Read(path);
        try
        {
            return Decode(path, payload, empty, emptyResult, emitters);
        }
        catch (Exception e)
            when (e is EndOfStreamException or ArgumentException or IOException and not CorruptFileException and not StreamVersionException)
        {
            throw new CorruptFileException(path, $"checkpoint does not fit this run's archive: {e.Message}", e);
        }
    }

    static byte[] Encode(CheckpointState state)
    {
        using var memory = new MemoryStream();
        using (var w = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(Key.StreamVersion);
            w.Write(state.Iteration);
            w.Write(state.Evaluations);
            w.Write(state.ElapsedSeconds);
            WriteArchive(w, state.Archive);
            w.Write(state.ResultArchive is not null);
            if (state.ResultArchive is not null)
                WriteArchive(w, state.ResultArchive);
            var emitters = state.Emitters ?? [];
            w.Write(emitters.Count);
            foreach (var emitter in emitters)
                EmitterState.Write(w, emitter);
        }
        return memory.ToArray();
    }

    /// <summary>Writes an archive held inside another (the result archive of a density archive), with its kind tag.</summary>
    internal static void WriteNested(BinaryWriter w, IArchive archive) => WriteArchive(w, archive);

    /// <summary>Reads an archive written by <see cref="WriteNested"/> into <paramref name="empty"/>.</summary>
    internal static IArchive ReadNested(BinaryReader r, IArchive empty) => ReadArchive("checkpoint", r, empty, FormatVersion);

    static void WriteArchive(BinaryWriter w, IArchive archive)
    {
        switch (archive)
        {
            case CellArchive cells:
                w.Write(CellKind);
                WriteCells(w, cells);
                break;
            case MomeArchive mome:
                w.Write(MomeKind);
                WriteMome(w, mome);
                break;
            case ProximityArchive proximity:
                w.Write(ProximityKind);
                WriteProximity(w, proximity);
                break;
            case ICheckpointedArchive own:
                w.Write(own.CheckpointKind);
                own.WriteCheckpoint(w);
                break;
            default:
                throw new NotSupportedException($"Checkpoints cannot save archives of type {archive.GetType().Name}.");
        }
    }

    static void WriteMome(BinaryWriter w, MomeArchive archive)
    {
        w.Write(archive.CellCount);
        w.Write(archive.SolutionDim);
        w.Write(archive.MeasureDim);
        w.Write(archive.ObjectiveCount);
        w.Write(archive.ExtraFields.Count);
        foreach (var name in archive.ExtraFields)
            w.Write(name);
        w.Write(archive.NextIndex);
        w.Write(archive.Stats.ObjectiveSum);
        w.Write(archive.Stats.ObjectiveSumCompensation);
        w.Write(archive.BestBySum?.Index ?? -1L);
        w.Write(archive.OccupiedCount);
        foreach (var front in archive.FrontsInFillOrder())
        {
            w.Write(front.Length);
            foreach (var e in front)
            {
                w.Write(e.Cell);
                w.Write(e.Index);
                WriteDoubles(w, e.Objectives);
                WriteDoubles(w, e.Solution);
                WriteDoubles(w, e.Measures);
                WriteDoubles(w, e.Extra);
            }
        }
    }

    // k, the threshold and the bounds are not stored: they come from the run's configuration.
    static void WriteProximity(BinaryWriter w, ProximityArchive archive)
    {
        w.Write(archive.SolutionDim);
        w.Write(archive.MeasureDim);
        w.Write(archive.ExtraFields.Count);
        w.Write(archive.NextIndex);
        w.Write(archive.HasObjectives);
        w.Write(archive.Stats.ObjectiveSum);
        w.Write(archive.Stats.ObjectiveSumCompensation);
        w.Write(archive.Count);
        foreach (var e in archive.Elites)
        {
            w.Write(e.Objective);
            w.Write(e.Index);
            WriteDoubles(w, e.Solution);
            WriteDoubles(w, e.Measures);
            WriteDoubles(w, e.Extra);
        }
    }

    static void WriteCells(BinaryWriter w, CellArchive archive)
    {
        {
            w.Write(archive.CellCount);
            w.Write(archive.SolutionDim);
            w.Write(archive.MeasureDim);
            w.Write(archive.ExtraFields.Count);
            foreach (var name in archive.ExtraFields)
                w.Write(name);
            w.Write(archive.NextIndex);
            w.Write(archive.Stats.ObjectiveSum);
            w.Write(archive.Stats.ObjectiveSumCompensation);
            var occupied = archive.OccupiedCells;
            w.Write(occupied.Length);
            foreach (int cell in occupied)
            {
                var e = archive.EliteAt(cell)!;
                w.Write(e.Cell);
                w.Write(e.Objective);
                w.Write(e.Threshold);
                w.Write(e.Index);
                WriteDoubles(w, e.Solution);
                WriteDoubles(w, e.Measures);
                WriteDoubles(w, e.Extra);
            }
        }
    }

    static CheckpointState Decode(
        string path,
        byte[] payload,
        IArchive empty,
        IArchive? emptyResult,
        IReadOnlyList<Emitters.IEmitter>? templates
    )
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        if (r.ReadUInt32() != Magic)
            throw new CorruptFileException(path, "not a QdFunctional checkpoint");
        int version = r.ReadInt32();
        if (version is < 2 or > FormatVersion)
            throw new CorruptFileException(path, $"checkpoint format {version}; this version reads formats 2 to {FormatVersion}");
        int stream = version >= 4 ? r.ReadInt32() : 1;
        if (stream != Key.StreamVersion)
            throw new StreamVersionException(path, stream);
        int iteration = r.ReadInt32();
        long evaluations = r.ReadInt64();
        double elapsed = r.ReadDouble();
        var archive = ReadArchive(path, r, empty, version);
        bool hasResult = r.ReadBoolean();
        if (hasResult != emptyResult is not null)
            throw new CorruptFileException(
                path,
                hasResult ? "checkpoint holds a result archive, but the run has none" : "checkpoint lacks the result archive the run needs"
            );
        var result = hasResult ? ReadArchive(path, r, emptyResult!, version) : null;
        int count = r.ReadInt32();
        List<Emitters.IEmitter>? emitters = null;
        if (templates is not null)
        {
            if (count != templates.Count)
                throw new CorruptFileException(path, $"checkpoint holds {count} emitters, the run has {templates.Count}");
            emitters = new List<Emitters.IEmitter>(count);
            for (int i = 0; i < count; i++)
                emitters.Add(EmitterState.Read(r, templates[i]));
        }
        else if (count > 0)
            throw new CorruptFileException(path, $"checkpoint holds {count} emitter states; pass the run's emitters to restore them");
        if (r.BaseStream.Position != payload.Length)
            throw new CorruptFileException(path, "checkpoint has trailing bytes");
        return new CheckpointState(iteration, evaluations, elapsed, archive, result, emitters);
    }

    static IArchive ReadArchive(string path, BinaryReader r, IArchive empty, int version)
    {
        byte kind = version == 2 ? CellKind : r.ReadByte();
        if (empty is ICheckpointedArchive own && own.CheckpointKind == kind)
            return own.ReadCheckpoint(r);
        return (kind, empty) switch
        {
            (CellKind, CellArchive cells) => ReadCells(path, r, cells),
            (MomeKind, MomeArchive mome) => ReadMome(path, r, mome),
            (ProximityKind, ProximityArchive proximity) => ReadProximity(path, r, proximity),
            (CellKind or MomeKind or ProximityKind, _) => throw new CorruptFileException(
                path,
                $"checkpoint holds a {KindName(kind)} archive; the run's archive is a {empty.GetType().Name}"
            ),
            _ => throw new CorruptFileException(
                path,
                $"checkpoint holds an archive of kind {kind}; the run's archive is a {empty.GetType().Name}"
            ),
        };
    }

    static string KindName(byte kind) =>
        kind switch
        {
            CellKind => "cell",
            MomeKind => "MOME",
            _ => "proximity",
        };

    static ProximityArchive ReadProximity(string path, BinaryReader r, ProximityArchive empty)
    {
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
        if (count < 0 || (long)count * rowBytes > r.BaseStream.Length - r.BaseStream.Position)
            throw new CorruptFileException(path, $"checkpoint claims {count} entries");
        var elites = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            double objective = r.ReadDouble();
            long insertion = r.ReadInt64();
            var solution = ReadDoubles(r, d);
            var measures = ReadDoubles(r, k);
            var extra = ReadDoubles(r, extraCount);
            elites[i] = new Elite(i, objective, objective, solution, measures, extra, insertion);
        }
        return empty.Restore(elites, next, sum, comp, hasObjectives);
    }

    static MomeArchive ReadMome(string path, BinaryReader r, MomeArchive empty)
    {
        int cells = r.ReadInt32(),
            d = r.ReadInt32(),
            k = r.ReadInt32(),
            m = r.ReadInt32(),
            extraCount = r.ReadInt32();
        if (cells != empty.CellCount || d != empty.SolutionDim || k != empty.MeasureDim || m != empty.ObjectiveCount)
            throw new CorruptFileException(
                path,
                $"checkpoint holds {cells} cells, dimension {d}, {k} measures, {m} objectives; the run's MOME archive has "
                    + $"{empty.CellCount}, {empty.SolutionDim}, {empty.MeasureDim}, {empty.ObjectiveCount}"
            );
        if (extraCount != empty.ExtraFields.Count)
            throw new CorruptFileException(path, "checkpoint's extra fields differ from the run's");
        for (int j = 0; j < extraCount; j++)
            if (r.ReadString() != empty.ExtraFields[j])
                throw new CorruptFileException(path, "checkpoint's extra fields differ from the run's");
        long next = r.ReadInt64();
        double sum = r.ReadDouble(),
            comp = r.ReadDouble();
        long best = r.ReadInt64();
        int occupied = r.ReadInt32();
        if (occupied < 0 || occupied > cells)
            throw new CorruptFileException(path, $"checkpoint claims {occupied} occupied cells of {cells}");
        var fronts = new List<Elite[]>(occupied);
        for (int c = 0; c < occupied; c++)
        {
            int length = r.ReadInt32();
            if (length < 1 || length > empty.Options.ParetoFrontMaxLength)
                throw new CorruptFileException(path, $"checkpoint holds a front of {length} solutions");
            var front = new Elite[length];
            for (int i = 0; i < length; i++)
            {
                int cell = r.ReadInt32();
                long index = r.ReadInt64();
                var objectives = ReadDoubles(r, m);
                var solution = ReadDoubles(r, d);
                var measures = ReadDoubles(r, k);
                var extra = ReadDoubles(r, extraCount);
                front[i] = new Elite(cell, objectives, solution, measures, extra, index);
            }
            fronts.Add(front);
        }
        return empty.Restore(fronts, next, sum, comp, best);
    }

    static CellArchive ReadCells(string path, BinaryReader r, CellArchive empty)
    {
        int cells = r.ReadInt32(),
            d = r.ReadInt32(),
            k = r.ReadInt32(),
            extraCount = r.ReadInt32();
        if (cells != empty.CellCount || d != empty.SolutionDim || k != empty.MeasureDim || extraCount != empty.ExtraFields.Count)
            throw new CorruptFileException(
                path,
                $"checkpoint holds {cells} cells, dimension {d}, {k} measures; the run's archive has {empty.CellCount}, {empty.SolutionDim}, {empty.MeasureDim}"
            );
        for (int j = 0; j < extraCount; j++)
            if (r.ReadString() != empty.ExtraFields[j])
                throw new CorruptFileException(path, "checkpoint's extra fields differ from the run's");
        long next = r.ReadInt64();
        double sum = r.ReadDouble(),
            comp = r.ReadDouble();
        int count = r.ReadInt32();
        if (count < 0 || count > cells)
            throw new CorruptFileException(path, $"checkpoint claims {count} elites in {cells} cells");
        var elites = new Elite[count];
        for (int i = 0; i < count; i++)
        {
            int cell = r.ReadInt32();
            double objective = r.ReadDouble(),
                threshold = r.ReadDouble();
            long index = r.ReadInt64();
            var solution = ReadDoubles(r, d);
            var measures = ReadDoubles(r, k);
            var extra = ReadDoubles(r, extraCount);
            elites[i] = new Elite(cell, objective, threshold, solution, measures, extra, index);
        }
        return empty.Restore(elites, next, sum, comp);
    }

    internal static void WriteDoubles(BinaryWriter w, ReadOnlySpan<double> values)
    {
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    internal static double[] ReadDoubles(BinaryReader r, int expected)
    {
        int n = r.ReadInt32();
        if (n != expected)
            throw new ArgumentException($"a row holds {n} values, expected {expected}");
        var values = new double[n];
        var bytes = r.ReadBytes(n * sizeof(double));
        if (bytes.Length != n * sizeof(double))
            throw new EndOfStreamException();
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

/// <summary>What a checkpoint holds: the position of the run and its archive.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="Evaluations">Solutions evaluated so far.</param>
/// <param name="ElapsedSeconds">Wall time spent so far (resumed runs keep counting from here).</param>
/// <param name="Archive">The archive.</param>
/// <param name="ResultArchive">CMA-MAE's result archive, or null.</param>
/// <param name="Emitters">The emitters with their evolving state (CMA-ES, θ, Adam moments), or null.</param>
public sealed record CheckpointState(
    int Iteration,
    long Evaluations,
    double ElapsedSeconds,
    IArchive Archive,
    IArchive? ResultArchive = null,
    IReadOnlyList<Emitters.IEmitter>? Emitters = null
);
