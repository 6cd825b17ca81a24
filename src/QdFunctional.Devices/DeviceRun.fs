namespace QdFunctional

open System
open QdFunctional.Core.Archives
open QdFunctional.Core.Metrics
open QdFunctional.Gpu

/// The device's operators by the front's names.
[<RequireQualifiedAccess>]
module GpuOperators =
    /// The Gpu assembly's operator for the front's.
    let operator (op: QdFunctional.DeviceOperator) =
        match op with
        | QdFunctional.DeviceOperator.Gaussian -> DeviceOperator.Gaussian
        | QdFunctional.DeviceOperator.IsoLine -> DeviceOperator.IsoLine
        | QdFunctional.DeviceOperator.Og -> DeviceOperator.Og
        | QdFunctional.DeviceOperator.Omg -> DeviceOperator.Omg

/// A run's iterations on a device (RunPlan.OnDevice): the archive lives on the device, each
/// iteration sends back three numbers, and the archive comes back only when a checkpoint or the
/// results are written. It draws from the same iteration keys as `Run.step`, so its archive equals
/// the CPU run's bit for bit (see QdFunctional.Gpu's DeviceMapElites).
type DeviceRun(plan: RunPlan, start: RunState) =
    let config = plan.Config

    let resolution =
        match plan.Archive with
        | Grid dims -> dims
        | _ -> invalidArg "archive" $"a device run needs a grid archive, got '{config.Archive}'."

    let operator =
        match plan.OnDevice with
        | Some op -> GpuOperators.operator op
        | None -> invalidArg "plan" $"{config.Algorithm} on {config.Task} does not run on a device."

    let initial =
        match start.Scheduler.Archive with
        | :? CellArchive as a -> a
        | other -> invalidArg "start" $"a device run keeps a grid archive, got {other.GetType().Name}."

    let stats = initial.Stats

    let device =
        new DeviceMapElites(
            config.Device,
            config.Task,
            config.Dim,
            resolution,
            DeviceOperators.Name operator,
            config.Sigma,
            config.LineSigma,
            config.SigmaG,
            config.NormalizeGradients,
            config.Emitters,
            config.Batch
        )

    do
        try
            // ToCellArchive builds a plain grid archive; the device tasks' objectives start at 0.
            if stats.QdOffset <> 0.0 then
                invalidArg
                    "task"
                    $"task {config.Task} counts QD scores from {stats.QdOffset}; device runs count from 0."

            device.Load initial
        with _ ->
            device.Dispose()
            reraise ()

    /// One iteration on the device. The state's archive is left as it was until `Current`.
    member _.Step(state: RunState) : RunState =
        let i = state.Iteration + 1
        device.Step(Run.iterationKeys plan i) |> ignore

        { state with
            Iteration = i
            Evaluations = state.Evaluations + int64 device.EvaluationsPerStep
        }

    /// The metrics row of the last iteration, from the device's three numbers (the objective sum is
    /// summed afresh over the occupied cells, so it may differ from the CPU archive's compensated
    /// running sum in the last bits).
    member _.Metrics (elapsedSeconds: float) (state: RunState) =
        let m = device.Metrics
        let n = m.Elites
        let cells = float stats.CellCount
        let qd = m.ObjectiveSum - stats.QdOffset * float n

        MetricsRow(
            state.Iteration,
            state.Evaluations,
            n,
            float n / cells,
            qd,
            qd / cells,
            (if n = 0 then Double.NaN else m.BestObjective),
            (if n = 0 then Double.NaN else m.ObjectiveSum / float n),
            elapsedSeconds
        )

    /// The state with the device's archive brought back into its scheduler (for a checkpoint or the results).
    member _.Current(state: RunState) : RunState =
        { state with
            Scheduler = state.Scheduler.WithArchives(device.ToCellArchive())
        }

    interface IDeviceLoop with
        member run.Step state = run.Step state
        member run.Metrics elapsedSeconds state = run.Metrics elapsedSeconds state
        member run.Current state = run.Current state

    interface IDisposable with
        member _.Dispose() = device.Dispose()
