namespace QdFunctional

open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Metrics
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks

/// The state of a run between iterations: everything that varies. The rest is the plan.
type RunState =
    {
        Scheduler: Scheduler
        /// Iterations completed (0 after the initial population).
        Iteration: int
        /// Solutions evaluated so far.
        Evaluations: int64
    }

    /// The archive whose elites are the run's result (CMA-MAE's result archive, else the archive).
    member s.Archive = s.Scheduler.Results

/// A fold a script builds itself: a scheduler made from the front's modules, advanced one
/// iteration at a time with the key plan's keys (iteration i draws from `KeyPlan.iteration i`),
/// counting iterations and evaluations as `qd run` does. `Checkpoint` saves and restores it.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module RunState =
    /// The state before the first iteration (anything already inserted counts as no evaluation).
    let start (scheduler: Scheduler) =
        {
            Scheduler = scheduler
            Iteration = 0
            Evaluations = 0L
        }

    /// The next iteration with options (see `Scheduler.stepCounted`).
    let stepWith (options: StepOptions) (task: ITask) (keys: RunKeys) (state: RunState) =
        let i = state.Iteration + 1

        let scheduler, evaluations =
            Scheduler.stepCounted options task (KeyPlan.iteration i keys) state.Scheduler

        {
            Scheduler = scheduler
            Iteration = i
            Evaluations = state.Evaluations + evaluations
        }

    /// The next iteration of `task`.
    let step (task: ITask) (keys: RunKeys) (state: RunState) =
        stepWith StepOptions.defaults task keys state

    /// Iterations until `state.Iteration = last`, with options.
    let runToWith (options: StepOptions) (last: int) (task: ITask) (keys: RunKeys) (state: RunState) =
        let mutable s = state

        while s.Iteration < last do
            s <- stepWith options task keys s

        s

    /// Iterations of `task` until `state.Iteration = last`: `RunState.start s |> RunState.runTo 100 task keys`.
    let runTo (last: int) (task: ITask) (keys: RunKeys) (state: RunState) =
        runToWith StepOptions.defaults last task keys state
