/// Properties of the engine as a whole: thread-count independence, backend agreement, buffer reuse.
module EngineTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Diff.Benchmarks
open Common

let private tasks: (string * (Tensor -> Tensor)) list =
    [
        "lp-sphere", LinearProjection.Sphere
        "lp-rastrigin", LinearProjection.Rastrigin
        "arm", PlanarArm.Evaluate
        "policy",
        fun x ->
            Tensor.Sum(
                Tensor.Tanh(Tensor.MatMul(x, Tensor.Full(x.Cols, 4, 0.01)))
                * Tensor.Row [| 1.0; -1.0; 0.5; 2.0 |]
            )
    ]

let private bits (a: float[]) =
    a |> Array.map BitConverter.DoubleToInt64Bits

let tests =
    testList
        "engine"
        [
            testList
                "determinism across thread counts"
                [
                    for name, f in tasks ->
                        testCase name (fun () ->
                            // 700 × 200 spans three partition blocks, so threads really do split the batch.
                            let x = uniform 31 700 200 -6.0 6.0

                            let run threads =
                                Workspace(SimdBackend(threads)).ValueAndJacobian(Func<_, _> f, x)

                            let one = run 1

                            for threads in [ 2; 3; 7; -1 ] do
                                let other = run threads
                                Expect.sequenceEqual (bits other.Values) (bits one.Values) $"values, {threads} threads"

                                Expect.sequenceEqual
                                    (bits other.Jacobian)
                                    (bits one.Jacobian)
                                    $"jacobian, {threads} threads")
                ]

            testCase "a cold first call and a warm call give the same bits" (fun () ->
                // Code is first run precompiled or unoptimized and later re-jitted; results must not change.
                let x = uniform 34 60 200 -40.0 40.0
                let ws = Workspace(SimdBackend(2))
                let fs = tasks |> List.map (fun (_, f) -> Func<_, _> f)
                let first = fs |> List.map (fun f -> ws.ValueAndJacobian(f, x))
                let sw = Diagnostics.Stopwatch.StartNew()
                let mutable calls = 0

                while calls < 60 || sw.ElapsedMilliseconds < 600L do
                    for f in fs do
                        ws.ValueAndJacobian(f, x) |> ignore

                    calls <- calls + 1

                for (name, _), f, r in List.zip3 tasks fs first do
                    let warm = ws.ValueAndJacobian(f, x)
                    Expect.sequenceEqual (bits warm.Values) (bits r.Values) $"{name} values"
                    Expect.sequenceEqual (bits warm.Jacobian) (bits r.Jacobian) $"{name} jacobian")

            testList
                "a solution's results do not depend on the rest of the batch"
                [
                    for b in backends do
                        for name, f in tasks ->
                            testCase $"{b.Name} {name}" (fun () ->
                                let x = uniform 36 6 50 -6.0 6.0
                                let ws = Workspace(b)
                                let whole = ws.ValueAndJacobian(Func<_, _> f, x)

                                for i in 0 .. x.Rows - 1 do
                                    let one =
                                        ws.ValueAndJacobian(
                                            Func<_, _> f,
                                            Tensor.FromArray(x.ToArray().[i * 50 .. i * 50 + 49], 1, 50)
                                        )

                                    let m = whole.Outputs

                                    Expect.sequenceEqual
                                        (bits one.Values)
                                        (bits whole.Values.[i * m .. i * m + m - 1])
                                        $"row {i} values"

                                    Expect.sequenceEqual
                                        (bits one.Jacobian)
                                        (bits whole.Jacobian.[i * m * 50 .. (i + 1) * m * 50 - 1])
                                        $"row {i} jacobian")
                ]

            testList
                "backends agree"
                [
                    for name, f in tasks ->
                        testCase name (fun () ->
                            let x = uniform 32 40 64 -6.0 6.0

                            let results =
                                [ for b in backends -> b.Name, Workspace(b).ValueAndJacobian(Func<_, _> f, x) ]

                            let _, reference = results.Head

                            for bname, r in results.Tail do
                                expectClose 1e-10 $"{bname} values" reference.Values r.Values
                                expectClose 1e-10 $"{bname} jacobian" reference.Jacobian r.Jacobian)
                ]

            testList
                "buffer reuse"
                [
                    for b in backends ->
                        testCase $"{b.Name}: a warm workspace allocates little beyond its results" (fun () ->
                            let ws = Workspace(b)
                            let x = uniform 33 36 1000 -6.0 6.0
                            let f = Func<_, _> LinearProjection.Sphere

                            for _ in 1..3 do
                                ws.ValueAndJacobian(f, x) |> ignore

                            let before = GC.GetAllocatedBytesForCurrentThread()
                            let r = ws.ValueAndJacobian(f, x)
                            let allocated = GC.GetAllocatedBytesForCurrentThread() - before
                            let results = int64 (r.Values.Length + r.Jacobian.Length) * 8L
                            // Without pooling every node's value and gradient (≥ 20 × 288 KB) would be fresh; the
                            // slack covers tensor headers and the per-kernel scheduling closures.
                            Expect.isLessThan
                                allocated
                                (results + 256L * 1024L)
                                $"allocated {allocated} bytes for {results} bytes of results")
                ]

            testList
                "the population is never modified"
                [
                    for b in backends ->
                        testCase b.Name (fun () ->
                            let x = uniform 35 9 40 -7.0 7.0
                            let before = bits (x.ToArray())

                            for _, f in tasks do
                                Workspace(b).ValueAndJacobian(Func<_, _> f, x) |> ignore
                                Workspace(b).Evaluate(Func<_, _> f, x) |> ignore

                            Expect.sequenceEqual (bits (x.ToArray())) before "x after evaluations")
                ]

            testCase "the backend setting is one assignment and scopes per thread" (fun () ->
                Expect.equal (Backends.ByName "scalar") Backends.Scalar "by name"
                Expect.equal Engine.Backend.Name "simd" "default"

                (use _ = Engine.Use Backends.Scalar
                 Expect.equal Engine.Backend.Name "scalar" "scoped")

                Expect.equal Engine.Backend.Name "simd" "restored")
        ]
