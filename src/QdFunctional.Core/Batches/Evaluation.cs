namespace QdFunctional.Core.Batches;

/// <summary>
/// What a task returns for a batch: objectives (n × m), measures (n × k), optionally the
/// Jacobians of objectives and measures with respect to the solution (n × (m + k) × d), and
/// named extra columns (n values each). m = 0 means diversity only (no objective): the
/// pyribs convention of telling the scheduler no objective at all.
/// </summary>
public sealed class Evaluation
{
    static readonly IReadOnlyDictionary<string, double[]> NoExtra = new Dictionary<string, double[]>();

    /// <summary>Checks every shape against <paramref name="count"/>; values are checked by the archive on add.</summary>
    public Evaluation(
        int count,
        int objectiveCount,
        int measureDim,
        double[] objectives,
        double[] measures,
        double[]? jacobians = null,
        int solutionDim = 0,
        IReadOnlyDictionary<string, double[]>? extra = null
    )
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "An evaluation cannot have a negative count.");
        if (objectiveCount < 0)
            throw new ArgumentOutOfRangeException(nameof(objectiveCount), objectiveCount, "Objective count must be 0 or more.");
        if (measureDim < 1)
            throw new ArgumentOutOfRangeException(nameof(measureDim), measureDim, "At least one measure is needed.");
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(measures);
        if (objectives.Length != count * objectiveCount)
            throw new ArgumentException(
                $"objectives: expected {count} × {objectiveCount} = {count * objectiveCount} values, got {objectives.Length}.",
                nameof(objectives)
            );
        if (measures.Length != count * measureDim)
            throw new ArgumentException(
                $"measures: expected {count} × {measureDim} = {count * measureDim} values, got {measures.Length}.",
                nameof(measures)
            );
        if (jacobians is not null && (solutionDim < 1 || jacobians.LongLength != (long)count * (objectiveCount + measureDim) * solutionDim))
            throw new ArgumentException(
                $"jacobians: expected {count} × {objectiveCount + measureDim} × {solutionDim} values, got {jacobians.Length}.",
                nameof(jacobians)
            );
        extra ??= NoExtra;
        foreach (var (name, column) in extra)
            if (column.Length != count)
                throw new ArgumentException($"extra field '{name}': expected {count} values, got {column.Length}.", nameof(extra));
        Count = count;
        ObjectiveCount = objectiveCount;
        MeasureDim = measureDim;
        Objectives = objectives;
        Measures = measures;
        Jacobians = jacobians;
        SolutionDim = jacobians is null ? 0 : solutionDim;
        Extra = extra;
    }

    /// <summary>n: rows.</summary>
    public int Count { get; }

    /// <summary>m: objectives per row (0 for diversity only).</summary>
    public int ObjectiveCount { get; }

    /// <summary>k: measures per row.</summary>
    public int MeasureDim { get; }

    /// <summary>n × m objectives, row-major.</summary>
    public double[] Objectives { get; }

    /// <summary>n × k measures, row-major.</summary>
    public double[] Measures { get; }

    /// <summary>n × (m + k) × d Jacobians (objectives first, then measures), or null when not asked for.</summary>
    public double[]? Jacobians { get; }

    /// <summary>d, when Jacobians are present; 0 otherwise.</summary>
    public int SolutionDim { get; }

    /// <summary>Named extra columns (n values each).</summary>
    public IReadOnlyDictionary<string, double[]> Extra { get; }

    /// <summary>Row <paramref name="row"/>'s measures.</summary>
    public ReadOnlySpan<double> MeasuresOf(int row) => Measures.AsSpan(row * MeasureDim, MeasureDim);

    /// <summary>Row <paramref name="row"/>'s values of the named extra fields, in the order given (what an archive stores).</summary>
    public double[] ExtraRow(int row, IReadOnlyList<string> fields)
    {
        if (fields.Count == 0)
            return [];
        var values = new double[fields.Count];
        for (int j = 0; j < fields.Count; j++)
            values[j] = Extra[fields[j]][row];
        return values;
    }

    /// <summary>Row <paramref name="row"/>'s objectives.</summary>
    public ReadOnlySpan<double> ObjectivesOf(int row) => Objectives.AsSpan(row * ObjectiveCount, ObjectiveCount);

    /// <summary>Rows [start, start + count) (copied), for handing each emitter its share.</summary>
    public Evaluation Slice(int start, int count)
    {
        Dictionary<string, double[]>? extra = null;
        if (Extra.Count > 0)
        {
            extra = new Dictionary<string, double[]>(Extra.Count);
            foreach (var (name, column) in Extra)
                extra[name] = column.AsSpan(start, count).ToArray();
        }
        int rows = ObjectiveCount + MeasureDim;
        return new Evaluation(
            count,
            ObjectiveCount,
            MeasureDim,
            Objectives.AsSpan(start * ObjectiveCount, count * ObjectiveCount).ToArray(),
            Measures.AsSpan(start * MeasureDim, count * MeasureDim).ToArray(),
            Jacobians?.AsSpan(start * rows * SolutionDim, count * rows * SolutionDim).ToArray(),
            SolutionDim,
            extra
        );
    }

    /// <summary>The same evaluation without Jacobians or objectives, e.g. to run diversity-only search on a QD task.</summary>
    public Evaluation WithoutObjectives() => new(Count, 0, MeasureDim, [], Measures, null, 0, Extra);
}
