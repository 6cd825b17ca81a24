namespace QdFunctional

open System.IO
open QdFunctional.Core.Checkpoints

/// Checkpoints of a run a script drives itself (its own scheduler and fold): the whole state in
/// one file (every archive, each emitter's evolving state such as CMA-ES covariances or CMA-MEGA's
/// θ, iteration and evaluations), written atomically and ended by a checksum, the format `qd run`
/// writes to `checkpoint.bin`. A fold resumed from it continues bit for bit.
[<RequireQualifiedAccess>]
module Checkpoint =
    /// Writes `state` to `path` atomically (a temporary file, flushed, then renamed).
    let save (path: string) (state: RunState) =
        let s = state.Scheduler

        if not (isNull s.Pending) then
            invalidOp "Checkpoint.save: a batch is asked and not told; checkpoint between iterations."

        ArchiveCheckpoint.Write(
            path,
            CheckpointState(state.Iteration, state.Evaluations, 0.0, s.Archive, s.ResultArchive, Seq.toArray s.Emitters)
        )

    /// Reads `path` into `fresh`: the scheduler as the script makes it before anything is added
    /// (the same empty archives and emitters), whose archives and emitter states the checkpoint
    /// fills. A checkpoint of another archive kind, size or emitter set is refused.
    let load (path: string) (fresh: Scheduler) : RunState =
        if not fresh.Archive.IsEmpty then
            invalidArg
                "fresh"
                "Checkpoint.load: give the scheduler as made, before any solution is added; the checkpoint holds the archives."

        let c =
            ArchiveCheckpoint.Read(path, fresh.Archive, fresh.ResultArchive, Seq.toArray fresh.Emitters)

        {
            Scheduler = Scheduler.Create(c.Archive, c.Emitters, c.ResultArchive)
            Iteration = c.Iteration
            Evaluations = c.Evaluations
        }

    /// The state in `path` read into `fresh` (see `load`), or None when there is no such file.
    let tryLoad (path: string) (fresh: Scheduler) =
        if File.Exists path then Some(load path fresh) else None
