/// The ILGPU side on ILGPU's CPU accelerator: per-operation agreement with the reference backend,
/// pooled device buffers, Threefry on the device bit for bit, device MAP-Elites against the CPU run,
/// and the one-line refusal of CUDA on a machine without a GPU.
module GpuTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Core.Random
open QdFunctional.Core.Archives
open QdFunctional.Core.Emitters
open QdFunctional.Core.Scheduling
open QdFunctional.Core.Tasks
open QdFunctional.Gpu
open Common

type private EngineSphere = QdFunctional.Diff.Benchmarks.LinearProjection
type private EngineArm = QdFunctional.Diff.Benchmarks.PlanarArm

let private gpu = IlgpuBackend.Cpu

/// Direct kernel calls leave their outputs on the device (the engine synchronizes before it reads):
/// a test that calls the seam itself reads through the backend's IDeviceResident.ToHost.
let private host (a: 'T[]) =
    gpu.ToHost a
    a

let private bits (a: float[]) =
    a |> Array.map BitConverter.DoubleToInt64Bits

let private bits32 (a: float32[]) =
    a |> Array.map BitConverter.SingleToInt32Bits

let private unaryOps =
    [
        UnaryOp.Negate, 0.0, 0.0
        UnaryOp.Square, 0.0, 0.0
        UnaryOp.Sqrt, 0.0, 0.0
        UnaryOp.Abs, 0.0, 0.0
        UnaryOp.Exp, 0.0, 0.0
        UnaryOp.Log, 0.0, 0.0
        UnaryOp.Sin, 0.0, 0.0
        UnaryOp.Cos, 0.0, 0.0
        UnaryOp.Tanh, 0.0, 0.0
        UnaryOp.Sigmoid, 0.0, 0.0
        UnaryOp.Relu, 0.0, 0.0
        UnaryOp.PowScalar, 2.5, 0.0
        UnaryOp.Clamp, 0.3, 1.7
        UnaryOp.AddScalar, 0.7, 0.0
        UnaryOp.MulScalar, -1.3, 0.0
        UnaryOp.ScalarSub, 2.0, 0.0
        UnaryOp.ScalarDiv, 3.0, 0.0
    ]

let private binaryOps =
    [
        BinaryOp.Add
        BinaryOp.Subtract
        BinaryOp.Multiply
        BinaryOp.Divide
        BinaryOp.Pow
        BinaryOp.Min
        BinaryOp.Max
        BinaryOp.Less
        BinaryOp.GreaterOrEqual
    ]

let private positive (seed: int) (n: int) =
    let rng = Random(seed)
    Array.init n (fun _ -> 0.05 + 3.0 * rng.NextDouble())

/// The CPU archive of `iterations` MAP-Elites iterations driven exactly as `qd run` drives them.
let private cpuRun
    (task: ITask)
    (sigma: float)
    (isoLine: bool)
    (emitters: int)
    (batch: int)
    (iterations: int)
    (seed: uint64)
    =
    let x0 = Array.zeroCreate task.SolutionDim

    let es: IEmitter list =
        [
            for _ in 1..emitters do
                if isoLine then
                    IsoLineEmitter(task.SolutionDim, sigma, 0.2, batch, EmitterStart.FromPoint x0) :> IEmitter
                else
                    GaussianEmitter(task.SolutionDim, sigma, batch, EmitterStart.FromPoint x0) :> IEmitter
        ]

    let archive =
        CellArchive.Grid(task.SolutionDim, [| 12; 12 |], task.MeasureLow, task.MeasureHigh)

    let struct (_, loop) = (Key.Of seed).Split2()
    let mutable scheduler = Scheduler.Create(archive, es)

    for i in 0 .. iterations - 1 do
        let struct (s, solutions) = scheduler.Ask(loop.FoldIn i)
        let struct (s, _) = s.Tell(task.Evaluate(solutions))
        scheduler <- s

    scheduler.Archive :?> CellArchive

let private deviceRun
    (name: string)
    (dim: int)
    (sigma: float)
    (isoLine: bool)
    (emitters: int)
    (batch: int)
    (iterations: int)
    (seed: uint64)
    =
    use me =
        new DeviceMapElites("ilgpu-cpu", name, dim, [| 12; 12 |], isoLine, sigma, 0.2, emitters, batch)

    let struct (_, loop) = (Key.Of seed).Split2()

    let metrics =
        [ for i in 0 .. iterations - 1 -> me.Step(IterationKeys(loop.FoldIn i)) ]

    me.Download(), me.ToCellArchive(), metrics


/// A `qd run` configuration of OG-MAP-Elites or OMG-MEGA over a 12 x 12 grid, without an initial
/// population (the device run starts from an empty archive too).
let private gradientConfig
    (name: string)
    (dim: int)
    (omg: bool)
    (normalize: bool)
    (sigma0: float)
    (sigmaG: float)
    : QdFunctional.RunConfig =
    { QdFunctional.RunConfig.defaults with
        Task = name
        Dim = dim
        Algorithm = (if omg then "omg-mega" else "og-map-elites")
        Archive = "grid:12x12"
        Batch = 48
        Emitters = 2
        Seed = 5UL
        Sigma = sigma0
        SigmaG = sigmaG
        NormalizeGradients = normalize
        InitialPopulation = 0
    }

/// The CPU archive after `iterations` of `qd run`'s own loop (Run.init, Run.step), and its evaluations.
let private cpuGradientRun (config: QdFunctional.RunConfig) (iterations: int) =
    let plan = QdFunctional.RunPlan.parse config
    let task = QdFunctional.Run.task plan
    let mutable state = QdFunctional.Run.init plan task

    for _ in 1..iterations do
        state <- QdFunctional.Run.step plan task state

    state.Archive :?> CellArchive, state.Evaluations

/// The same run on ilgpu-cpu, driven by the same iteration keys (Run.iterationKeys 1 .. iterations).
let private deviceGradientRun (config: QdFunctional.RunConfig) (iterations: int) =
    use me =
        new DeviceMapElites(
            "ilgpu-cpu",
            config.Task,
            config.Dim,
            [| 12; 12 |],
            (if config.Algorithm = "omg-mega" then "omg" else "og"),
            config.Sigma,
            0.0,
            config.SigmaG,
            config.NormalizeGradients,
            config.Emitters,
            config.Batch
        )

    let metrics =
        [
            for i in 1..iterations -> me.Step(QdFunctional.Run.iterationKeys (QdFunctional.RunPlan.parse config) i)
        ]

    me.Download(), List.last metrics, int64 me.EvaluationsPerStep * int64 iterations

/// Rows of solutions for Jacobian checks: LP rows reach past ±5.12 (the clipped measures' other branch).
let private jacobianPoints (name: string) (n: int) (dim: int) =
    let rng = Random(17 + dim)
    let spread = if name = "arm" then 1.5 else 7.0

    QdFunctional.Core.Batches.SolutionBatch(
        n,
        dim,
        Array.init (n * dim) (fun _ -> spread * (2.0 * rng.NextDouble() - 1.0))
    )

let tests =
    testList
        "gpu"
        [
            testList
                "ilgpu-cpu against the reference backend, per operation"
                [
                    // Elementwise kernels evaluate the same formulas with the same PortableMath kernels:
                    // bit for bit in float64, and in float32 (computed in float64, rounded once) equal to
                    // the reference for +, −, ×, ÷, √ and the transcendentals.
                    for op, p, q in unaryOps do
                        testCase $"unary {op}: values and derivative, float64 bit for bit" (fun () ->
                            let x = positive 3 (7 * 33)
                            let y1, y2 = Array.zeroCreate x.Length, Array.zeroCreate x.Length
                            Backends.Scalar.Unary(op, p, q, x, y1, x.Length)
                            gpu.Unary(op, p, q, x, y2, x.Length)
                            Expect.sequenceEqual (bits (host y2)) (bits y1) "values"
                            let dy = positive 4 x.Length
                            let dx1, dx2 = Array.create x.Length 0.5, Array.create x.Length 0.5
                            Backends.Scalar.UnaryBackward(op, p, q, x, y1, dy, dx1, x.Length)
                            gpu.UnaryBackward(op, p, q, x, y1, dy, dx2, x.Length)
                            expectSameBits "derivative" dx1 (host dx2))
                    for op in binaryOps do
                        testCase
                            $"binary {op} with a broadcast feature row: bit for bit; gradients within 1e-13"
                            (fun () ->
                                let rows, cols = 9, 17
                                let a = Operand(positive 5 (rows * cols), rows, cols)
                                let b = Operand(positive 6 cols, 1, cols)
                                let y1, y2 = Array.zeroCreate (rows * cols), Array.zeroCreate (rows * cols)
                                Backends.Scalar.Binary(op, a, b, y1, rows, cols)
                                gpu.Binary(op, a, b, y2, rows, cols)
                                Expect.sequenceEqual (bits (host y2)) (bits y1) "values"
                                let dy = positive 7 (rows * cols)
                                let da1, db1 = Array.zeroCreate (rows * cols), Array.zeroCreate cols
                                let da2, db2 = Array.zeroCreate (rows * cols), Array.zeroCreate cols
                                Backends.Scalar.BinaryBackward(op, a, b, y1, dy, rows, cols, da1, db1)
                                gpu.BinaryBackward(op, a, b, y1, dy, rows, cols, da2, db2)
                                // db sums over the batch: same terms, same order, one rounding of the total apart.
                                expectClose 1e-13 "da" da1 (host da2)
                                expectClose 1e-13 "db (reduced over the batch)" db1 (host db2))
                    testCase "reductions and products: float64 bit for bit (same left-to-right order)" (fun () ->
                        let rows, cols, inner = 6, 11, 5
                        let x = positive 8 (rows * cols)
                        let s1, s2 = Array.zeroCreate rows, Array.zeroCreate rows
                        Backends.Scalar.SumColumns(x, rows, cols, s1)
                        gpu.SumColumns(x, rows, cols, s2)
                        Expect.sequenceEqual (bits (host s2)) (bits s1) "sum"
                        let c1, c2 = Array.zeroCreate x.Length, Array.zeroCreate x.Length
                        Backends.Scalar.CumSum(x, rows, cols, c1)
                        gpu.CumSum(x, rows, cols, c2)
                        Expect.sequenceEqual (bits (host c2)) (bits c1) "cumsum"
                        let a = positive 9 (rows * inner)
                        let w = positive 10 (inner * cols)
                        let m1, m2 = Array.zeroCreate (rows * cols), Array.zeroCreate (rows * cols)
                        Backends.Scalar.MatMul(a, w, m1, rows, inner, cols)
                        gpu.MatMul(a, w, m2, rows, inner, cols)
                        Expect.sequenceEqual (bits (host m2)) (bits m1) "matmul")
                    testCase
                        "float32: elementwise results are the reference's bits; a long sum rounds like float32"
                        (fun () ->
                            let x = positive 11 300 |> Array.map float32
                            let y1, y2 = Array.zeroCreate x.Length, Array.zeroCreate x.Length

                            for op in [ UnaryOp.Sqrt; UnaryOp.Exp; UnaryOp.Sin; UnaryOp.Square; UnaryOp.ScalarDiv ] do
                                Backends.Scalar.Unary(op, 3.0, 0.0, x, y1, x.Length)
                                gpu.Unary(op, 3.0, 0.0, x, y2, x.Length)
                                Expect.sequenceEqual (bits32 (host y2)) (bits32 y1) $"{op}"

                            let s1, s2 = Array.zeroCreate 1, Array.zeroCreate 1
                            Backends.Scalar.SumColumns(x, 1, x.Length, s1)
                            gpu.SumColumns(x, 1, x.Length, s2)
                            Expect.equal (bits32 (host s2)) (bits32 s1) "left-to-right float32 sum")
                    testCase "tasks through the engine: values and Jacobians within 1e-12 of simd" (fun () ->
                        let x = uniform 12 16 40 -4.0 4.0

                        for f in [ EngineSphere.Sphere; EngineSphere.Rastrigin; EngineArm.Evaluate ] do
                            let r1 = Workspace(Backends.Simd).ValueAndJacobian(Func<_, _> f, x)
                            let r2 = Workspace(gpu).ValueAndJacobian(Func<_, _> f, x)
                            expectClose 1e-12 "values" r1.Values r2.Values
                            expectClose 1e-12 "jacobian" r1.Jacobian r2.Jacobian)
                ]

            testCase "device buffers are pooled: a warm evaluation allocates none" (fun () ->
                // Its own backend: the shared one counts other tests' buffers (tests run in parallel).
                use gpu = IlgpuBackend.Open "ilgpu-cpu"
                let ws = Workspace(gpu)
                let x = uniform 13 24 60 -3.0 3.0
                let f = Func<_, _> EngineArm.Evaluate

                for _ in 1..2 do
                    ws.ValueAndJacobian(f, x) |> ignore

                let before = gpu.DeviceAllocations

                for _ in 1..3 do
                    ws.ValueAndJacobian(f, x) |> ignore

                Expect.equal gpu.DeviceAllocations before "no new device buffers once warm")

            testCase
                "a pass stays on the device: per evaluation, values and one gradient per output come back"
                (fun () ->
                    use gpu = IlgpuBackend.Open "ilgpu-cpu"
                    let ws = Workspace(gpu)
                    let x = uniform 14 12 30 -3.0 3.0

                    for f in [ EngineSphere.Sphere; EngineArm.Evaluate ] do
                        let f = Func<_, _> f
                        ws.ValueAndJacobian(f, x) |> ignore // warm: x and the tape's buffers are on the device
                        let struct (up0, down0) = gpu.Transfers
                        let r = ws.ValueAndJacobian(f, x)
                        let struct (up1, down1) = gpu.Transfers
                        // Device → host: the values once, and the input's gradient once per backward sweep.
                        Expect.equal (down1 - down0) (1L + int64 r.Outputs) "downloads"
                        // Host → device: only each sweep's seed (the constants a task builds afresh each time, if any).
                        Expect.isLessThanOrEqual (up1 - up0) (int64 r.Outputs + 4L) "uploads")

            testList
                "threefry on the device"
                [
                    testCase "raw 64-bit words equal Key.Bits bit for bit, any start and key" (fun () ->
                        use draws = new DeviceDraws("ilgpu-cpu")

                        for key in
                            [
                                Key.Of 0UL
                                Key.Of 42UL
                                Key(0xFFFFFFFFu, 0x12345678u)
                                (Key.Of 7UL).FoldIn 3
                            ] do
                            for start in [ 0UL; 5UL; 0xFFFFFFF0UL; 0x1_0000_0003UL ] do
                                let expected = Array.init 77 (fun i -> key.Bits(start + uint64 i))
                                Expect.sequenceEqual (draws.Bits(key, start, 77)) expected $"{key} from {start}"

                        let whole = Array.zeroCreate 300
                        (Key.Of 9UL).Bits(Span<uint64> whole)
                        Expect.sequenceEqual (draws.Bits(Key.Of 9UL, 0UL, 300)) whole "Key.Bits(span) (vector path)")
                    testCase "known answer: Random123's threefry2x32_20 test vector through the device" (fun () ->
                        // Random123 kat_vectors: key (0x13198a2e, 0x03707344), counter (0x243f6a88, 0x85a308d3)
                        // -> (0xc4923a9c, 0x483df7a0).
                        use draws = new DeviceDraws("ilgpu-cpu")
                        let word = draws.Bits(Key(0x13198a2eu, 0x03707344u), 0x243f6a88_85a308d3UL, 1).[0]
                        Expect.equal word 0xc4923a9c_483df7a0UL "kat")
                    testCase "normals and integers equal Key.Normal and Key.Integers bit for bit" (fun () ->
                        use draws = new DeviceDraws("ilgpu-cpu")
                        let key = (Key.Of 2026UL).FoldIn 11
                        let n = 1001
                        // Enough values for the ziggurat's slow path: wedges (1.5%) and the tail (0.026%).
                        let many = 40_001
                        let normal = Array.zeroCreate many
                        key.Normal(Span<float> normal, 0.5, 2.0)
                        Expect.sequenceEqual (bits (draws.Normal(key, many, 0.5, 2.0))) (bits normal) "normal"

                        Expect.isTrue
                            (normal |> Array.exists (fun z -> abs (z - 0.5) > 2.0 * 3.6541528853610088))
                            "a tail value"

                        let ints = Array.zeroCreate n
                        key.Integers(Span<int> ints, 0, 977)
                        Expect.sequenceEqual (draws.Integers(key, n, 977)) ints "integers")
                ]

            testList
                "map-elites on the device equals the CPU run bit for bit"
                [
                    for name, dim, isoLine in
                        [
                            "lp-sphere", 10, false
                            "lp-rastrigin", 9, true
                            "arm", 8, false
                            "arm", 7, true
                        ] ->
                        let operator = if isoLine then "iso-line" else "gaussian"

                        testCase $"{name} d={dim} {operator}, 2 emitters x 48, 12 iterations" (fun () ->
                            let task: ITask =
                                match name with
                                | "lp-sphere" -> LinearProjection(LinearProjection.Function.Sphere, dim)
                                | "lp-rastrigin" -> LinearProjection(LinearProjection.Function.Rastrigin, dim)
                                | _ -> PlanarArm(dim)

                            // LP measures span ±2.56·d: a larger step reaches more cells in 12 iterations.
                            let sigma = if name = "arm" then 0.1 else 2.0
                            let cpu = cpuRun task sigma isoLine 2 48 12 5UL
                            let device, asArchive, metrics = deviceRun name dim sigma isoLine 2 48 12 5UL
                            let cpuCells = cpu.OccupiedCells.ToArray()
                            Expect.isGreaterThan cpuCells.Length 10 "the run fills cells"
                            Expect.sequenceEqual device.Cells cpuCells "occupied cells, in fill order"

                            for i, c in Array.indexed cpuCells do
                                let e = cpu.EliteAt(c)
                                let dv = device.Solutions.[i * dim .. (i + 1) * dim - 1]

                                Expect.equal
                                    (BitConverter.DoubleToInt64Bits device.Objectives.[i])
                                    (BitConverter.DoubleToInt64Bits e.Objective)
                                    $"cell {c} objective"

                                Expect.sequenceEqual (bits dv) (bits (e.Solution.ToArray())) $"cell {c} solution"

                                Expect.sequenceEqual
                                    (bits device.Measures.[2 * i .. 2 * i + 1])
                                    (bits (e.Measures.ToArray()))
                                    $"cell {c} measures"

                            // The same archive as a Core CellArchive (what a save writes): equal tables.
                            let a, b = asArchive.ToTable(), cpu.ToTable()
                            Expect.sequenceEqual (asArchive.OccupiedCells.ToArray()) cpuCells "CellArchive fill order"
                            Expect.sequenceEqual a.Cells b.Cells "table cells"
                            Expect.sequenceEqual (bits a.Objectives) (bits b.Objectives) "table objectives"
                            Expect.sequenceEqual (bits a.Measures) (bits b.Measures) "table measures"
                            Expect.sequenceEqual (bits a.Solutions) (bits b.Solutions) "table solutions"
                            let last = List.last metrics
                            Expect.equal last.Elites cpu.Stats.NumElites "metric: elites"
                            Expect.equal last.BestObjective cpu.Stats.BestElite.Objective "metric: best"
                            // The CPU keeps a compensated running sum; the device sums the occupied cells afresh.
                            expectClose
                                1e-12
                                "metric: objective sum"
                                [| cpu.Stats.ObjMean * float cpu.Stats.NumElites |]
                                [| last.ObjectiveSum |])
                ]

            testList
                "gradient operators on the device equal qd run's CPU loop bit for bit"
                [
                    // Every stage repeats the CPU's arithmetic in its order (points, Jacobians, the fixed-order
                    // norm, unfused multiply-adds, grid insertion of both stages) from the same keys, so the
                    // archives are equal bit for bit, not merely close. d = 21 takes the norm through its
                    // 16-wide, 4-wide and one-at-a-time parts.
                    // LP measures span ±2.56·d: σ0 = 2 and a sizable σ_g reach many cells quickly. σ0 = 0 is
                    // OMG-MEGA's preset (points are the elites themselves, x0 = 0 while empty).
                    for name, dim, omg, normalize, sigma0, sigmaG in
                        [
                            "lp-sphere", 21, false, false, 2.0, 0.5
                            "lp-sphere", 10, true, true, 2.0, 3.0
                            "lp-sphere", 16, true, true, 0.0, 10.0
                            "lp-rastrigin", 21, true, false, 2.0, 0.5
                            "lp-rastrigin", 9, false, true, 2.0, 3.0
                            "arm", 21, true, true, 0.1, 0.2
                            "arm", 8, false, false, 0.1, 0.02
                            "arm", 12, true, true, 0.0, 1.0
                        ] do
                        let operator = if omg then "omg" else "og"
                        let normalized = if normalize then " normalized" else ""

                        yield
                            testCase
                                $"{name} d={dim} {operator}{normalized} sigma0={sigma0}, 2 emitters x 48, 10 iterations"
                                (fun () ->
                                    let config = gradientConfig name dim omg normalize sigma0 sigmaG
                                    let cpu, cpuEvaluations = cpuGradientRun config 10
                                    let device, last, evaluations = deviceGradientRun config 10
                                    let cpuCells = cpu.OccupiedCells.ToArray()
                                    Expect.isGreaterThan cpuCells.Length 10 "the run fills cells"
                                    Expect.equal evaluations cpuEvaluations "evaluations: points and branches"
                                    Expect.sequenceEqual device.Cells cpuCells "occupied cells, in fill order"

                                    for i, c in Array.indexed cpuCells do
                                        let e = cpu.EliteAt(c)

                                        expectSameBits
                                            $"cell {c} objective"
                                            [| e.Objective |]
                                            [| device.Objectives.[i] |]

                                        expectSameBits
                                            $"cell {c} solution"
                                            (e.Solution.ToArray())
                                            device.Solutions.[i * dim .. (i + 1) * dim - 1]

                                        expectSameBits
                                            $"cell {c} measures"
                                            (e.Measures.ToArray())
                                            device.Measures.[2 * i .. 2 * i + 1]

                                    Expect.equal last.Elites cpu.Stats.NumElites "metric: elites"
                                    Expect.equal last.BestObjective cpu.Stats.BestElite.Objective "metric: best")
                    yield
                        testCase "an unknown operator or a negative sigmaG: one clear error" (fun () ->
                            let bad (f: unit -> DeviceMapElites) =
                                (Expect.throwsT<ArgumentException> (fun () -> f () |> ignore) "refused")

                            bad (fun () ->
                                new DeviceMapElites(
                                    "ilgpu-cpu",
                                    "arm",
                                    4,
                                    [| 4; 4 |],
                                    "sbx",
                                    0.1,
                                    0.0,
                                    0.1,
                                    false,
                                    1,
                                    8
                                ))

                            bad (fun () ->
                                new DeviceMapElites(
                                    "ilgpu-cpu",
                                    "arm",
                                    4,
                                    [| 4; 4 |],
                                    "omg",
                                    0.1,
                                    0.0,
                                    -1.0,
                                    false,
                                    1,
                                    8
                                ))

                            let e =
                                try
                                    new DeviceMapElites(
                                        "ilgpu-cpu",
                                        "arm",
                                        4,
                                        [| 4; 4 |],
                                        "sbx",
                                        0.1,
                                        0.0,
                                        0.1,
                                        false,
                                        1,
                                        8
                                    )
                                    |> ignore

                                    ""
                                with :? ArgumentException as e ->
                                    e.Message

                            Expect.stringContains e "operator 'sbx'" "names the value"
                            Expect.stringContains e "gaussian, iso-line, og, omg" "lists the known operators")
                    yield
                        testCase
                            "the gradient operators' device run is the same on a second run (determinism)"
                            (fun () ->
                                let config = gradientConfig "lp-rastrigin" 12 true true 2.0 3.0
                                let a, _, _ = deviceGradientRun config 5
                                let b, _, _ = deviceGradientRun config 5
                                Expect.sequenceEqual b.Cells a.Cells "cells"
                                expectSameBits "solutions" a.Solutions b.Solutions)
                ]

            testList
                "task Jacobians on the device"
                [
                    for name in [ "lp-sphere"; "lp-rastrigin"; "arm" ] do
                        yield
                            testCase $"{name}: values and Jacobians equal the Core task's bit for bit" (fun () ->
                                // The kernel repeats FillJacobian's formulas in the same order (the arm's suffix
                                // sums included), so nothing differs in any bit.
                                for dim in [ 2; 7; 33 ] do
                                    use device = new DeviceEvaluator("ilgpu-cpu", name, dim)
                                    let x = jacobianPoints name 13 dim
                                    let expected = device.Task.Evaluate(x, true)
                                    let actual = device.Evaluate(x, true)
                                    expectSameBits $"d={dim} objectives" expected.Objectives actual.Objectives
                                    expectSameBits $"d={dim} measures" expected.Measures actual.Measures
                                    expectSameBits $"d={dim} jacobians" expected.Jacobians actual.Jacobians
                                    let plain = device.Evaluate(x)
                                    Expect.isNull plain.Jacobians "no Jacobians unless asked"
                                    expectSameBits $"d={dim} values alone" expected.Objectives plain.Objectives)

                        yield
                            testCase $"{name}: device Jacobians agree with central finite differences (1e-6)" (fun () ->
                                let dim, n, h = 11, 5, 1e-5
                                use device = new DeviceEvaluator("ilgpu-cpu", name, dim)
                                let x = jacobianPoints name n dim
                                let jacobians = device.Evaluate(x, true).Jacobians
                                // Every row moved by ±h along every coordinate, evaluated on the device in one batch.
                                let probes = Array.zeroCreate (n * dim * 2 * dim)

                                for i in 0 .. n - 1 do
                                    for j in 0 .. dim - 1 do
                                        for sign in 0..1 do
                                            let p = ((i * dim + j) * 2 + sign) * dim
                                            x.Values.Slice(i * dim, dim).CopyTo(Span<float>(probes, p, dim))
                                            probes.[p + j] <- probes.[p + j] + (if sign = 0 then h else -h)

                                let values =
                                    device.Evaluate(QdFunctional.Core.Batches.SolutionBatch(n * dim * 2, dim, probes))

                                let output (row: int) (k: int) =
                                    if k = 0 then
                                        values.Objectives.[row]
                                    else
                                        values.Measures.[2 * row + k - 1]

                                let numeric =
                                    Array.init (n * 3 * dim) (fun index ->
                                        let i, k, j = index / (3 * dim), index / dim % 3, index % dim
                                        let plus = (i * dim + j) * 2
                                        (output plus k - output (plus + 1) k) / (2.0 * h))

                                expectClose 1e-6 "central differences" numeric jacobians)
                ]

            testCase "every device kernel compiles to CUDA PTX (sm_70), no GPU needed" (fun () ->
                // The CPU accelerator never runs the PTX generator; this catches a kernel only a GPU would refuse.
                let compiled = PtxCheck.CompileAll()
                Expect.equal compiled.Count PtxCheck.Kernels.Count "every kernel"
                Expect.isGreaterThanOrEqual compiled.Count 29 "engine, MAP-Elites and Threefry kernels found"

                for name, ptx in compiled do
                    Expect.stringContains ptx ".entry" $"{name}: a PTX entry point")

            testCase "cuda without a GPU or driver: one clear line" (fun () ->
                match
                    (try
                        Choice1Of2(IlgpuBackend.Open "cuda")
                     with e ->
                         Choice2Of2 e)
                with
                | Choice1Of2 b -> b.Dispose() // a machine with a GPU: nothing to refuse
                | Choice2Of2 e ->
                    Expect.isTrue (e :? DeviceUnavailableException) $"type {e.GetType().Name}"
                    Expect.stringStarts e.Message "cuda: " "names the device"
                    Expect.isFalse (e.Message.Contains '\n') "one line")
        ]
