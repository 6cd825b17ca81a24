namespace QdFunctional.Core.Metrics;

using QdFunctional.Core.Archives;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;
using QdFunctional.Core.Tasks;

/// <summary>
/// The archive a noisy run would have if each elite were judged on more than one lucky evaluation:
/// every elite re-evaluated <c>samples</c> times (mean or median), and the results inserted into an
/// empty archive of the same cells (QDax's <c>reevaluation_function</c>, the "corrected" repertoire of
/// Flageat and Cully's uncertain-QD methodology). Elites whose re-evaluation lands in another cell
/// move there, and two that land in one cell keep the better; so the corrected QD score and coverage
/// are at most what the run reported, by how much the archive was luck.
/// </summary>
public static class Reevaluation
{
    /// <summary>
    /// The corrected archive of <paramref name="archive"/> (a grid, CVT or categorical cell archive),
    /// each elite evaluated <paramref name="samples"/> times under <paramref name="key"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An archive of another kind (MOME fronts, proximity, DNS),
    /// whose cells are not a fixed tessellation to re-insert into, or a task of another shape.</exception>
    public static CellArchive Corrected(
        IArchive archive,
        ITask task,
        Key key,
        int samples,
        SampleAggregate aggregate = SampleAggregate.Mean
    )
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(task);
        if (archive is not CellArchive cells)
            throw new ArgumentException(
                $"Re-evaluation corrects cell archives (grid, CVT, categorical); a {archive.GetType().Name} has no fixed cells to re-insert into.",
                nameof(archive)
            );
        if (task.SolutionDim != archive.SolutionDim || task.MeasureDim != archive.MeasureDim)
            throw new ArgumentException(
                $"Task {task.Name} takes {task.SolutionDim} values and gives {task.MeasureDim} measures; the archive holds {archive.SolutionDim} and {archive.MeasureDim}.",
                nameof(task)
            );
        // Plain insertion with the run's QD offset: the corrected archive scores as the run's does,
        // without the annealing thresholds of a CMA-MAE search archive (and without extra fields,
        // which the samples' aggregate does not carry).
        var empty = CellArchive.Create(cells.SolutionDim, cells.Tessellation, new ArchiveOptions(cells.Options.QdOffset));
        var elites = cells.Elites.ToArray();
        if (elites.Length == 0)
            return empty;
        var d = cells.SolutionDim;
        var values = new double[elites.Length * d];
        for (var i = 0; i < elites.Length; i++)
            elites[i].Solution.CopyTo(values.AsSpan(i * d, d));
        var batch = new SolutionBatch(elites.Length, d, values);
        var evaluation = SampledTask.Create(task, samples, aggregate).Seeded(key).Evaluate(batch);
        return empty.Add(batch, evaluation).Archive;
    }
}
