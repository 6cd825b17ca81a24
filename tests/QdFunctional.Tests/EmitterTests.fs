module EmitterTests

open System
open Expecto
open Properties
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters
open QdFunctional.Core.Random

let private archiveWith (solutions: SolutionBatch) =
    let n = solutions.Count
    let measures = Array.init (2 * n) (fun i -> float (i / 2) / float n + 0.001)

    let a =
        CellArchive.Grid(solutions.Dim, [| 20; 20 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

    let struct (filled, _) = a.Add(solutions, evaluation (Array.create n 1.0) measures)
    filled

let private rows (b: SolutionBatch) =
    [ for i in 0 .. b.Count - 1 -> b.Row(i).ToArray() ]

[<Tests>]
let tests =
    testList
        "Emitters"
        [
            testCase "Gaussian: an empty archive gives x0 plus noise of the right spread"
            <| fun () ->
                let x0 = Array.init 50 float
                let e = GaussianEmitter(50, 0.5, 400, EmitterStart.FromPoint x0)

                let struct (_, b) =
                    e.Ask(CellArchive.Grid(50, [| 2 |], [| 0.0 |], [| 1.0 |]), Key.Of 1UL)

                Expect.equal (b.Count, b.Dim) (400, 50) "shape"

                let deltas =
                    [|
                        for i in 0..399 do
                            for j in 0..49 -> b.Row(i)[j] - x0[j]
                    |]

                let mean = Array.average deltas
                let sd = sqrt (deltas |> Array.averageBy (fun v -> (v - mean) ** 2.0))
                Expect.isLessThan (abs mean) 0.01 "centred on x0"
                Expect.floatClose { absolute = 0.01; relative = 0.0 } sd 0.5 "sigma"

            testCase "Gaussian: parents come from the archive and the same key gives the same batch"
            <| fun () ->
                let parents = indexed 30 4
                let a = archiveWith parents
                let e = GaussianEmitter(4, 1e-9, 64, EmitterStart.FromPoint(Array.zeroCreate 4))
                let struct (_, b1) = e.Ask(a, Key.Of 9UL)
                let struct (_, b2) = e.Ask(a, Key.Of 9UL)
                let struct (_, b3) = e.Ask(a, Key.Of 10UL)
                Expect.equal (b1.Values.ToArray()) (b2.Values.ToArray()) "same key, same solutions"
                Expect.notEqual (b1.Values.ToArray()) (b3.Values.ToArray()) "another key, other solutions"
                let firsts = set [ for i in 0..29 -> float i ]

                for r in rows b1 do
                    Expect.isTrue (firsts.Contains(Math.Round r[0])) "each child is near an elite"

            testCase "Gaussian: bounds clip every value"
            <| fun () ->
                let bounds = EmitterBounds([| -0.1; 0.0 |], [| 0.1; 0.2 |])
                let e = GaussianEmitter(2, 3.0, 500, EmitterStart.FromPoint [| 0.0; 0.0 |], bounds)

                let struct (_, b) =
                    e.Ask(CellArchive.Grid(2, [| 2 |], [| 0.0 |], [| 1.0 |]), Key.Of 2UL)

                for r in rows b do
                    Expect.isTrue (r[0] >= -0.1 && r[0] <= 0.1 && r[1] >= 0.0 && r[1] <= 0.2) "within bounds"

                Expect.isTrue (rows b |> List.exists (fun r -> r[0] = 0.1)) "large noise reaches the bound"

            testCase "Iso+LineDD with no isotropic noise stays on the line through two elites"
            <| fun () ->
                // Two elites, a = (0, 0) and b = (1, 2): children are a + t (b - a) or b + t (a - b).
                let sols = SolutionBatch(2, 2, [| 0.0; 0.0; 1.0; 2.0 |])
                let a = archiveWith sols
                let e = IsoLineEmitter(2, 0.0, 0.2, 200, EmitterStart.FromPoint [| 0.0; 0.0 |])
                let struct (_, b) = e.Ask(a, Key.Of 3UL)

                for r in rows b do
                    Expect.floatClose Accuracy.high r[1] (2.0 * r[0]) "child on the line y = 2x"

                Expect.isTrue
                    (rows b |> List.exists (fun r -> abs r[0] > 1e-6 && abs (r[0] - 1.0) > 1e-6))
                    "the line term moves children"

            testCase "Iso+LineDD: same key, same batch; Tell changes nothing"
            <| fun () ->
                let a = archiveWith (normals 4UL 25 6 1.0)
                let e = IsoLineEmitter(6, 0.01, 0.2, 16, EmitterStart.FromPoint(Array.zeroCreate 6))
                let struct (e2, b1) = e.Ask(a, Key.Of 5UL)
                let struct (_, b2) = e.Ask(a, Key.Of 5UL)
                Expect.equal (b1.Values.ToArray()) (b2.Values.ToArray()) "deterministic"

                let told =
                    e2.Tell(
                        a,
                        b1,
                        evaluation (Array.zeroCreate 16) (Array.create 32 0.5),
                        AddReport(Array.zeroCreate 16, Array.zeroCreate 16, Array.zeroCreate 16)
                    )

                Expect.equal told (e :> IEmitter) "stateless emitter is unchanged by tell"

            testCase "a given initial population is the first batch, unchanged"
            <| fun () ->
                let pop = normals 6UL 7 3 1.0
                let e = GaussianEmitter(3, 0.5, 36, EmitterStart.FromSolutions pop)

                let struct (_, b) =
                    e.Ask(CellArchive.Grid(3, [| 2 |], [| 0.0 |], [| 1.0 |]), Key.Of 1UL)

                Expect.equal (b.Values.ToArray()) (pop.Values.ToArray()) "initial solutions returned"

            testCase "uniform start draws within bounds"
            <| fun () ->
                let bounds = EmitterBounds.Uniform(3, -2.0, -1.0)
                let e = IsoLineEmitter(3, 0.1, 0.2, 100, EmitterStart.UniformInBounds(), bounds)

                let struct (_, b) =
                    e.Ask(CellArchive.Grid(3, [| 2 |], [| 0.0 |], [| 1.0 |]), Key.Of 1UL)

                Expect.all (b.Values.ToArray()) (fun v -> v >= -2.0 && v < -1.0) "inside the box"

            testCase "bad emitter settings are refused by name"
            <| fun () ->
                throwsWith<ArgumentOutOfRangeException> [ "sigma" ] (fun () ->
                    GaussianEmitter(3, -1.0, 4, EmitterStart.FromPoint [| 0.0; 0.0; 0.0 |])
                    |> ignore)

                throwsWith<ArgumentOutOfRangeException> [ "batchSize" ] (fun () ->
                    GaussianEmitter(3, 1.0, 0, EmitterStart.FromPoint [| 0.0; 0.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "x0 has 2 values"; "dimension 3" ] (fun () ->
                    GaussianEmitter(3, 1.0, 4, EmitterStart.FromPoint [| 0.0; 0.0 |])
                        .Ask(CellArchive.Grid(3, [| 2 |], [| 0.0 |], [| 1.0 |]), Key.Of 1UL)
                    |> ignore)

                throwsWith<ArgumentException> [ "dimension 1"; "lower < upper" ] (fun () ->
                    EmitterBounds([| 0.0; 1.0 |], [| 1.0; 1.0 |]) |> ignore)
        ]
