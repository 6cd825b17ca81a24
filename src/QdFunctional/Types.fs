namespace QdFunctional

// The core's types under the front's namespace, so that a script names every value it holds with
// `open QdFunctional` alone. They are the same types (abbreviations, not wrappers): a value made
// here goes to any core method, and the other way round.

/// Every key of a run by purpose (initial population, CVT centroids, each iteration); see `KeyPlan`.
type RunKeys = QdFunctional.Core.Scheduling.RunKeys

/// One iteration's keys by purpose (gradient points, probes, branches); see `KeyPlan.iteration`.
type IterationKeys = QdFunctional.Core.Scheduling.IterationKeys

/// n solutions of dimension d as one row-major block; see the `Solutions` module.
type SolutionBatch = QdFunctional.Core.Batches.SolutionBatch

/// What every archive offers (add, sample, statistics); see the `Archive` module.
type IArchive = QdFunctional.Core.Archives.IArchive

/// A grid or CVT archive (one elite per cell; CMA-MAE's thresholds when its learning rate is below 1).
type CellArchive = QdFunctional.Core.Archives.CellArchive

/// MOME's archive: a Pareto front per cell.
type MomeArchive = QdFunctional.Core.Archives.MomeArchive

/// Novelty search's archive of entries far enough apart in measure space.
type ProximityArchive = QdFunctional.Core.Archives.ProximityArchive

/// Where an archive's cells lie in measure space (a grid or CVT centroids); see the `Cells` module.
type Tessellation = QdFunctional.Core.Archives.ITessellation

/// Settings of grid and CVT archives (QD offset, CMA-MAE's learning rate and minimum threshold, extra fields).
type ArchiveOptions = QdFunctional.Core.Archives.ArchiveOptions

/// One stored solution with its objectives, measures, cell, threshold and insertion index.
type Elite = QdFunctional.Core.Archives.Elite

/// What adding a batch did to each solution (status, improvement value, cell).
type AddReport = QdFunctional.Core.Archives.AddReport

/// Not added < improved < new cell.
type AddStatus = QdFunctional.Core.Archives.AddStatus

/// An archive's incremental statistics (elites, coverage, QD score, best and mean objective).
type ArchiveStats = QdFunctional.Core.Archives.ArchiveStats

/// An archive's elites as columns (what `archive.parquet` holds).
type EliteTable = QdFunctional.Core.Archives.EliteTable

/// An emitter: pure ask/tell over an archive; see the `Emitter` module.
type IEmitter = QdFunctional.Core.Emitters.IEmitter

/// A task: evaluates a batch of solutions; see the `Task` module.
type ITask = QdFunctional.Core.Tasks.ITask

/// One row of `metrics.parquet`.
type MetricsRow = QdFunctional.Core.Metrics.MetricsRow

/// Settings of a MOME archive (front length P, what happens when a front overflows, extra fields).
type MomeOptions = QdFunctional.Core.Archives.MomeOptions

/// Settings of a proximity archive (k, novelty threshold, local competition, size limits).
type ProximityOptions = QdFunctional.Core.Archives.Proximity.ProximityOptions
