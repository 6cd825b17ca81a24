/// One contract every archive kind passes (issue 21): statistics equal a recomputation from the
/// stored elites, old versions never change, a checkpoint round trip restores everything a later add
/// depends on, the same adds give the same bytes, only solutions reported as added ever appear, and
/// bad input is refused in one line. A new archive kind joins by adding one entry to `kinds`.
module ArchiveContractTests

open System
open System.IO
open System.Security.Cryptography
open Expecto
open QdFunctional.Core.Archives
open QdFunctional.Core.Archives.Proximity
open QdFunctional.Core.Batches
open QdFunctional.Core.Checkpoints
open QdFunctional.Core.Random

/// Solutions have this many numbers; the first is a unique id of the row, to tell elites apart.
let private d = 3

/// An archive kind under contract: how to make it empty, how many objectives it takes, and how
/// to recompute its statistics (elites, QD score) from what it stores.
type private Kind =
    {
        Name: string
        Empty: unit -> IArchive
        Objectives: int
        Recompute: IArchive -> int * float
        /// Puts a batch's measures (n × 2) where the kind accepts them (a categorical measure on a category).
        Snap: float[] -> float[]
        /// True when an add may bring back solutions offered before, in this batch or earlier ones (sliding
        /// boundaries refill from their buffer): those enter without being reported added.
        Reenters: bool
    }

/// Elites and QD score of a one-objective archive, by scanning its elites.
let private scanOne offset (archive: IArchive) =
    let elites = archive.Elites |> Seq.toArray
    elites.Length, (elites |> Array.sumBy (fun e -> e.Objective - offset))

/// Area dominated by a set of 2-objective points (maximized) above a reference point, by a sweep
/// over the points sorted by the first objective, largest first.
let private area2 (reference: float[]) (points: float[] list) =
    points
    |> List.filter (fun p -> p[0] > reference[0] && p[1] > reference[1])
    |> List.sortByDescending (fun p -> p[0])
    |> List.fold
        (fun (total, top) p ->
            if p[1] > top then
                total + (p[0] - reference[0]) * (p[1] - top), p[1]
            else
                total, top)
        (0.0, reference[1])
    |> fst

/// Occupied cells and the sum of their fronts' hypervolumes (MOME's MOQD score), recomputed.
let private scanMome (reference: float[]) (archive: IArchive) =
    let byCell =
        archive.Elites
        |> Seq.map (fun e -> e.Cell, e.Objectives.ToArray())
        |> Seq.groupBy fst
        |> Seq.toList

    byCell.Length,
    byCell
    |> List.sumBy (fun (_, members) -> area2 reference (members |> Seq.map snd |> Seq.toList))

let private box = [| 0.0; 0.0 |], [| 1.0; 1.0 |]
let private reference = [| -6.0; -6.0 |]

let private kinds: Kind list =
    let low, high = box

    let centroids =
        let c = Array.zeroCreate 100
        (Key.Of 5UL).Uniform(Span<float> c, 0.0, 1.0)
        c

    [
        {
            Name = "grid"
            Empty = fun () -> CellArchive.Grid(d, [| 8; 8 |], low, high, ArchiveOptions(QdOffset = -5.0))
            Objectives = 1
            Recompute = scanOne -5.0
            Snap = id
            Reenters = false
        }
        {
            Name = "CVT"
            Empty = fun () -> CellArchive.Cvt(d, CvtTessellation(centroids, low, high))
            Objectives = 1
            Recompute = scanOne 0.0
            Snap = id
            Reenters = false
        }
        {
            Name = "CMA-MAE annealing grid"
            Empty =
                fun () ->
                    CellArchive.Grid(d, [| 8; 8 |], low, high, ArchiveOptions(LearningRate = 0.1, ThresholdMin = -5.0))
            Objectives = 1
            Recompute = scanOne 0.0
            Snap = id
            Reenters = false
        }
        {
            Name = "MOME"
            Empty =
                fun () ->
                    MomeArchive.Grid(d, 2, [| 4; 4 |], low, high, reference, MomeOptions(ParetoFrontMaxLength = 5))
            Objectives = 2
            Recompute = scanMome reference
            Snap = id
            Reenters = false
        }
        {
            Name = "proximity (novelty)"
            Empty =
                fun () ->
                    ProximityArchive.Create(d, low, high, ProximityOptions(Neighbours = 3, NoveltyThreshold = 0.05))
            Objectives = 1
            Recompute = scanOne 0.0
            Snap = id
            Reenters = false
        }
        {
            Name = "proximity with local competition"
            Empty =
                fun () ->
                    ProximityArchive.Create(
                        d,
                        low,
                        high,
                        ProximityOptions(Neighbours = 3, NoveltyThreshold = 0.05, LocalCompetition = true)
                    )
            Objectives = 1
            Recompute = scanOne 0.0
            Snap = id
            Reenters = false
        }
        {
            Name = "sliding boundaries"
            Empty =
                fun () ->
                    SlidingBoundariesArchive.Create(
                        d,
                        [| 6; 5 |],
                        low,
                        high,
                        SlidingBoundariesOptions(RemapFrequency = 10, BufferCapacity = 30, QdOffset = -5.0)
                    )
            Objectives = 1
            Recompute = scanOne -5.0
            Snap = id
            Reenters = true
        }
        {
            Name = "Dominated Novelty Search"
            Empty = fun () -> DominatedNoveltyArchive.Create(d, 2, DnsOptions(Capacity = 40, Neighbours = 3), low, high)
            Objectives = 1
            Recompute = scanOne 0.0
            Snap = id
            Reenters = false
        }
        {
            Name = "categorical, mixed with a continuous measure"
            Empty =
                fun () ->
                    CellArchive.Create(
                        d,
                        CategoricalTessellation(
                            [| [| 1.0; 0.0; 0.5 |]; [||] |],
                            [| 0; 8 |],
                            [| 0.0; 0.0 |],
                            [| 1.0; 1.0 |]
                        )
                    )
            Objectives = 1
            Recompute = scanOne 0.0
            // Measure 0 on the nearest of its categories 0, 0.5, 1.
            Snap =
                Array.mapi (fun i m ->
                    if i % 2 = 0 then
                        Math.Round(Math.Clamp(m, 0.0, 1.0) * 2.0) / 2.0
                    else
                        m)
            Reenters = false
        }
    ]

/// Batch `step` of n rows: ids step·n + row, objectives in [-5, 5), measures in [-0.1, 1.1).
let private batch (kind: Kind) (step: int) n =
    let key = (Key.Of 77UL).FoldIn(uint step)
    let struct (k1, k2) = key.Split2()
    let objectives = Array.zeroCreate (n * kind.Objectives)
    k1.Uniform(Span<float> objectives, -5.0, 5.0)
    let measures = Array.zeroCreate (2 * n)
    k2.Uniform(Span<float> measures, -0.1, 1.1)
    let measures = kind.Snap measures

    let solutions =
        Array.init (n * d) (fun i ->
            if i % d = 0 then
                float (step * n + i / d)
            else
                0.25 * float (i % d))

    SolutionBatch(n, d, solutions), Evaluation(n, kind.Objectives, 2, objectives, measures)

let private add (archive: IArchive) (solutions: SolutionBatch, evaluation: Evaluation) =
    let struct (next, report) = archive.Add(solutions, evaluation)
    next, report

let private fill (kind: Kind) steps =
    List.fold (fun a s -> fst (add a (batch kind s 24))) (kind.Empty()) [ 0 .. steps - 1 ]

/// SHA-256 of everything an archive's table holds, to compare versions byte for byte.
let private digest (archive: IArchive) =
    let t = archive.ToTable()
    use stream = new MemoryStream()
    use w = new BinaryWriter(stream)

    for c in t.Cells do
        w.Write c

    for values in [ t.Objectives; t.Measures; t.Solutions ] do
        for v in values do
            w.Write v

    w.Flush()
    Convert.ToHexString(SHA256.HashData(stream.ToArray()))

let private ids (archive: IArchive) =
    archive.Elites |> Seq.map (fun e -> e.Solution[0]) |> Set.ofSeq

let private contract (kind: Kind) =
    testList
        kind.Name
        [
            testCase "statistics equal a recomputation from the stored elites after every batch"
            <| fun () ->
                let mutable archive = kind.Empty()

                for step in 0..11 do
                    archive <- fst (add archive (batch kind step 24))
                    let elites, qd = kind.Recompute archive
                    Expect.equal archive.Stats.NumElites elites $"elites after batch {step}"

                    Expect.floatClose
                        { absolute = 1e-9; relative = 1e-12 }
                        archive.Stats.QdScore
                        qd
                        $"QD score after batch {step}"

                    Expect.equal archive.IsEmpty (elites = 0) "IsEmpty"

            testCase
                "only solutions reported as added ever enter (any offered solution, where the kind refills from a buffer), and the report has one entry per solution"
            <| fun () ->
                let mutable archive = kind.Empty()

                for step in 0..7 do
                    let solutions, evaluation = batch kind step 24
                    let before = ids archive
                    let next, report = add archive (solutions, evaluation)
                    Expect.equal report.Count 24 "one status per solution"

                    let added =
                        set
                            [
                                for i in 0..23 do
                                    if report.Status[i] <> AddStatus.NotAdded then
                                        float (step * 24 + i)
                            ]

                    let entered = Set.difference (ids next) before

                    // A kind that refills from a buffer may bring back any solution offered so far, this batch's
                    // rows reported NotAdded included: there, nothing enters that was never offered.
                    let added =
                        if kind.Reenters then
                            set [ for id in 0 .. (step + 1) * 24 - 1 -> float id ]
                        else
                            added

                    Expect.isTrue
                        (Set.isSubset entered added)
                        $"batch {step}: elites that entered without being reported added"

                    archive <- next

            testCase "old versions never change, whatever is added to them or to their successors"
            <| fun () ->
                let old = fill kind 4
                let before = digest old
                let next = fst (add old (batch kind 4 24))
                let _ = add next (batch kind 5 24)
                let branch = fst (add old (batch kind 6 24))
                let _ = add branch (batch kind 7 24)
                Expect.equal (digest old) before "the old version"
                Expect.notEqual (digest next) before "the successor took the batch"

            testCase "the same adds give the same bytes"
            <| fun () -> Expect.equal (digest (fill kind 6)) (digest (fill kind 6)) "two fills"

            testCase "a checkpoint round trip restores the archive and everything a later add depends on"
            <| fun () ->
                let archive = fill kind 6
                let path = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.bin")

                try
                    ArchiveCheckpoint.Write(path, CheckpointState(6, 144L, 0.0, archive))
                    let restored = ArchiveCheckpoint.Read(path, kind.Empty()).Archive
                    Expect.equal (digest restored) (digest archive) "restored table"
                    Expect.equal restored.Stats.NumElites archive.Stats.NumElites "restored elites"
                    Expect.equal restored.Stats.QdScore archive.Stats.QdScore "restored QD score, to the bit"
                    let later = batch kind 6 24
                    let a, ra = add archive later
                    let b, rb = add restored later
                    Expect.equal (digest b) (digest a) "the next add from the restored archive"
                    Expect.equal rb.Status ra.Status "statuses of the next add"
                    Expect.equal rb.Value ra.Value "improvement values of the next add"
                finally
                    File.Delete path

            testCase "bad input is refused with a clear line and changes nothing"
            <| fun () ->
                let archive = fill kind 2
                let before = digest archive
                let solutions, evaluation = batch kind 2 4

                let refused what (f: unit -> unit) (fragment: string) =
                    let e = Expect.throwsC f id
                    Expect.isTrue (e :? ArgumentException) $"{what}: {e.GetType().Name}"
                    Expect.stringContains e.Message fragment what

                refused
                    "wrong solution dimension"
                    (fun () ->
                        add archive (SolutionBatch(4, d + 1, Array.zeroCreate (4 * (d + 1))), evaluation)
                        |> ignore)
                    "dimension"

                let measures3 =
                    Evaluation(4, kind.Objectives, 3, Array.zeroCreate (4 * kind.Objectives), Array.zeroCreate 12)

                refused "wrong measure dimension" (fun () -> add archive (solutions, measures3) |> ignore) "measures"

                let nanObjectives =
                    Evaluation(4, kind.Objectives, 2, Array.create (4 * kind.Objectives) nan, Array.zeroCreate 8)

                refused "NaN objective" (fun () -> add archive (solutions, nanObjectives) |> ignore) "NaN"
                Expect.equal (digest archive) before "the archive after refused adds"
        ]

[<Tests>]
let tests = testList "Archive contract" (kinds |> List.map contract)
