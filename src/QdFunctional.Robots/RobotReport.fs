namespace QdFunctional

open System
open System.IO
open QdFunctional.Core.Persistence
open QdFunctional.Physics
open QdFunctional.Physics.Tasks
open QdFunctional.Core.Archives

/// The extra pictures `qd report` draws for a robot run.
[<RequireQualifiedAccess>]
module RobotReport =
    /// Up to `count` elites spread over the map: the best first, then each time the elite whose
    /// measures lie furthest from those already chosen (farthest-point sampling; ties to the lower row).
    let spread (table: EliteTable) (count: int) =
        let k = table.Layout.MeasureDim
        let m i = table.Measures[i * k .. i * k + k - 1]

        let dist (a: float[]) (b: float[]) =
            Array.fold2 (fun s x y -> s + (x - y) * (x - y)) 0.0 a b

        if table.Count = 0 then
            []
        else
            let first = Replay.row table None
            let nearest = Array.init table.Count (fun i -> dist (m i) (m first))

            let rec pick chosen n =
                if n = 0 then
                    List.rev chosen
                else
                    let next = [| 0 .. table.Count - 1 |] |> Array.maxBy (fun i -> nearest[i])

                    if nearest[next] <= 0.0 then
                        List.rev chosen
                    else
                        for i in 0 .. table.Count - 1 do
                            nearest[i] <- min nearest[i] (dist (m i) (m next))

                        pick (next :: chosen) (n - 1)

            pick [ first ] (count - 1)

    /// Writes `robot-metrics.png` (when the run logged them) and `trajectories.png` (the paths of
    /// `count` elites spread over the map, simulated again) into the run directory; returns the paths.
    let write (dir: string) (count: int) =
        let metricsFile = Path.Combine(dir, RobotMetrics.FileName)

        let curves =
            match RobotMetrics.Read metricsFile with
            | [||] -> []
            | rows ->
                let png = Path.Combine(dir, "robot-metrics.png")
                RobotPlot.metrics rows png
                [ png ]

        use task = Replay.task dir
        let table = Results.loadArchive (RunDirectory.archivePath dir)

        let tracks =
            spread table count
            |> List.map (fun i ->
                let r = Replay.elite task table i
                let quality, _ = r.Replayed

                {
                    Label = $"cell {r.Cell} ({quality:F3})"
                    X = Array.ofSeq r.Trajectory.X
                    Y = Array.ofSeq r.Trajectory.Y
                })

        let limits =
            if task :? BrittleStarTask then
                (-3.0, 3.0), (-3.0, 3.0)
            else
                (-0.5, 0.5), (-0.5, 0.5)

        let png = Path.Combine(dir, "trajectories.png")

        RobotPlot.trajectories
            tracks
            limits
            $"{task.Name}: paths of {tracks.Length} elites spread over the archive, seen from above"
            png

        curves @ [ png ]
