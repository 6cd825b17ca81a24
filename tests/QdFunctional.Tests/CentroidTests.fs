module CentroidTests

open System
open Expecto
open FsCheck
open Properties
open QdFunctional.Core.Random
open QdFunctional.Core.Archives.Cvt

let private uniform (key: Key) n (low: float) (high: float) =
    let a = Array.zeroCreate<float> n
    key.Uniform(Span a, low, high)
    a

/// The reference answer: argmin of the squared distance summed in coordinate order, ties to the lower index.
let private bruteNearest (centroids: float[]) d (point: ReadOnlySpan<float>) =
    let mutable best, bestCell = infinity, -1

    for c in 0 .. centroids.Length / d - 1 do
        let mutable s = 0.0

        for j in 0 .. d - 1 do
            let t = point[j] - centroids[c * d + j]
            s <- s + t * t

        if s < best then
            best <- s
            bestCell <- c

    bestCell

let private expectAgreesWithBruteForce (centroids: float[]) d (points: float[]) what =
    let tree = KdTree(ReadOnlySpan centroids, d)
    let n = points.Length / d
    let batch = Array.zeroCreate<int> n
    tree.Nearest(ReadOnlySpan points, Span batch)

    for i in 0 .. n - 1 do
        let p = ReadOnlySpan(points, i * d, d)
        let expected = bruteNearest centroids d p
        Expect.equal (tree.Nearest p) expected $"%s{what}: point %d{i}"
        Expect.equal batch[i] expected $"%s{what}: batched point %d{i}"

/// Sum of squared distances from each sample to its nearest centroid (k-means' objective).
let private inertia (samples: float[]) (centroids: float[]) d =
    let tree = KdTree(ReadOnlySpan centroids, d)
    let mutable total = 0.0

    for i in 0 .. samples.Length / d - 1 do
        let c = tree.Nearest(ReadOnlySpan(samples, i * d, d))

        for j in 0 .. d - 1 do
            total <- total + (samples[i * d + j] - centroids[c * d + j]) ** 2.0

    total

let private throwsWith (f: unit -> unit) (fragments: string list) what =
    Expect.throwsC f (fun e ->
        for fragment in fragments do
            Expect.stringContains e.Message fragment what)

let kdTree =
    testList
        "k-d tree"
        [
            property "nearest equals brute force, inside and outside the bounds" 300
            <| fun (seed: uint64) (cellsByte: byte) (dimsByte: byte) ->
                let cells = 1 + int cellsByte
                let d = 1 + int dimsByte % 6
                let key = Key.Of seed
                let centroids = uniform (key.FoldIn 0) (cells * d) -1.0 1.0
                // Queries over three times the centroids' range: a third of each coordinate lies outside.
                let points = uniform (key.FoldIn 1) (50 * d) -3.0 3.0
                expectAgreesWithBruteForce centroids d points $"%d{cells} cells in %d{d}-D"
                true

            property "exact ties go to the lower index, duplicate centroids included" 300
            <| fun (seed: uint64) (cellsByte: byte) (dimsByte: byte) ->
                // Integer centroids in a tiny grid repeat and put many queries at equal distances.
                let cells = 1 + int cellsByte
                let d = 1 + int dimsByte % 4
                let key = Key.Of seed
                let grid = Array.zeroCreate<int>(cells * d)
                key.FoldIn(0).Integers(Span grid, 0, 3)
                let centroids = grid |> Array.map float
                let halves = Array.zeroCreate<int>(60 * d)
                key.FoldIn(1).Integers(Span halves, -2, 7)
                let points = halves |> Array.map (fun h -> float h / 2.0)
                expectAgreesWithBruteForce centroids d points $"%d{cells} grid cells in %d{d}-D"
                true

            testCase "duplicate centroids: the lowest index wins"
            <| fun () ->
                let centroids = [| 5.0; 5.0; 1.0; 1.0; 1.0; 1.0; 1.0; 1.0 |]
                let tree = KdTree(ReadOnlySpan centroids, 2)
                Expect.equal (tree.Nearest(ReadOnlySpan [| 0.0; 0.0 |])) 1 "three copies of (1, 1)"
                Expect.equal (tree.Nearest(ReadOnlySpan [| 3.0; 3.0 |])) 0 "equidistant from (5, 5) and (1, 1)"

            testCase "a large random case: 10,000 cells in 3-D, 20,000 queries (batched on several threads)"
            <| fun () ->
                let key = Key.Of 77UL
                let centroids = uniform (key.FoldIn 0) (10_000 * 3) 0.0 1.0
                let points = uniform (key.FoldIn 1) (20_000 * 3) -0.5 1.5
                expectAgreesWithBruteForce centroids 3 points "10,000 cells"

            testCase "a single cell takes every point"
            <| fun () ->
                let tree = KdTree(ReadOnlySpan [| 0.3; -2.0 |], 2)

                for p in [ [| 0.0; 0.0 |]; [| 1e300; -1e300 |]; [| 0.3; -2.0 |] ] do
                    Expect.equal (tree.Nearest(ReadOnlySpan p)) 0 "only cell"

                Expect.equal tree.Cells 1 "cells"
                Expect.equal tree.Dimensions 2 "dimensions"

            testCase "the tree keeps the centroids as given, by cell"
            <| fun () ->
                let centroids = uniform (Key.Of 3UL) (500 * 4) -1.0 1.0
                let tree = KdTree(ReadOnlySpan centroids, 4)
                Expect.equal (tree.Centroids.ToArray()) centroids "all centroids"
                Expect.equal (tree.Centroid(123).ToArray()) centroids[492..495] "cell 123"

                for c in [ 0; 77; 499 ] do
                    Expect.equal (tree.Nearest(tree.Centroid c)) c $"cell %d{c} is nearest to its own centroid"

                centroids[0] <- 99.0
                Expect.notEqual tree.Centroids[0] 99.0 "the tree copied its input"

            testCase "bad arguments name the argument, row, column and value"
            <| fun () ->
                let tree = KdTree(ReadOnlySpan [| 0.0; 0.0; 1.0; 1.0 |], 2)

                throwsWith
                    (fun () -> tree.Nearest(ReadOnlySpan [| 0.0; nan |]) |> ignore)
                    [ "point"; "column 1"; "NaN" ]
                    "NaN coordinate"

                throwsWith
                    (fun () -> tree.Nearest(ReadOnlySpan [| 0.0; 1.0; 2.0 |]) |> ignore)
                    [ "point"; "3 coordinates"; "2" ]
                    "wrong dimension"

                let cells = Array.zeroCreate<int> 3

                throwsWith
                    (fun () -> tree.Nearest(ReadOnlySpan [| 0.0; 0.0; 1.0; 1.0; infinity; 0.0 |], Span cells))
                    [ "points"; "row 2"; "column 0"; "Infinity" ]
                    "infinite coordinate in a batch"

                throwsWith
                    (fun () -> tree.Nearest(ReadOnlySpan [| 0.0; 0.0; 1.0 |], Span cells))
                    [ "points"; "3 rows" ]
                    "batch length"

                throwsWith
                    (fun () -> KdTree(ReadOnlySpan [| 0.0; 1.0; 2.0 |], 2) |> ignore)
                    [ "centroids"; "whole number of rows" ]
                    "ragged centroids"

                throwsWith
                    (fun () -> KdTree(ReadOnlySpan [| 0.0; 1.0; 2.0; -infinity |], 2) |> ignore)
                    [ "centroids"; "row 1"; "column 1" ]
                    "infinite centroid"

                throwsWith
                    (fun () -> KdTree(ReadOnlySpan<float>([||]), 2) |> ignore)
                    [ "at least one centroid" ]
                    "no centroids"

                throwsWith (fun () -> KdTree(ReadOnlySpan [| 0.0 |], 0) |> ignore) [ "dimensions" ] "zero dimensions"
                throwsWith (fun () -> tree.Centroid(2).Length |> ignore) [ "cell" ] "cell out of range"
        ]

let kMeans =
    testList
        "k-means"
        [
            let low, high = [| -2.0; 10.0; 0.0 |], [| 5.0; 11.0; 1e-3 |]

            testCase "the same key gives the same centroids; another key other centroids"
            <| fun () ->
                let options = KMeansOptions(Samples = 5_000)

                let a =
                    KMeans.Centroids(Key.Of 1UL, 300, ReadOnlySpan low, ReadOnlySpan high, options)

                let b =
                    KMeans.Centroids(Key.Of 1UL, 300, ReadOnlySpan low, ReadOnlySpan high, options)

                let c =
                    KMeans.Centroids(Key.Of 2UL, 300, ReadOnlySpan low, ReadOnlySpan high, options)

                Expect.equal a.Length (300 * 3) "cells × dimensions"
                Expect.equal a b "bit-for-bit the same"
                Expect.notEqual a c "another key"

            testCase "centroids lie within the bounds and are distinct"
            <| fun () ->
                let c =
                    KMeans.Centroids(
                        Key.Of 3UL,
                        400,
                        ReadOnlySpan low,
                        ReadOnlySpan high,
                        KMeansOptions(Samples = 8_000)
                    )

                for i in 0 .. c.Length - 1 do
                    let j = i % 3
                    Expect.isTrue (c[i] >= low[j] && c[i] < high[j]) $"row %d{i / 3}, column %d{j} = %g{c[i]}"

                Expect.equal
                    (c |> Array.chunkBySize 3 |> Array.distinct |> Array.length)
                    400
                    "no two cells share a centroid"

            testCase "converged Lloyd centroids are the means of their Voronoi cells and beat the start"
            <| fun () ->
                let d, n, cells = 2, 3_000, 40
                let samples = uniform (Key.Of 4UL) (n * d) 0.0 1.0
                let start = samples[.. cells * d - 1] // the first 40 samples as a start
                let c = Array.copy start
                let updates = KMeans.Lloyd(ReadOnlySpan samples, Span c, d, 10_000, 0.0)
                Expect.isGreaterThan updates 1 "it iterated"
                Expect.isLessThan updates 10_000 "it converged before the limit"
                let tree = KdTree(ReadOnlySpan c, d)
                let sums, counts = Array.zeroCreate (cells * d), Array.zeroCreate cells

                for i in 0 .. n - 1 do
                    let cell = tree.Nearest(ReadOnlySpan(samples, i * d, d))
                    counts[cell] <- counts[cell] + 1

                    for j in 0 .. d - 1 do
                        sums[cell * d + j] <- sums[cell * d + j] + samples[i * d + j]

                for k in 0 .. cells - 1 do
                    Expect.isGreaterThan counts[k] 0 $"cell %d{k} holds samples"

                    for j in 0 .. d - 1 do
                        Expect.floatClose
                            Accuracy.high
                            c[k * d + j]
                            (sums[k * d + j] / float counts[k])
                            $"cell %d{k}, column %d{j}"

                Expect.isLessThan (inertia samples c d) (0.8 * inertia samples start d) "much lower k-means objective"

            testCase
                "k-means over given samples: deterministic, and the bounds form is uniform samples under the first split key"
            <| fun () ->
                let key = Key.Of 8UL
                let struct (sampleKey, initKey) = key.Split2()
                let samples = Array.zeroCreate<float>(4_000 * 2)
                sampleKey.Uniform(Span samples, ReadOnlySpan [| 0.0; -1.0 |], ReadOnlySpan [| 1.0; 0.0 |])
                let fromSamples = KMeans.Centroids(initKey, 50, ReadOnlySpan samples, 2)
                let again = KMeans.Centroids(initKey, 50, ReadOnlySpan samples, 2)

                let fromBounds =
                    KMeans.Centroids(
                        key,
                        50,
                        ReadOnlySpan [| 0.0; -1.0 |],
                        ReadOnlySpan [| 1.0; 0.0 |],
                        KMeansOptions(Samples = 4_000)
                    )

                Expect.equal fromSamples again "same key, same samples, same centroids"
                Expect.equal fromBounds fromSamples "the bounds form draws its samples with the first key of a split"

                throwsWith
                    (fun () -> KMeans.Centroids(initKey, 5, ReadOnlySpan [| 0.0; 1.0; 2.0 |], 1) |> ignore)
                    [ "samples has 3 rows"; "(5)" ]
                    "too few samples"

                throwsWith
                    (fun () -> KMeans.Centroids(initKey, 1, ReadOnlySpan [| 0.0; nan |], 1) |> ignore)
                    [ "samples row 1"; "NaN" ]
                    "NaN sample"

            testCase "an empty cluster moves onto a sample"
            <| fun () ->
                // Centroid 2 at 100 is nearest to no sample; it must be moved, not left behind.
                let samples = [| 0.0; 0.1; 0.2; 1.0; 1.1; 1.2; 5.0 |]
                let c = [| 0.0; 1.0; 100.0 |]
                KMeans.Lloyd(ReadOnlySpan samples, Span c, 1, 100, 0.0) |> ignore
                Expect.all c (fun x -> x >= 0.0 && x <= 5.0) $"centroids within the samples: %A{c}"
                Expect.contains c 5.0 "the far sample gets its own cell"

            testCase "given centroids are checked and copied"
            <| fun () ->
                let given = [| 0.0; 1.0; 2.0; 3.0 |]
                let c = KMeans.Given(ReadOnlySpan given, 2)
                Expect.equal c given "same values"
                given[0] <- 9.0
                Expect.equal c[0] 0.0 "a copy"

                throwsWith
                    (fun () -> KMeans.Given(ReadOnlySpan [| 0.0; 1.0; nan; 3.0 |], 2) |> ignore)
                    [ "centroids"; "row 1"; "column 0"; "NaN" ]
                    "NaN centroid"

                throwsWith
                    (fun () -> KMeans.Given(ReadOnlySpan<float>([||]), 2) |> ignore)
                    [ "at least one row" ]
                    "no centroids"

            testCase "a 10,000-cell build from 100,000 samples completes with valid centroids"
            <| fun () ->
                let c =
                    KMeans.Centroids(Key.Of 5UL, 10_000, ReadOnlySpan [| -1.0; -1.0 |], ReadOnlySpan [| 1.0; 1.0 |])

                Expect.equal c.Length 20_000 "10,000 rows of 2"
                Expect.all c (fun x -> x >= -1.0 && x < 1.0) "within the bounds"
                // A CVT spreads its cells: no quadrant holds far more than a quarter of them.
                let quadrant = Array.zeroCreate 4

                for r in 0..9_999 do
                    let q = (if c[2 * r] < 0.0 then 0 else 1) + (if c[2 * r + 1] < 0.0 then 0 else 2)
                    quadrant[q] <- quadrant[q] + 1

                Expect.all quadrant (fun k -> k > 2_300 && k < 2_700) $"cells per quadrant %A{quadrant}"

            testCase "bad arguments name the argument and value"
            <| fun () ->
                let key = Key.Of 6UL

                throwsWith
                    (fun () ->
                        KMeans.Centroids(key, 0, ReadOnlySpan [| 0.0 |], ReadOnlySpan [| 1.0 |])
                        |> ignore)
                    [ "cells"; "0" ]
                    "no cells"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(key, 10, ReadOnlySpan [| 0.0; 1.0 |], ReadOnlySpan [| 1.0; 1.0 |])
                        |> ignore)
                    [ "dimension 1"; "[1, 1]" ]
                    "low = high"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(key, 10, ReadOnlySpan [| 0.0; nan |], ReadOnlySpan [| 1.0; 1.0 |])
                        |> ignore)
                    [ "dimension 1"; "NaN" ]
                    "NaN bound"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(key, 10, ReadOnlySpan [| 0.0 |], ReadOnlySpan [| 1.0; 1.0 |])
                        |> ignore)
                    [ "low has 1"; "high has 2" ]
                    "bound lengths"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(key, 10, ReadOnlySpan<float>([||]), ReadOnlySpan<float>([||]))
                        |> ignore)
                    [ "at least one dimension" ]
                    "no dimensions"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(
                            key,
                            10,
                            ReadOnlySpan [| 0.0 |],
                            ReadOnlySpan [| 1.0 |],
                            KMeansOptions(Samples = 9)
                        )
                        |> ignore)
                    [ "Samples is 9"; "(10)" ]
                    "fewer samples than cells"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(
                            key,
                            10,
                            ReadOnlySpan [| 0.0 |],
                            ReadOnlySpan [| 1.0 |],
                            KMeansOptions(MaxIterations = -1)
                        )
                        |> ignore)
                    [ "maxIterations" ]
                    "negative iterations"

                throwsWith
                    (fun () ->
                        KMeans.Centroids(
                            key,
                            10,
                            ReadOnlySpan [| 0.0 |],
                            ReadOnlySpan [| 1.0 |],
                            KMeansOptions(Tolerance = nan)
                        )
                        |> ignore)
                    [ "tolerance" ]
                    "NaN tolerance"

                throwsWith
                    (fun () ->
                        KMeans.Lloyd(ReadOnlySpan [| 0.0; 1.0 |], Span [| 0.0; 0.5; 1.0 |], 1, 10, 0.0)
                        |> ignore)
                    [ "samples has 2 rows"; "(3)" ]
                    "Lloyd with too few samples"

                throwsWith
                    (fun () ->
                        KMeans.Lloyd(ReadOnlySpan [| 0.0; infinity |], Span [| 0.0 |], 1, 10, 0.0)
                        |> ignore)
                    [ "samples row 1" ]
                    "infinite sample"
        ]

[<Tests>]
let tests = testList "Centroids" [ kdTree; kMeans ]
