module MomeTests

open System
open System.IO
open System.Threading
open Expecto
open Properties
open QdFunctional.Core.Archives
open QdFunctional.Core.Batches
open QdFunctional.Core.Metrics
open QdFunctional.Core.Random

/// A 10 × 10 grid MOME archive over [0, 1]², solutions of dimension 3, reference point at the origin.
let private grid m p =
    MomeArchive.Grid(
        3,
        m,
        [| 10; 10 |],
        [| 0.0; 0.0 |],
        [| 1.0; 1.0 |],
        Array.zeroCreate m,
        MomeOptions(ParetoFrontMaxLength = p)
    )

/// An m-objective evaluation of n rows (objectives n × m, measures n × 2).
let private eval m (objectives: float[]) (measures: float[]) =
    Evaluation(objectives.Length / m, m, 2, objectives, measures)

/// All n rows in the cell of measures (0.05, 0.05).
let private atCell0 n = Array.create (2 * n) 0.05

let private front (a: MomeArchive) cell = a.FrontAt(cell).ToArray()

let private objectivesOf (e: Elite) = e.Objectives.ToArray()

let private frontObjectives a cell = front a cell |> Array.map objectivesOf

let private dominates (a: float[]) (b: float[]) =
    Array.forall2 (>=) a b && Array.exists2 (>) a b

/// Exact hypervolume by inclusion–exclusion over every non-empty subset (small n only).
let private inclusionExclusion (points: float[][]) (reference: float[]) =
    let n = points.Length
    let m = reference.Length
    let mutable total = 0.0

    for mask in 1 .. (1 <<< n) - 1 do
        let mutable volume = 1.0
        let mutable size = 0

        for j in 0 .. m - 1 do
            let mutable low = Double.PositiveInfinity

            for i in 0 .. n - 1 do
                if mask &&& (1 <<< i) <> 0 then
                    low <- min low (points[i][j])

            volume <- volume * max 0.0 (low - reference[j])

        for i in 0 .. n - 1 do
            if mask &&& (1 <<< i) <> 0 then
                size <- size + 1

        total <- total + (if size % 2 = 1 then volume else -volume)

    total

/// Exact volume of the union of the boxes [r, p] by brute force: the grid that every point's and the
/// reference's coordinates cut each axis into, a grid cell counted when some point covers its upper
/// corner (O(n^(m+1)): small archives only). Shares no code with Hypervolume.
let private boxUnion (points: float[][]) (reference: float[]) =
    let m = reference.Length

    let inside =
        points |> Array.filter (fun p -> Array.forall2 (fun v r -> v > r) p reference)

    let cuts =
        Array.init m (fun j ->
            Array.append [| reference[j] |] (inside |> Array.map (fun p -> p[j]))
            |> Array.distinct
            |> Array.sort)

    let upper = Array.zeroCreate<float> m

    let rec sweep j (width: float) =
        if j = m then
            if inside |> Array.exists (fun p -> Array.forall2 (>=) p upper) then
                width
            else
                0.0
        else
            let c = cuts[j]
            let mutable total = 0.0

            for a in 0 .. c.Length - 2 do
                upper[j] <- c[a + 1]
                total <- total + sweep (j + 1) (width * (c[a + 1] - c[a]))

            total

    sweep 0 1.0

let private hv (points: float[][]) (reference: float[]) =
    Hypervolume.Of(ReadOnlySpan(Array.concat points), reference.Length, ReadOnlySpan reference)

/// Random points with values on a 0.25 lattice in [-0.5, 2) (ties, duplicates and points outside the reference).
let private latticePoints (key: Key) n m =
    let v: float[] = Array.zeroCreate (n * m)
    key.Uniform(Span<float> v, -0.5, 2.0)
    Array.init n (fun i -> Array.init m (fun j -> Math.Round(v[i * m + j] * 4.0) / 4.0))

/// A random add sequence into a few cells: objectives on a 0.5 lattice in [-1, 3), measures in [0, 1)².
let private randomBatches (seed: uint64) steps n m =
    [
        for s in 0 .. steps - 1 ->
            let struct (k1, k2) = ((Key.Of seed).FoldIn s).Split2()
            let obj: float[] = Array.zeroCreate (n * m)
            k1.Uniform(Span<float> obj, -1.0, 3.0)
            let obj = obj |> Array.map (fun v -> Math.Round(v * 2.0) / 2.0)
            let meas: float[] = Array.zeroCreate (2 * n)
            k2.Uniform(Span<float> meas, 0.0, 1.0)
            indexed n 3, eval m obj meas
    ]

/// Non-dominated distinct vectors of a set, by brute force.
let private nonDominated (points: float[] list) =
    let distinct =
        points |> List.map List.ofArray |> List.distinct |> List.map Array.ofList

    distinct
    |> List.filter (fun p -> not (distinct |> List.exists (fun q -> dominates q p)))

/// Checks the archive's invariants and that `next` is `prev` plus `batch` under the add rule.
let private checkStep (p: int) (prev: MomeArchive) (next: MomeArchive) (evaluation: Evaluation) (report: AddReport) =
    let m = next.ObjectiveCount
    let mutable solutions = 0

    for cell in 0 .. next.CellCount - 1 do
        let f = frontObjectives next cell
        solutions <- solutions + f.Length
        Expect.isLessThanOrEqual f.Length p "a front holds at most P solutions"

        for i in 0 .. f.Length - 1 do
            for j in 0 .. f.Length - 1 do
                if i <> j then
                    Expect.isFalse (dominates f[i] f[j]) "no front member dominates another"
                    Expect.notEqual f[i] f[j] "no duplicates in a front"

        let arrivals =
            [
                for r in 0 .. evaluation.Count - 1 do
                    if report.Cells[r] = cell then
                        yield evaluation.ObjectivesOf(r).ToArray()
            ]

        let candidates = nonDominated (List.ofArray (frontObjectives prev cell) @ arrivals)
        let stored = f |> Array.map List.ofArray |> Set.ofArray
        let expected = candidates |> List.map List.ofArray |> Set.ofList

        if expected.Count <= p then
            Expect.equal stored expected "a front that fits keeps every non-dominated candidate"
        else
            Expect.equal f.Length p "an overflowing front is cut to P"
            Expect.isTrue (Set.isSubset stored expected) "overflow only removes non-dominated candidates"

    Expect.equal next.NumSolutions solutions "solution count"
    let moqd = MomeMetrics.MoqdScoreOf(next, next.ReferencePoint)
    Expect.floatClose Accuracy.high next.MoqdScore moqd "incremental MOQD score equals the recomputed one"

    let sums =
        next.Elites |> Seq.map (fun e -> Array.sum (objectivesOf e)) |> Seq.toArray

    if sums.Length > 0 then
        Expect.equal next.MaxSumOfScores (Array.max sums) "max sum of scores"

    for r in 0 .. evaluation.Count - 1 do
        let x = evaluation.ObjectivesOf(r).ToArray()
        let joined = Array.exists (fun e -> e = x) (frontObjectives next (report.Cells[r]))

        if report.Status[r] <> AddStatus.NotAdded then
            Expect.isTrue joined "an added row is in its cell's front"

        let before = frontObjectives prev (report.Cells[r])

        let gain =
            hv (Array.append before [| x |]) (Array.zeroCreate m)
            - hv before (Array.zeroCreate m)

        Expect.floatClose
            Accuracy.high
            report.Value[r]
            (max 0.0 gain)
            "value is the hypervolume gain over the old front"

let private snapshot (a: MomeArchive) =
    let t = a.ToTable()
    t.Cells, t.Objectives, t.Solutions, a.MoqdScore

[<Tests>]
let tests =
    testList
        "MOME"
        [
            testCase "a batch keeps the non-dominated, drops dominated rows and duplicates, reports hypervolume gains"
            <| fun () ->
                let a0 = grid 2 50
                let objs = [| 1.0; 3.0; 3.0; 1.0; 2.0; 2.0; 1.0; 1.0; 2.0; 2.0 |]
                let struct (a1, r1) = a0.Add(indexed 5 3, eval 2 objs (atCell0 5))

                Expect.equal
                    r1.Status
                    [|
                        AddStatus.New
                        AddStatus.New
                        AddStatus.New
                        AddStatus.NotAdded
                        AddStatus.NotAdded
                    |]
                    "statuses"

                Expect.equal r1.Value [| 3.0; 3.0; 4.0; 1.0; 4.0 |] "value into an empty cell is the box volume"

                Expect.equal
                    (frontObjectives a1 0)
                    [| [| 1.0; 3.0 |]; [| 3.0; 1.0 |]; [| 2.0; 2.0 |] |]
                    "front in batch order; the earliest duplicate stays"

                Expect.equal (front a1 0 |> Array.map (fun e -> e.Solution[0])) [| 0.0; 1.0; 2.0 |] "rows 0, 1, 2"
                Expect.equal (a1.CellHypervolume 0) 6.0 "cell hypervolume"
                Expect.equal a1.MoqdScore 6.0 "MOQD score"
                Expect.equal a1.Stats.NumElites 1 "one occupied cell"
                Expect.equal a1.NumSolutions 3 "three solutions"

                let struct (a2, r2) =
                    a1.Add(indexed 2 3, eval 2 [| 4.0; 4.0; 2.0; 2.0 |] (atCell0 2))

                Expect.equal
                    r2.Status
                    [| AddStatus.Improved; AddStatus.NotAdded |]
                    "improved, and an equal of a stored one dropped"

                Expect.equal r2.Value [| 10.0; 0.0 |] "gain 16 − 6; a stored duplicate adds nothing"
                Expect.equal (frontObjectives a2 0) [| [| 4.0; 4.0 |] |] "the dominating row replaces the front"
                Expect.equal a2.MoqdScore 16.0 "MOQD score follows"
                Expect.equal (frontObjectives a1 0).Length 3 "the old version is unchanged"
                Expect.equal a1.MoqdScore 6.0 "old MOQD score unchanged"
                Expect.equal (a2.EliteAt(0).Objectives.ToArray()) [| 4.0; 4.0 |] "EliteAt is the first front member"
                Expect.equal (a2.EliteAt(0).Objective) 4.0 "Objective is the first objective"
                Expect.isNull (a2.EliteAt 5) "empty cell"
                Expect.equal (a2.FrontAt(5).Length) 0 "empty front"

            testCase "a solution joins only its own cell's front and equal stored solutions win"
            <| fun () ->
                let a0 = grid 2 50

                let struct (a1, _) =
                    a0.Add(indexed 2 3, eval 2 [| 1.0; 1.0; 5.0; 5.0 |] [| 0.05; 0.05; 0.95; 0.95 |])

                let struct (a2, r2) =
                    a1.Add(
                        indexed 3 3,
                        eval 2 [| 1.0; 1.0; 2.0; 0.5; 0.5; 0.5 |] [| 0.05; 0.05; 0.05; 0.05; 0.5; 0.5 |]
                    )

                Expect.equal r2.Status [| AddStatus.NotAdded; AddStatus.Improved; AddStatus.New |] "statuses"

                Expect.equal
                    (front a2 0 |> Array.map (fun e -> e.Index))
                    [| 0L; 2L |]
                    "the stored equal keeps its index; the newcomer follows"

                Expect.equal r2.Value[1] 0.5 "gain of (2, 0.5) over (1, 1) is 1 − 0.5"
                Expect.equal a2.Stats.NumElites 3 "three cells"
                Expect.floatClose Accuracy.veryHigh a2.Stats.Coverage 0.03 "coverage"
                Expect.equal a2.MaxSumOfScores 10.0 "max sum of scores"
                Expect.equal (a2.BestBySum.Cell) 99 "best by sum sits in the last cell"
                Expect.equal (a2.NextIndex) 4L "indices 0..3 used"

            testCase "crowding overflow drops the most crowded point and keeps the extremes"
            <| fun () ->
                let pts = [| 1.0; 10.0; 4.0; 7.0; 4.2; 6.8; 10.0; 1.0 |]
                let d = Array.zeroCreate 4
                CrowdingDistance.Compute(ReadOnlySpan pts, 2, Span d)
                Expect.equal d[0] Double.PositiveInfinity "boundary"
                Expect.equal d[3] Double.PositiveInfinity "boundary"
                Expect.floatClose Accuracy.high d[1] (3.2 / 9.0 + 3.2 / 9.0) "B: (4.2 − 1)/9 + (10 − 6.8)/9"
                Expect.floatClose Accuracy.high d[2] (6.0 / 9.0 + 6.0 / 9.0) "C: (10 − 4)/9 + (7 − 1)/9"
                let struct (a, r) = (grid 2 3).Add(indexed 4 3, eval 2 pts (atCell0 4))

                Expect.equal
                    (frontObjectives a 0)
                    [| [| 1.0; 10.0 |]; [| 4.2; 6.8 |]; [| 10.0; 1.0 |] |]
                    "B, the most crowded, left"

                Expect.equal
                    r.Status
                    [| AddStatus.New; AddStatus.NotAdded; AddStatus.New; AddStatus.New |]
                    "B reported not added"
                // Equal distances: the latest arrival leaves.
                let even = [| 1.0; 10.0; 4.0; 7.0; 7.0; 4.0; 10.0; 1.0 |]
                let struct (b, _) = (grid 2 3).Add(indexed 4 3, eval 2 even (atCell0 4))

                Expect.equal
                    (frontObjectives b 0)
                    [| [| 1.0; 10.0 |]; [| 4.0; 7.0 |]; [| 10.0; 1.0 |] |]
                    "tie: the later of B and C leaves"
                // Stored members are older than arrivals: on a tie the arrival leaves.
                let struct (c1, _) =
                    (grid 2 3).Add(indexed 3 3, eval 2 [| 1.0; 10.0; 7.0; 4.0; 10.0; 1.0 |] (atCell0 3))

                let struct (c2, r2) = c1.Add(indexed 1 3, eval 2 [| 4.0; 7.0 |] (atCell0 1))
                Expect.equal r2.Status [| AddStatus.NotAdded |] "the arrival loses the tie"
                Expect.equal (frontObjectives c2 0) (frontObjectives c1 0) "stored front unchanged"
                // P = 2 in two objectives keeps both extremes.
                let struct (e, _) = (grid 2 2).Add(indexed 4 3, eval 2 pts (atCell0 4))
                Expect.equal (frontObjectives e 0) [| [| 1.0; 10.0 |]; [| 10.0; 1.0 |] |] "extremes stay"

            property "crowding truncation equals recomputing every distance after each removal" 100
            <| fun (seed: uint64) (nb: byte) (mb: byte) (lb: byte) ->
                let m = 2 + int mb % 2
                let n = 1 + int nb % 20
                let limit = int lb % (n + 1)
                let pts = latticePoints (Key.Of seed) n m |> Array.concat
                let keep = Array.create n true
                CrowdingDistance.Truncate(ReadOnlySpan pts, m, Span keep, limit)
                let alive = ResizeArray [ 0 .. n - 1 ]

                while alive.Count > limit do
                    let sub = alive |> Seq.collect (fun i -> pts[i * m .. i * m + m - 1]) |> Seq.toArray
                    let d = Array.zeroCreate alive.Count
                    CrowdingDistance.Compute(ReadOnlySpan sub, m, Span d)
                    let mutable worst = alive.Count - 1

                    for r in alive.Count - 2 .. -1 .. 0 do
                        if d[r] < d[worst] then
                            worst <- r

                    alive.RemoveAt worst

                Expect.equal
                    [
                        for i in 0 .. n - 1 do
                            if keep[i] then
                                yield i
                    ]
                    (List.ofSeq alive)
                    "same survivors"

            testCase "random overflow is deterministic under a key and needs one"
            <| fun () ->
                let a0 =
                    MomeArchive.Grid(
                        3,
                        2,
                        [| 10; 10 |],
                        [| 0.0; 0.0 |],
                        [| 1.0; 1.0 |],
                        [| 0.0; 0.0 |],
                        MomeOptions(ParetoFrontMaxLength = 4, Overflow = FrontOverflow.Random)
                    )

                let n = 12

                let objs =
                    Array.init (2 * n) (fun i -> if i % 2 = 0 then float (i / 2 + 1) else float (n - i / 2))

                let e = eval 2 objs (atCell0 n)

                let run seed =
                    let struct (a, r) = a0.Add(indexed n 3, e, Key.Of seed) in frontObjectives a 0, r.Status

                let f1, s1 = run 7UL
                let f2, s2 = run 7UL
                Expect.equal f1 f2 "same key, same front"
                Expect.equal s1 s2 "same key, same statuses"
                Expect.equal f1.Length 4 "cut to P"
                let fronts = [ for s in 1UL .. 8UL -> fst (run s) ] |> List.distinct
                Expect.isGreaterThan fronts.Length 1 "different keys draw different subsets"
                throwsWith<InvalidOperationException> [ "key" ] (fun () -> a0.Add(indexed n 3, e) |> ignore)

                throwsWith<InvalidOperationException> [ "key" ] (fun () ->
                    (a0 :> IArchive).Add(indexed n 3, e) |> ignore)

            property
                "after any add sequence (m = 2..4, grid or CVT, crowding or random overflow) fronts are non-dominated, at most P, lose nothing that fits; old versions unchanged"
                40
            <| fun (seed: uint64) (pb: byte) (mb: byte) (cvt: bool) (random: bool) ->
                let p = 1 + int pb % 6
                let m = 2 + int mb % 3

                let overflow =
                    if random then
                        FrontOverflow.Random
                    else
                        FrontOverflow.CrowdingDistance

                let options = MomeOptions(ParetoFrontMaxLength = p, Overflow = overflow)

                let tess: ITessellation =
                    if cvt then
                        CvtTessellation([| 0.2; 0.2; 0.8; 0.3; 0.5; 0.8 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])
                    else
                        GridTessellation([| 2; 2 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

                let a0 = MomeArchive.Create(3, m, tess, Array.zeroCreate m, options)
                let mutable a = a0
                let mutable history = []

                for s, e in randomBatches seed 5 15 m do
                    let before = snapshot a
                    let struct (next, report) = a.Add(s, e, (Key.Of seed).FoldIn 77)
                    checkStep p a next e report
                    Expect.equal (snapshot a) before "Add leaves the old archive unchanged"
                    history <- (a, before) :: history
                    a <- next

                for old, snap in history do
                    Expect.equal (snapshot old) snap "every earlier version is intact"

            testCase "hypervolume of hand-computed 2-D fronts (dominated points, outside the reference, duplicates)"
            <| fun () ->
                let r = [| 0.0; 0.0 |]
                Expect.equal (hv [| [| 1.0; 3.0 |]; [| 3.0; 1.0 |]; [| 2.0; 2.0 |] |] r) 6.0 "staircase"

                Expect.equal
                    (hv
                        [|
                            [| 1.0; 3.0 |]
                            [| 3.0; 1.0 |]
                            [| 2.0; 2.0 |]
                            [| 1.0; 1.0 |]
                            [| 2.0; 2.0 |]
                        |]
                        r)
                    6.0
                    "dominated and duplicate add nothing"

                Expect.equal
                    (hv
                        [|
                            [| 1.0; 3.0 |]
                            [| 3.0; 1.0 |]
                            [| 2.0; 2.0 |]
                            [| 5.0; -1.0 |]
                            [| 5.0; 0.0 |]
                        |]
                        r)
                    6.0
                    "outside or on the reference add nothing"

                Expect.equal
                    (hv [| [| 1.0; 3.0 |]; [| 3.0; 1.0 |]; [| 2.0; 2.0 |] |] [| -1.0; -1.0 |])
                    13.0
                    "shifted reference"

                Expect.equal (hv [||] r) 0.0 "empty"
                Expect.equal (hv [| [| -1.0; 5.0 |] |] r) 0.0 "only outside points"

            testCase "hypervolume of hand-computed 3-D fronts"
            <| fun () ->
                let r = [| 0.0; 0.0; 0.0 |]
                Expect.equal (hv [| [| 1.0; 2.0; 3.0 |] |] r) 6.0 "one box"
                Expect.equal (hv [| [| 2.0; 1.0; 1.0 |]; [| 1.0; 2.0; 1.0 |] |] r) 3.0 "2 + 2 − 1"
                let three = [| [| 2.0; 1.0; 1.0 |]; [| 1.0; 2.0; 1.0 |]; [| 1.0; 1.0; 2.0 |] |]
                Expect.equal (hv three r) 4.0 "6 − 3 + 1"

                let noisy =
                    Array.append
                        three
                        [|
                            [| 1.0; 1.0; 1.0 |]
                            [| 2.0; 1.0; 1.0 |]
                            [| 3.0; 3.0; -1.0 |]
                            [| 3.0; 0.0; 3.0 |]
                        |]

                Expect.equal (hv noisy r) 4.0 "dominated, duplicate, outside and on-reference points add nothing"

                Expect.equal
                    (hv [| [| 2.0; 2.0; 2.0 |]; [| 1.0; 1.0; 3.0 |] |] [| 1.0; 1.0; 1.0 |])
                    1.0
                    "a point on the reference plane adds nothing"

                Expect.equal
                    (hv [| [| 3.0; 1.0; 2.0 |]; [| 3.0; 2.0; 1.0 |] |] r)
                    9.0
                    "equal first objective: 6 + 6 − 3"

            property "hypervolume equals inclusion–exclusion on random point sets, m = 2 to 5" 60
            <| fun (seed: uint64) (nb: byte) (mb: byte) ->
                let m = 2 + int mb % 4
                let n = 1 + int nb % 10
                let pts = latticePoints (Key.Of seed) n m
                let r = Array.zeroCreate m
                Expect.floatClose Accuracy.high (hv pts r) (inclusionExclusion pts r) $"m = {m}, n = {n}"
                // The exclusive contribution of one more point is the difference of two hypervolumes.
                let x = (latticePoints ((Key.Of seed).FoldIn 1) 1 m)[0]

                let c =
                    Hypervolume.Contribution(ReadOnlySpan x, ReadOnlySpan(Array.concat pts), m, ReadOnlySpan r)

                Expect.floatClose
                    Accuracy.high
                    c
                    (max 0.0 (inclusionExclusion (Array.append pts [| x |]) r - inclusionExclusion pts r))
                    "contribution"

            testCase "hypervolume agrees with a Monte-Carlo estimate on random continuous fronts (2-D and 3-D)"
            <| fun () ->
                for m in [ 2; 3 ] do
                    let n = 40
                    let v: float[] = Array.zeroCreate (n * m)
                    (Key.Of(uint64 m)).Uniform(Span<float> v, 0.0, 1.0)
                    let pts = Array.init n (fun i -> v[i * m .. i * m + m - 1])
                    let exact = hv pts (Array.zeroCreate m)
                    let samples = 200000
                    let u: float[] = Array.zeroCreate (samples * m)
                    (Key.Of 99UL).Uniform(Span<float> u, 0.0, 1.0)
                    let mutable hits = 0

                    for s in 0 .. samples - 1 do
                        let q = u[s * m .. s * m + m - 1]

                        if pts |> Array.exists (fun p -> Array.forall2 (>=) p q) then
                            hits <- hits + 1

                    let estimate = float hits / float samples
                    // Binomial standard error ≤ 0.5 / sqrt(200000) ≈ 0.0011; allow 5 of them.
                    Expect.isLessThan (abs (estimate - exact)) 0.006 $"m = {m}: exact {exact}, estimate {estimate}"

            testCase "MOQD score and metrics equal their recomputation from scratch"
            <| fun () ->
                let mutable a = grid 2 5

                for s, e in randomBatches 11UL 6 60 2 do
                    let struct (next, _) = a.Add(s, e)
                    a <- next

                let cells =
                    [ for c in 0 .. a.CellCount - 1 -> hv (frontObjectives a c) [| 0.0; 0.0 |] ]
                    |> List.sum

                Expect.floatClose Accuracy.high a.MoqdScore cells "MOQD score = Σ cell hypervolumes"
                Expect.floatClose Accuracy.high a.Stats.QdScore cells "Stats.QdScore is the MOQD score"
                let metrics = MomeMetrics.Of a
                let all = a.Elites |> Seq.map objectivesOf |> Seq.toArray
                Expect.floatClose Accuracy.high metrics.GlobalHypervolume (hv all [| 0.0; 0.0 |]) "global hypervolume"
                Expect.equal metrics.NumSolutions all.Length "solutions"
                Expect.equal metrics.MaxSumOfScores (all |> Array.map Array.sum |> Array.max) "max sum of scores"
                Expect.equal metrics.Coverage a.Stats.Coverage "coverage"
                let shifted = MomeMetrics.Of(a, [| -1.0; -1.0 |])

                let cellsShifted =
                    [ for c in 0 .. a.CellCount - 1 -> hv (frontObjectives a c) [| -1.0; -1.0 |] ]
                    |> List.sum

                Expect.floatClose Accuracy.high shifted.MoqdScore cellsShifted "another reference point recomputes"

                Expect.isGreaterThan
                    shifted.GlobalHypervolume
                    metrics.GlobalHypervolume
                    "a lower reference point covers more"

            testCase
                "a MOME run logs the global hypervolume: the last row's equals a brute-force union of boxes over archive.parquet's solutions, for m = 2 and 3"
            <| fun () ->
                for task, m in [ "mo-rastrigin", 2; "mo-sphere", 3 ] do
                    let dir = Path.Combine(Path.GetTempPath(), "qd-tests", Guid.NewGuid().ToString("N"))

                    let config =
                        { QdFunctional.RunConfig.preset
                              task
                              "mome"
                              { QdFunctional.RunConfig.defaults with
                                  Dim = 10
                              } with
                            Task = task
                            Dim = 10
                            Algorithm = "mome"
                            Iterations = 20
                            Archive = "cvt:8"
                            CheckpointEvery = 5
                            Mome =
                                { QdFunctional.MomeSettings.defaults with
                                    ParetoLength = 8
                                }
                        }

                    let final =
                        QdFunctional.RunDirectory.start dir config
                        |> QdFunctional.RunDirectory.execute dir CancellationToken.None ignore

                    let reference = (final.State.Archive :?> MomeArchive).ReferencePoint.ToArray()

                    let table =
                        QdFunctional.Results.loadArchive (QdFunctional.RunDirectory.archivePath dir)

                    Expect.equal table.ObjectiveCount m $"{task}: objectives"

                    let solutions =
                        Array.init table.Count (fun i -> table.Objectives[i * m .. i * m + m - 1])

                    let rows =
                        QdFunctional.Results.loadMetrics (QdFunctional.RunDirectory.metricsPath dir)

                    let last = Array.last rows
                    Expect.equal last.Iteration 20 $"{task}: the last row"
                    let brute = boxUnion solutions reference
                    Expect.isGreaterThan brute 0.0 $"{task}: some solution beats the reference point"

                    Expect.floatClose
                        Accuracy.high
                        last.GlobalHypervolume
                        brute
                        $"{task}: global hypervolume of {solutions.Length} solutions"

                    Expect.isLessThanOrEqual
                        last.QdScore
                        (float (table.Cells |> Array.distinct).Length * brute + 1e-9)
                        $"{task}: no cell's front covers more than all solutions together"

                    for r in rows do
                        if r.Iteration % 5 = 0 then
                            Expect.isFalse
                                (Double.IsNaN r.GlobalHypervolume)
                                $"{task}: checkpoint row {r.Iteration} has it"

                        Expect.isTrue (Double.IsNaN r.MeanNovelty) $"{task}: no novelty in a MOME row"

            testCase "sampling picks a cell uniformly, then a member of its front uniformly"
            <| fun () ->
                let objs = [| 5.0; 5.0; 1.0; 3.0; 3.0; 1.0; 2.0; 2.0 |]
                let meas = [| 0.95; 0.95; 0.05; 0.05; 0.05; 0.05; 0.05; 0.05 |]
                let struct (a, _) = (grid 2 50).Add(indexed 4 3, eval 2 objs meas)
                let draws = a.Sample(Key.Of 3UL, 6000)

                Expect.equal
                    (a.Sample(Key.Of 3UL, 6000) |> Array.map (fun e -> e.Index))
                    (draws |> Array.map (fun e -> e.Index))
                    "deterministic"

                let lone = draws |> Array.filter (fun e -> e.Cell = 99) |> Array.length
                Expect.isLessThan (abs (float lone / 6000.0 - 0.5)) 0.03 "the lone member of one cell: half the draws"

                for row in 1..3 do
                    let c = draws |> Array.filter (fun e -> e.Index = int64 row) |> Array.length
                    Expect.isLessThan (abs (float c / 6000.0 - 1.0 / 6.0)) 0.03 "each of three members: a sixth"

                throwsWith<InvalidOperationException> [ "empty" ] (fun () -> (grid 2 5).Sample(Key.Of 1UL, 1) |> ignore)

            testCase "Elites and ToTable list every stored solution, cell repeated per member"
            <| fun () ->
                let objs = [| 5.0; 5.0; 1.0; 3.0; 3.0; 1.0 |]
                let meas = [| 0.95; 0.95; 0.05; 0.05; 0.05; 0.05 |]
                let struct (a, _) = (grid 2 50).Add(indexed 3 3, eval 2 objs meas)

                Expect.equal
                    (a.Elites |> Seq.map (fun e -> e.Cell) |> Seq.toList)
                    [ 0; 0; 99 ]
                    "cell order, then front order"

                let t = a.ToTable()
                Expect.equal t.ObjectiveCount 2 "m"
                Expect.equal t.Cells [| 0; 0; 99 |] "cells"
                Expect.equal t.Objectives [| 1.0; 3.0; 3.0; 1.0; 5.0; 5.0 |] "objectives row-major"
                Expect.equal t.Solutions[0..2] [| 1.0; 0.0; 0.0 |] "row 1's solution first"

            testCase "a MOME table round-trips through archive.parquet for m = 2 and 3"
            <| fun () ->
                for m in [ 2; 3 ] do
                    let mutable a = grid m 4

                    for s, e in randomBatches (uint64 m) 3 40 m do
                        let struct (next, _) = a.Add(s, e)
                        a <- next

                    let t = a.ToTable()

                    let path =
                        IO.Path.Combine(IO.Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".parquet")

                    try
                        QdFunctional.Core.Persistence.ArchiveParquet.Write(path, t)
                        let back = QdFunctional.Core.Persistence.ArchiveParquet.Read path
                        Expect.equal back.ObjectiveCount m "objective count"
                        Expect.equal back.Cells t.Cells "cells"
                        Expect.equal back.Objectives t.Objectives "objectives"
                        Expect.equal back.Measures t.Measures "measures"
                        Expect.equal back.Solutions t.Solutions "solutions"
                        Expect.isGreaterThan back.Count (a.Stats.NumElites) "more rows than cells"
                    finally
                        IO.File.Delete path

            testCase "extra fields travel with each solution into the table"
            <| fun () ->
                let a =
                    MomeArchive.Grid(
                        3,
                        2,
                        [| 10; 10 |],
                        [| 0.0; 0.0 |],
                        [| 1.0; 1.0 |],
                        [| 0.0; 0.0 |],
                        MomeOptions(ExtraFields = [| "energy" |])
                    )

                let extra =
                    dict [ "energy", [| 0.25; 0.75; 0.5 |] ] |> Collections.Generic.Dictionary

                let e =
                    Evaluation(
                        3,
                        2,
                        2,
                        [| 1.0; 3.0; 3.0; 1.0; 5.0; 5.0 |],
                        [| 0.05; 0.05; 0.05; 0.05; 0.95; 0.95 |],
                        null,
                        0,
                        extra
                    )

                let struct (b, _) = a.Add(indexed 3 3, e)
                let t = b.ToTable()
                Expect.equal t.Extra["energy"] [| 0.25; 0.75; 0.5 |] "extra column in table order"
                Expect.equal ((b.EliteAt 0).Extra.ToArray()) [| 0.25 |] "per elite"

                throwsWith<ArgumentException> [ "'energy'"; "lacks" ] (fun () ->
                    a.Add(indexed 1 3, eval 2 [| 1.0; 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "distinct" ] (fun () ->
                    MomeOptions(ExtraFields = [| "a"; "a" |])
                    |> fun o ->
                        MomeArchive.Grid(3, 2, [| 2 |], [| 0.0 |], [| 1.0 |], [| 0.0; 0.0 |], o)
                        |> ignore)

            testCase "Elite.Objectives of a single-objective elite is its one objective"
            <| fun () ->
                let a = CellArchive.Grid(3, [| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])
                let struct (b, _) = a.Add(indexed 1 3, evaluation [| 2.5 |] [| 0.5; 0.5 |])
                let e = b.Elites |> Seq.head
                Expect.equal (e.Objectives.ToArray()) [| 2.5 |] "one value"
                Expect.equal e.ObjectiveCount 1 "m = 1"

            testCase "clear errors"
            <| fun () ->
                let t = GridTessellation([| 10; 10 |], [| 0.0; 0.0 |], [| 1.0; 1.0 |])

                throwsWith<ArgumentException> [ "at least 2 objectives" ] (fun () ->
                    MomeArchive.Create(3, 1, t, [| 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "reference point has 3 values"; "expected 2" ] (fun () ->
                    MomeArchive.Create(3, 2, t, [| 0.0; 0.0; 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "reference point value 1"; "NaN" ] (fun () ->
                    MomeArchive.Create(3, 2, t, [| 0.0; nan |]) |> ignore)

                throwsWith<ArgumentException> [ "ParetoFrontMaxLength" ] (fun () ->
                    MomeArchive.Create(3, 2, t, [| 0.0; 0.0 |], MomeOptions(ParetoFrontMaxLength = 0))
                    |> ignore)

                let a = grid 2 5

                throwsWith<ArgumentException> [ "objective 1 of row 2"; "NaN" ] (fun () ->
                    a.Add(indexed 3 3, eval 2 [| 1.0; 1.0; 1.0; 1.0; 1.0; nan |] (atCell0 3))
                    |> ignore)

                throwsWith<ArgumentException> [ "measure 0 of row 1"; "finite" ] (fun () ->
                    a.Add(indexed 2 3, eval 2 [| 1.0; 1.0; 1.0; 1.0 |] [| 0.5; 0.5; infinity; 0.5 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "2 objectives"; "evaluation has 1" ] (fun () ->
                    a.Add(indexed 1 3, evaluation [| 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "dimension 4"; "dimension 3" ] (fun () ->
                    a.Add(indexed 1 4, eval 2 [| 1.0; 1.0 |] [| 0.5; 0.5 |]) |> ignore)

                throwsWith<ArgumentException> [ "reference point has 1 values" ] (fun () ->
                    Hypervolume.Of(ReadOnlySpan [| 1.0; 1.0 |], 2, ReadOnlySpan [| 0.0 |]) |> ignore)

                throwsWith<ArgumentException> [ "objective 0 of row 1" ] (fun () ->
                    Hypervolume.Of(ReadOnlySpan [| 1.0; 1.0; nan; 1.0 |], 2, ReadOnlySpan [| 0.0; 0.0 |])
                    |> ignore)

                throwsWith<ArgumentException> [ "reference point has 3 values" ] (fun () ->
                    MomeMetrics.Of(a, [| 0.0; 0.0; 0.0 |]) |> ignore)
        ]
