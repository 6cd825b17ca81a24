namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random
open QdFunctional.Core.Scheduling

/// The ask/tell loop over one archive and its emitters, as pure functions.
[<RequireQualifiedAccess>]
module Scheduler =
    /// A scheduler over an archive and emitters.
    let create (archive: IArchive) (emitters: IEmitter list) = Scheduler.Create(archive, emitters)

    /// Asks every emitter for solutions; returns the next scheduler and the batch.
    let ask (key: Key) (scheduler: Scheduler) =
        let struct (next, solutions) = scheduler.Ask key
        next, solutions

    /// Tells the evaluation of the last asked batch; returns the next scheduler and the add report.
    let tell (evaluation: Evaluation) (scheduler: Scheduler) =
        let struct (next, report) = scheduler.Tell evaluation
        next, report

    /// The scheduler's archive.
    let archive (scheduler: Scheduler) = scheduler.Archive
