module PhysicsTests

open System
open System.Diagnostics
open System.IO
open Expecto
open QdFunctional
open QdFunctional.Core.Batches
open QdFunctional.Core.Random
open QdFunctional.Diff
open QdFunctional.Physics
open QdFunctional.Physics.Control
open QdFunctional.Physics.Models
open QdFunctional.Physics.Native
open QdFunctional.Physics.Tasks

/// Genomes drawn uniformly within the CPG's box.
let private genomes (seed: uint64) n =
    let values: float[] = Array.zeroCreate (n * CpgController.GenomeLength)

    (Key.Of seed).Uniform(Span<float>(values), CpgController.LowerBounds, CpgController.UpperBounds)

    values

/// The CPG's equations integrated directly, one genome at a time, with plain doubles.
let private directCpg (g: float[]) steps dt =
    let a, w = CpgController.Gain, CpgController.CouplingWeight
    let theta = Array.zeroCreate 10

    let r, rv, x, xv =
        Array.zeroCreate 10, Array.zeroCreate 10, Array.zeroCreate 10, Array.zeroCreate 10

    let out = ResizeArray()

    for _ in 1..steps do
        let omega = g[20]

        let dTheta =
            Array.init 10 (fun i ->
                let arm = i % 5
                let other = if i < 5 then i + 5 else i - 5
                // phi(out, in) = b, phi(in, out) = -b
                let phi = if i < 5 then -g[21 + arm] else g[21 + arm]
                omega + w * r[other] * sin (theta[other] - theta[i] - phi))

        let rAcc = Array.init 10 (fun i -> a * (a / 4.0 * (g[i] - r[i]) - rv[i]))
        let xAcc = Array.init 10 (fun i -> a * (a / 4.0 * (g[10 + i] - x[i]) - xv[i]))

        for i in 0..9 do
            theta[i] <- theta[i] + dt * dTheta[i]
            r[i] <- r[i] + dt * rv[i]
            rv[i] <- rv[i] + dt * rAcc[i]
            x[i] <- x[i] + dt * xv[i]
            xv[i] <- xv[i] + dt * xAcc[i]

        for i in 0..9 do
            out.Add(x[i] + r[i] * cos theta[i])

    out.ToArray()

let private archiveBytes (task: LocomotionTask) iterations =
    let config =
        RunConfig.preset
            task.Name
            "map-elites"
            { RunConfig.defaults with
                Task = task.Name
            }

    let config =
        { config with
            Algorithm = "map-elites"
            Batch = 12
            InitialPopulation = 12
            Iterations = iterations
        }

    let final =
        Run.init (RunPlan.parse config) task
        |> Run.fold (RunPlan.parse config) task ignore

    let path = Path.GetTempFileName()

    try
        Results.saveArchive path final.Archive
        File.ReadAllBytes path, final.Archive.Stats.NumElites
    finally
        File.Delete path

/// The exception `f` throws, which must be a `'e`.
let private caught<'e when 'e :> exn> (f: unit -> unit) : 'e =
    try
        f ()
        failtest $"expected {typeof<'e>.Name}"
    with :? 'e as e ->
        e

let private residentBytes () =
    use p = Process.GetCurrentProcess()
    p.Refresh()
    p.WorkingSet64

let private dropXml =
    """<mujoco model="drop"><option timestep="0.002"/><worldbody>
<geom name="floor" type="plane" size="2 2 0.1"/>
<body name="ball" pos="0 0 1"><freejoint/><geom type="sphere" size="0.1"/></body>
</worldbody></mujoco>"""

/// Offsets of the 2.2.2 headers, printed by a C program, when a C compiler and the headers are here.
let private headerOffsets () =
    let header = "/usr/include/mujoco/mujoco.h"
    let gcc = [ "/usr/bin/gcc"; "/usr/bin/cc" ] |> List.tryFind File.Exists

    match gcc with
    | Some cc when File.Exists header ->
        let dir =
            Path.Combine(Path.GetTempPath(), "qd-mujoco-layout-" + Guid.NewGuid().ToString("N"))

        Directory.CreateDirectory dir |> ignore

        let fields =
            [
                "ModelNq", "offsetof(mjModel, nq)"
                "ModelNv", "offsetof(mjModel, nv)"
                "ModelNu", "offsetof(mjModel, nu)"
                "ModelNbody", "offsetof(mjModel, nbody)"
                "ModelNjnt", "offsetof(mjModel, njnt)"
                "ModelNgeom", "offsetof(mjModel, ngeom)"
                "ModelTimestep", "offsetof(mjModel, opt.timestep)"
                "ModelJointQposAddress", "offsetof(mjModel, jnt_qposadr)"
                "ModelJointRange", "offsetof(mjModel, jnt_range)"
                "ModelGeomBody", "offsetof(mjModel, geom_bodyid)"
                "ModelActuatorTarget", "offsetof(mjModel, actuator_trnid)"
                "ModelActuatorControlRange", "offsetof(mjModel, actuator_ctrlrange)"
                "DataContactCount", "offsetof(mjData, ncon)"
                "DataTime", "offsetof(mjData, time)"
                "DataQpos", "offsetof(mjData, qpos)"
                "DataQvel", "offsetof(mjData, qvel)"
                "DataControl", "offsetof(mjData, ctrl)"
                "DataBodyPosition", "offsetof(mjData, xpos)"
                "DataContacts", "offsetof(mjData, contact)"
                "DataActuatorForce", "offsetof(mjData, actuator_force)"
                "ContactSize", "sizeof(mjContact)"
                "ContactDistance", "offsetof(mjContact, dist)"
                "ContactGeom1", "offsetof(mjContact, geom1)"
                "ContactGeom2", "offsetof(mjContact, geom2)"
                "VfsSize", "sizeof(mjVFS)"
                "VfsFileData", "offsetof(mjVFS, filedata)"
                "Version", "mjVERSION_HEADER"
            ]

        let body =
            fields
            |> List.map (fun (name, expr) -> $"printf(\"%%s %%ld\\n\", \"{name}\", (long)({expr}));")
            |> String.concat "\n"

        let source = Path.Combine(dir, "layout.c")

        File.WriteAllText(
            source,
            $"#include <stdio.h>\n#include <stddef.h>\n#include <mujoco/mujoco.h>\nint main(void) {{\n{body}\nreturn 0; }}\n"
        )

        let exe = Path.Combine(dir, "layout")

        let run (file: string) (args: string) =
            use p =
                Process.Start(ProcessStartInfo(file, args, RedirectStandardOutput = true, RedirectStandardError = true))

            let output = p.StandardOutput.ReadToEnd()
            p.WaitForExit()
            p.ExitCode, output

        let code, _ = run cc $"{source} -o {exe}"

        if code <> 0 then
            failtest $"{cc} could not compile the layout probe against {header}"
        else
            let _, output = run exe ""
            Directory.Delete(dir, true)

            output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            |> Array.map (fun line ->
                let parts = line.Split ' '
                parts[0], int64 parts[1])
            |> Some
    | _ -> None

[<Tests>]
let tests =
    testSequenced
    <| testList
        "Physics"
        [
            testCase "the struct layout matches the 2.2.2 headers and the library's behaviour"
            <| fun () ->
                match headerOffsets () with
                | Some offsets ->
                    Expect.equal offsets.Length 27 "every field probed"

                    for name, value in offsets do
                        let field = typeof<Layout>.GetField(name)
                        Expect.equal (int64 (field.GetValue(null) :?> int)) value $"Layout.{name}"
                | None -> printfn "physics: no C compiler or MuJoCo headers here; layout checked by behaviour only"

                Expect.equal MuJoCoLibrary.Shared.LoadedVersion Layout.Version "mj_version"
                use model = PhysicsModel.FromXml(dropXml, "drop")

                Expect.equal
                    (model.PositionCount, model.VelocityCount, model.BodyCount, model.GeomCount)
                    (7, 6, 2, 2)
                    "counts"

                Expect.equal model.Timestep 0.002 "timestep"
                use sim = model.CreateSimulation()
                Expect.equal sim.Positions[2] 1.0 "qpos starts at the body's position"
                Expect.equal (sim.BodyPosition(1).ToArray()) [| 0.0; 0.0; 1.0 |] "xpos"
                sim.Step()
                Expect.equal sim.Time 0.002 "time advances one step"
                Expect.isLessThan sim.Velocities[2] 0.0 "falls"

            testCase "both robot models load with the joints and actuators they promise"
            <| fun () ->
                use star = ModelFiles.Load ModelFiles.BrittleStar
                Expect.equal (star.ActuatorCount, star.PositionCount) (30, 37) "30 hinges + a free disk"

                for a in 0 .. star.ActuatorCount - 1 do
                    let struct (lo, hi) = star.ControlRange a
                    Expect.floatClose Accuracy.veryHigh hi (Math.PI / 6.0) "±30°"
                    Expect.floatClose Accuracy.veryHigh lo (-Math.PI / 6.0) "±30°"
                    Expect.equal (star.JointRange(star.ActuatorJoint a)) (struct (lo, hi)) "joint range = control range"

                use quad = ModelFiles.Load ModelFiles.Quadruped
                Expect.equal (quad.ActuatorCount, quad.PositionCount) (8, 15) "8 hinges + a free torso"
                Expect.equal (quad.JointPositionAddress(quad.JointId "front_left_hip")) 7 "after the free joint"

            testCase "a dropped body comes to rest on the floor"
            <| fun () ->
                use model = PhysicsModel.FromXml(dropXml, "drop")
                use sim = model.CreateSimulation()

                for _ in 1..1500 do
                    sim.Step()

                Expect.floatClose { absolute = 0.005; relative = 0.0 } sim.Positions[2] 0.1 "rests on its radius"
                Expect.isLessThan (abs sim.Velocities[2]) 1e-3 "still"
                Expect.isGreaterThan sim.ContactCount 0 "touches"
                let struct (g1, g2, _) = sim.Contact 0
                Expect.equal (set [ g1; g2 ]) (set [ 0; 1 ]) "floor and ball"

            testCase "a missing library and a malformed model give one clear line"
            <| fun () ->
                let e =
                    caught<PhysicsUnavailableException>(fun () -> MuJoCoLibrary.Open "libmujoco-absent.so.9" |> ignore)

                Expect.stringContains e.Message "apt-get install libmujoco2.2.2" "says what to install"
                Expect.isFalse (e.Message.Contains '\n') "one line"

                let bad =
                    caught<InvalidDataException>(fun () ->
                        PhysicsModel.FromXml(
                            "<mujoco><worldbody><body><geom type=\"sphere\"/></worldbody></mujoco>",
                            "broken.xml"
                        )
                        |> ignore)

                Expect.stringContains bad.Message "broken.xml" "names the model"
                Expect.isFalse (bad.Message.Contains '\n') "one line"

                Expect.throwsT<InvalidDataException>(fun () ->
                    PhysicsModel.FromXml("<mujoco><worldbody><geom type=\"nonsense\"/></worldbody></mujoco>", "bad")
                    |> ignore)
                |> ignore

            testCase "qd run on a robot task without MuJoCo stops at once with the install line"
            <| fun () ->
                let previous = Environment.GetEnvironmentVariable MuJoCoLibrary.PathVariable

                let out =
                    Path.Combine(Path.GetTempPath(), "qd-physics-missing", Guid.NewGuid().ToString("N"))

                let psi =
                    ProcessStartInfo("dotnet", RedirectStandardError = true, RedirectStandardOutput = true)

                let dll = Path.Combine(AppContext.BaseDirectory, "qd.dll")

                for a in [ dll; "run"; "--task"; "brittle-star"; "--out"; out ] do
                    psi.ArgumentList.Add a

                psi.Environment[MuJoCoLibrary.PathVariable] <- "/nonexistent/libmujoco.so.2.2.2"
                use p = Process.Start psi
                let err = p.StandardError.ReadToEnd()
                let stdout = p.StandardOutput.ReadToEnd()
                p.WaitForExit()
                Expect.equal p.ExitCode 1 "exit 1"
                Expect.equal (err.Trim().Split('\n').Length) 1 "one line"
                Expect.stringContains err "apt-get install libmujoco2.2.2" "install line"
                Expect.equal stdout "" "nothing else"
                Expect.isFalse (Directory.Exists out) "nothing written"
                Expect.equal (Environment.GetEnvironmentVariable MuJoCoLibrary.PathVariable) previous "untouched here"

            testCase "the engine's CPG equals a direct integration of its equations"
            <| fun () ->
                let n, steps, dt = 4, 60, 0.02
                let g = genomes 7UL n

                let y =
                    CpgController.Rollout(Tensor.FromArray(g, n, 26), steps, dt, clip = false).ToArray()

                let clipped = CpgController.Rollout(Tensor.FromArray(g, n, 26), steps, dt).ToArray()

                for row in 0 .. n - 1 do
                    let expected = directCpg g[row * 26 .. row * 26 + 25] steps dt

                    for i in 0 .. expected.Length - 1 do
                        let got = y[row * expected.Length + i]
                        Expect.floatClose Accuracy.veryHigh got expected[i] $"row {row}, output {i}"
                        let c = clipped[row * expected.Length + i]
                        Expect.equal c (Math.Clamp(got, -Math.PI / 6.0, Math.PI / 6.0)) "clipped to ±30°"

            testCase "the CPG's Jacobian with respect to the genome matches finite differences"
            <| fun () ->
                let n, steps, dt = 3, 25, 0.02
                let g = genomes 11UL n
                // The last step's ten outputs, unclipped (the clip is flat outside the range).
                let f (x: Tensor) =
                    Tensor.Slice(CpgController.Rollout(x, steps, dt, clip = false), (steps - 1) * 10, 10)

                let r = Autodiff.ValueAndJacobian(f, Tensor.FromArray(g, n, 26))
                let h = 1e-6

                for row in 0 .. n - 1 do
                    for k in 0..25 do
                        let shifted (d: float) =
                            let x = Array.copy g[row * 26 .. row * 26 + 25]
                            x[k] <- x[k] + d
                            (Autodiff.Evaluate(f, Tensor.FromArray(x, 1, 26))).ToArray()

                        let plus, minus = shifted h, shifted -h

                        for o in 0..9 do
                            let fd = (plus[o] - minus[o]) / (2.0 * h)

                            Expect.floatClose
                                { absolute = 1e-6; relative = 1e-5 }
                                (r.Derivative(row, o, k))
                                fd
                                $"row {row}, output {o}, gene {k}"

            testCase "an episode is deterministic and its replay is the same episode"
            <| fun () ->
                use task = new BrittleStarTask(0.6, 2)
                let g = genomes 3UL 6
                let batch = SolutionBatch(6, 26, g)
                let a = task.Evaluate batch
                let b = task.Evaluate batch
                Expect.equal a.Objectives b.Objectives "same objectives"
                Expect.equal a.Measures b.Measures "same measures"
                // Row 4 alone, in a batch of its own: the same numbers.
                let single = task.Evaluate(batch.Slice(4, 1))
                Expect.equal single.Objectives[0] a.Objectives[4] "row alone"
                let struct (trajectory, objective, measures) = task.Replay(batch.Row 4)
                Expect.equal objective a.Objectives[4] "replay objective"
                Expect.equal measures (a.Measures[8..9]) "replay measures"
                Expect.equal trajectory.Count (task.ControlSteps + 1) "a sample per control step"
                Expect.equal trajectory.X[trajectory.Count - 1] measures[0] "ends where the measure says"
                Expect.isLessThan a.Objectives[4] 0.0 "effort costs"

            testCase "the archive is the same, byte for byte, on 1, 2 and 4 workers"
            <| fun () ->
                let bytes =
                    [ 1; 2; 4 ]
                    |> List.map (fun w ->
                        use task = new BrittleStarTask(0.3, w)
                        archiveBytes task 2)

                let first, elites = bytes.Head
                Expect.isGreaterThan elites 3 "something archived"

                for other, _ in bytes.Tail do
                    Expect.equal other first "identical archive.parquet"

            testCase "a short brittle-star run fills more than a handful of cells"
            <| fun () ->
                use task = new BrittleStarTask(1.5, 0)
                let bytes, elites = archiveBytes task 4
                Expect.isGreaterThan elites 12 "cells of the 30 × 30 grid"

            testCase "the quadruped walks and measures its foot contacts"
            <| fun () ->
                use task = new QuadrupedTask(1.0, 0)
                let values: float[] = Array.zeroCreate (8 * 24)
                (Key.Of 5UL).Uniform(Span<float>(values), task.SolutionLower, task.SolutionUpper)
                let e = task.Evaluate(SolutionBatch(8, 24, values))

                for m in e.Measures do
                    Expect.isTrue (m >= 0.0 && m <= 1.0) "a fraction"

                Expect.isGreaterThan (Array.max e.Measures) 0.5 "feet touch the ground"
                Expect.isGreaterThan (Array.distinct e.Objectives).Length 4 "gaits differ"

            testCase "no leak over 10,000 episodes and 2,000 simulations"
            <| fun () ->
                use model = ModelFiles.Load ModelFiles.Quadruped

                let run () =
                    use episodes = new ParallelEpisodes(model, 2)
                    episodes.Run(10_000, fun sim _ -> sim.Step())

                    for _ in 1..2000 do
                        use sim = model.CreateSimulation()
                        sim.Step()

                run ()
                GC.Collect()
                let before = residentBytes ()
                run ()
                GC.Collect()
                let grown = residentBytes () - before
                Expect.isLessThan grown (64L <<< 20) "resident memory stays flat"

            testCase "qd run's presets for the robot tasks are the tutorial's"
            <| fun () ->
                let parser = Argu.ArgumentParser.Create<QdFunctional.Cli.Arguments.RunArgs>()

                let c =
                    QdFunctional.Cli.RunCommand.configOf (parser.Parse [| "--task"; "brittle-star" |])

                Expect.equal
                    (c.Algorithm, c.Dim, c.Archive, c.Sigma, c.Batch)
                    ("map-elites", 26, "grid:30x30", 0.1, 128)
                    "brittle star"

                let q =
                    QdFunctional.Cli.RunCommand.configOf (
                        parser.Parse [| "--task"; "quadruped"; "--algorithm"; "cma-me" |]
                    )

                Expect.equal (q.Dim, q.Archive, q.Sigma) (24, "cvt:1024", 0.1) "quadruped"

                Expect.throwsT<ArgumentException>(fun () ->
                    QdFunctional.Cli.RunCommand.configOf (parser.Parse [| "--task"; "brittle-star"; "--dim"; "10" |])
                    |> ignore)
                |> ignore
        ]

let private qd (args: string list) =
    QdFunctional.Cli.Program.main (List.toArray args)

/// Column names and row count of a Parquet file.
let private parquetShape (path: string) =
    task {
        use stream = File.OpenRead path
        use! reader = Parquet.ParquetReader.CreateAsync(stream)
        let names = reader.Schema.GetDataFields() |> Array.map (fun f -> f.Name)

        let rows =
            [ 0 .. reader.RowGroupCount - 1 ]
            |> List.sumBy (fun g -> reader.OpenRowGroupReader(g).RowCount)

        return names, rows
    }
    |> Async.AwaitTask
    |> Async.RunSynchronously

[<Tests>]
let cliTests =
    testSequenced
    <| testList
        "Physics CLI"
        [
            testCase
                "a stopped brittle-star run resumes to the same archive and robot metrics; replay and report follow"
            <| fun () ->
                let root =
                    Path.Combine(Path.GetTempPath(), "qd-physics-cli", Guid.NewGuid().ToString("N"))

                let whole, split = Path.Combine(root, "whole"), Path.Combine(root, "split")

                let run out iterations =
                    qd
                        [
                            "run"
                            "--task"
                            "brittle-star"
                            "--batch"
                            "4"
                            "--init-pop"
                            "4"
                            "--iterations"
                            string iterations
                            "--checkpoint-every"
                            "1"
                            "--out"
                            out
                            "--quiet"
                        ]

                Expect.equal (run whole 3) 0 "whole run"
                Expect.equal (run split 2) 0 "first part"
                Expect.equal (qd [ "resume"; split; "--iterations"; "3"; "--quiet" ]) 0 "resumed"

                for file in [ "archive.parquet"; RobotMetrics.FileName ] do
                    Expect.equal
                        (File.ReadAllBytes(Path.Combine(split, file)))
                        (File.ReadAllBytes(Path.Combine(whole, file)))
                        $"{file} byte for byte"

                let rows = RobotMetrics.Read(Path.Combine(whole, RobotMetrics.FileName))
                Expect.equal (rows |> Array.map (fun r -> r.Iteration)) [| 0; 1; 2; 3 |] "a row per iteration"

                Expect.isTrue
                    (rows
                     |> Array.forall (fun r -> r.MinFitness <= r.MeanFitness && r.MeanFitness <= r.MaxFitness))
                    "min <= mean <= max"

                Expect.isTrue
                    (rows
                     |> Array.pairwise
                     |> Array.forall (fun (a, b) -> b.FurthestDistance >= a.FurthestDistance))
                    "the furthest distance never shrinks"

                let out = Path.Combine(root, "best.parquet")
                Expect.equal (qd [ "replay"; whole; "--out"; out ]) 0 "replay"
                let names, count = parquetShape out
                Expect.equal names[0..3] [| "time"; "x"; "y"; "z" |] "root columns"
                Expect.equal names.Length (4 + 30) "and 30 joints"
                Expect.contains names "arm2_1_out" "joints by name"
                Expect.equal count (251L) "a row per control step of 5 s, and the start"

                Expect.equal (qd [ "replay"; whole; "--cell"; "-1" ]) 2 "an empty cell is a bad argument"
                Expect.equal (qd [ "report"; whole ]) 0 "report"

                for png in [ "heatmap.png"; "metrics.png"; "robot-metrics.png"; "trajectories.png" ] do
                    Expect.isTrue (File.Exists(Path.Combine(whole, png))) png

                Directory.Delete(root, true)
        ]

[<Tests>]
let compareBatchTests =
    testList
        "Batch comparison"
        [
            testCase "each batch size spends the budget, QD scores only grow, the table round-trips"
            <| fun () ->
                let config =
                    { RunConfig.preset "lp-sphere" "map-elites" { RunConfig.defaults with Dim = 20 } with
                        Algorithm = "map-elites"
                        Dim = 20
                        Archive = "grid:20x20"
                    }

                let rows = BatchComparison.all config 1000L [ 10; 40 ] 2 (fun _ _ -> ())

                for (b, s), run in rows |> Array.groupBy (fun r -> r.batch, r.seed) do
                    let last = run[run.Length - 1]
                    Expect.isGreaterThanOrEqual last.evaluations 1000L $"batch {b}, seed {s} spends the budget"
                    Expect.isLessThan (last.evaluations - int64 b) 1000L "and stops once it is spent"

                    for a, c in Array.pairwise run do
                        Expect.isGreaterThanOrEqual c.qd_score a.qd_score "QD score never falls"
                        Expect.equal (c.evaluations - a.evaluations) (int64 b) "one batch per iteration"

                let again = BatchComparison.run config 1000L 40 43UL
                let earlier = rows |> Array.filter (fun r -> r.batch = 40 && r.seed = 43L)

                Expect.equal
                    (again |> Array.map (fun r -> r.qd_score))
                    (earlier |> Array.map (fun r -> r.qd_score))
                    "deterministic"

                let path = Path.GetTempFileName()
                BatchComparison.save path rows
                Expect.equal (BatchComparison.load path) rows "round trip"
                File.Delete path
        ]

[<Tests>]
let quadrupedAlgorithmTests =
    testList
        "Quadruped algorithms"
        [
            for algorithm, gradients in [ "map-elites", "analytic"; "cma-me", "analytic"; "cma-mega", "es" ] ->
                testCase $"{algorithm} runs on the quadruped's CVT archive"
                <| fun () ->
                    use task = new QuadrupedTask(1.0, 0)

                    let config =
                        { RunConfig.preset "quadruped" algorithm RunConfig.defaults with
                            Task = "quadruped"
                            Algorithm = algorithm
                            Gradients = gradients
                            Archive = "cvt:64"
                            Iterations = 2
                        }
                        |> fun c ->
                            { c with
                                Batch = min c.Batch 16
                                InitialPopulation = min c.InitialPopulation 16
                            }
                        |> RunConfig.validate

                    let final =
                        Run.init (RunPlan.parse config) task
                        |> Run.fold (RunPlan.parse config) task ignore

                    Expect.equal final.Iteration 2 "two iterations"
                    Expect.isGreaterThan final.Archive.Stats.NumElites 1 "cells filled"
        ]
