module PersistenceTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Text
open Expecto
open Parquet
open Parquet.Schema
open QdFunctional.Core.Metrics
open QdFunctional.Core.Persistence
open QdFunctional.Core.Archives

/// A fresh directory per test, so tests can run in parallel and leave nothing behind on success.
let private withDir (f: string -> unit) =
    let dir =
        Path.Combine(Path.GetTempPath(), "qdf-persist-" + Guid.NewGuid().ToString("N"))

    Directory.CreateDirectory dir |> ignore

    try
        f dir
    finally
        (try
            Directory.Delete(dir, true)
         with _ ->
             ())

let private gridLayout k res =
    ArchiveLayout("grid", Array.create k -1.0, Array.create k 1.0, Array.create k res, [||])

let private cvtLayout k cells (rng: Random) =
    ArchiveLayout(
        "cvt",
        Array.create k 0.0,
        Array.init k (fun i -> float (i + 1)),
        [||],
        Array.init (cells * k) (fun _ -> rng.NextDouble())
    )

/// Builds a table with awkward numbers (NaN, -0.0, infinities, subnormals) so the round trip must be bit-exact.
let private table (layout: ArchiveLayout) n d m (extra: string list) seed =
    let rng = Random(seed: int)
    let k = layout.MeasureDim
    let special = [| nan; -0.0; infinity; -infinity; Double.Epsilon; 1e308 |]

    let value i =
        if i % 97 = 5 then
            special[(i / 97) % special.Length]
        else
            rng.NextDouble() * 10.0 - 5.0

    let cells = Array.init n (fun i -> (i * 7) % layout.CellCount) |> Array.sort
    let ex = Dictionary<string, double[]>()

    for name in extra do
        ex[name] <- Array.init n (fun i -> value (i + 3))

    EliteTable(
        layout,
        d,
        m,
        cells,
        Array.init (n * m) value,
        Array.init (n * k) (fun _ -> rng.NextDouble()),
        Array.init (n * d) value,
        ex
    )

let private bits (a: double[]) =
    a |> Array.map BitConverter.DoubleToInt64Bits

let private expectSame (expected: EliteTable) (actual: EliteTable) =
    let l, r = expected.Layout, actual.Layout
    Expect.equal r.Kind l.Kind "layout kind"
    Expect.equal (bits r.Low) (bits l.Low) "layout low"
    Expect.equal (bits r.High) (bits l.High) "layout high"
    Expect.equal r.Resolution l.Resolution "layout resolution"
    Expect.equal (bits r.Centroids) (bits l.Centroids) "layout centroids"
    Expect.equal actual.SolutionDim expected.SolutionDim "d"
    Expect.equal actual.ObjectiveCount expected.ObjectiveCount "m"
    Expect.equal actual.Cells expected.Cells "cells"
    Expect.equal (bits actual.Objectives) (bits expected.Objectives) "objectives"
    Expect.equal (bits actual.Measures) (bits expected.Measures) "measures"
    Expect.isTrue (bits actual.Solutions = bits expected.Solutions) "solutions"
    Expect.equal (List.ofSeq actual.Extra.Keys) (List.ofSeq expected.Extra.Keys) "extra names, in order"

    for KeyValue(name, values) in expected.Extra do
        Expect.equal (bits actual.Extra[name]) (bits values) $"extra {name}"

let private roundTrip name (t: EliteTable) =
    test name {
        withDir (fun dir ->
            let path = Path.Combine(dir, "archive.parquet")
            ArchiveParquet.Write(path, t)
            expectSame t (ArchiveParquet.Read path))
    }

/// Column names as the Parquet footer lists them (read with the library, independent of our reader).
let private columnNames (path: string) =
    task {
        use! reader = ParquetReader.CreateAsync(path)
        return reader.Schema.Fields |> Seq.map (fun f -> f.Name) |> List.ofSeq
    }
    |> fun t -> t.Result

/// Writes a Parquet file with the given scalar columns and metadata, to forge damaged archives.
let private writeForged (path: string) (columns: (DataField * Array) list) (meta: (string * string) list) =
    task {
        let schema = ParquetSchema(columns |> List.map (fun (f, _) -> f :> Field))
        use stream = File.Create path
        let! writer = ParquetWriter.CreateAsync(schema, stream)
        writer.CustomMetadata <- Dictionary(dict meta)
        let group = writer.CreateRowGroup()

        for (f, values) in columns do
            match values with
            | :? (int[]) as v -> do! group.WriteAsync<int>(f, ReadOnlyMemory v)
            | :? (double[]) as v -> do! group.WriteAsync<double>(f, ReadOnlyMemory v)
            | :? (int64[]) as v -> do! group.WriteAsync<int64>(f, ReadOnlyMemory v)
            | _ -> failwith "unsupported column type in test"

        group.Dispose()
        do! writer.DisposeAsync()
    }
    |> fun t -> t.Wait()

/// Asserts the read fails with CorruptFileException whose message names the path and the problem.
let private corrupt (path: string) (mentions: string) (read: string -> unit) =
    try
        read path
        failtest "reading a damaged file should throw CorruptFileException"
    with :? CorruptFileException as e ->
        Expect.stringContains e.Message path "message names the path"
        Expect.stringContains (e.Message.ToLowerInvariant()) (mentions.ToLowerInvariant()) "message says what is wrong"

let private readArchive (p: string) = ArchiveParquet.Read p |> ignore
let private readMetrics (p: string) = MetricsParquet.Read p |> ignore

let private metricsRows n =
    Array.init n (fun i ->
        MetricsRow(
            i + 1,
            int64 (i + 1) * 10_000_000_000L,
            i * 3,
            float i / float (max 1 n),
            float i * 1.5,
            float i * 0.01,
            (if i = 0 then nan else float i),
            (if i = 0 then nan else -float i),
            float i * 0.25
        ))

let private footerLength (bytes: byte[]) =
    BitConverter.ToInt32(bytes, bytes.Length - 8)

/// A minimal Thrift compact-protocol reader, enough to decode the Parquet footer (FileMetaData) without
/// Parquet.Net, so the schema other engines see is checked independently of the library that wrote it.
module private Thrift =
    type Value =
        | Int of int64
        | Bin of byte[]
        | Dbl of float
        | Bool of bool
        | List of Value list
        | Struct of Map<int, Value>

    type Reader(bytes: byte[], start: int) =
        let mutable pos = start

        member _.Byte() =
            let b = bytes[pos] in
            pos <- pos + 1
            b

        member r.Varint() =
            let mutable result = 0UL
            let mutable shift = 0
            let mutable go = true

            while go do
                let b = r.Byte()
                result <- result ||| (uint64 (b &&& 0x7Fuy) <<< shift)
                shift <- shift + 7
                go <- b &&& 0x80uy <> 0uy

            result

        member r.ZigZag() =
            let v = r.Varint() in int64 (v >>> 1) ^^^ -(int64 (v &&& 1UL))

        member r.Bytes n =
            let b = bytes[pos .. pos + n - 1] in
            pos <- pos + n
            b

        member r.Value(typ: int) : Value =
            match typ with
            | 1 -> Bool true
            | 2 -> Bool false
            | 3 -> Int(int64 (sbyte (r.Byte())))
            | 4
            | 5
            | 6 -> Int(r.ZigZag())
            | 7 -> Dbl(BitConverter.ToDouble(r.Bytes 8, 0))
            | 8 -> Bin(r.Bytes(int (r.Varint())))
            | 9
            | 10 ->
                let h = int (r.Byte())
                let size = if h >>> 4 = 15 then int (r.Varint()) else h >>> 4
                let et = h &&& 0x0F

                List
                    [
                        for _ in 1..size ->
                            if et = 1 || et = 2 then
                                Bool(r.Byte() = 1uy)
                            else
                                r.Value et
                    ]
            | 12 -> r.Struct()
            | t -> failwithf "thrift type %d not handled" t

        member r.Struct() : Value =
            let mutable fields = Map.empty
            let mutable last = 0
            let mutable go = true

            while go do
                let h = int (r.Byte())

                if h = 0 then
                    go <- false
                else
                    let delta = h >>> 4
                    let id = if delta = 0 then int (r.ZigZag()) else last + delta
                    last <- id
                    fields <- fields.Add(id, r.Value(h &&& 0x0F))

            Struct fields

    let footer (path: string) =
        let bytes = File.ReadAllBytes path
        let len = BitConverter.ToInt32(bytes, bytes.Length - 8)

        match Reader(bytes, bytes.Length - 8 - len).Struct() with
        | Struct f -> f
        | _ -> failwith "footer is not a struct"

    let int (v: Value) =
        match v with
        | Int i -> i
        | _ -> failwith "not an int"

    let str (v: Value) =
        match v with
        | Bin b -> Encoding.UTF8.GetString b
        | _ -> failwith "not a string"

    let list (v: Value) =
        match v with
        | List l -> l
        | _ -> failwith "not a list"

    let fields (v: Value) =
        match v with
        | Struct f -> f
        | _ -> failwith "not a struct"

[<Tests>]
let tests =
    let rng = Random 7

    testList
        "Persistence"
        [
            testList
                "archive round trip"
                [
                    roundTrip
                        "grid, one objective, extra fields"
                        (table (gridLayout 2 10) 40 5 1 [ "age"; "parent_cell" ] 1)
                    roundTrip "grid, no objective (diversity only)" (table (gridLayout 2 10) 30 3 0 [] 2)
                    roundTrip "grid, two objectives, extra field" (table (gridLayout 3 4) 50 4 2 [ "novelty" ] 3)
                    roundTrip "cvt, one objective" (table (cvtLayout 2 64 rng) 60 6 1 [] 4)
                    roundTrip "cvt, three measures, three objectives" (table (cvtLayout 3 32 rng) 20 2 3 [ "x" ] 5)
                    roundTrip "empty archive keeps layout and shapes" (table (gridLayout 2 10) 0 8 2 [ "age" ] 6)
                    roundTrip "d = 1" (table (gridLayout 1 100) 80 1 1 [] 7)
                    roundTrip "d = 1000" (table (gridLayout 2 50) 300 1000 1 [ "age" ] 8)
                    roundTrip "several row groups (5000 x 1000)" (table (gridLayout 2 100) 5000 1000 1 [] 9)
                ]

            test "random shapes round trip (grid and CVT, m 0-3, k 1-3, d 1-6, 0-2 extra fields)" {
                withDir (fun dir ->
                    let rng = Random 2024

                    for trial in 1..60 do
                        let k = rng.Next(1, 4)

                        let layout =
                            if rng.Next 2 = 0 then
                                gridLayout k (rng.Next(1, 6))
                            else
                                cvtLayout k (rng.Next(1, 40)) rng

                        let extra = [ "e0"; "second extra" ] |> List.truncate (rng.Next 3)
                        let t = table layout (rng.Next(0, 30)) (rng.Next(1, 7)) (rng.Next(0, 4)) extra trial
                        let path = Path.Combine(dir, $"t{trial}.parquet")
                        ArchiveParquet.Write(path, t)
                        expectSame t (ArchiveParquet.Read path))
            }

            test "writing the same table twice gives byte-identical files" {
                withDir (fun dir ->
                    let t = table (cvtLayout 2 50 (Random 1)) 40 10 2 [ "age"; "b" ] 11
                    let a, b = Path.Combine(dir, "a.parquet"), Path.Combine(dir, "b.parquet")
                    ArchiveParquet.Write(a, t)
                    ArchiveParquet.Write(b, t)
                    Expect.isTrue (File.ReadAllBytes a = File.ReadAllBytes b) "identical bytes")
            }

            test "the file is plain Parquet: PAR1 at both ends, a footer that fits, the documented columns" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "archive.parquet")
                    ArchiveParquet.Write(path, table (gridLayout 2 10) 10 3 2 [ "age" ] 12)
                    let bytes = File.ReadAllBytes path
                    Expect.equal (Encoding.ASCII.GetString(bytes, 0, 4)) "PAR1" "leading magic"
                    Expect.equal (Encoding.ASCII.GetString(bytes, bytes.Length - 4, 4)) "PAR1" "trailing magic"
                    let footer = footerLength bytes
                    Expect.isTrue (footer > 0 && footer < bytes.Length - 12) "footer length fits"
                    let footerText = Encoding.UTF8.GetString(bytes, bytes.Length - 8 - footer, footer)

                    for name in
                        [
                            "cell"
                            "objective_0"
                            "objective_1"
                            "measure_0"
                            "measure_1"
                            "solution"
                            "age"
                            "qdfunctional"
                            "format_version"
                        ] do
                        Expect.stringContains footerText name $"footer names {name}"

                    Expect.equal
                        (columnNames path)
                        [
                            "cell"
                            "objective_0"
                            "objective_1"
                            "measure_0"
                            "measure_1"
                            "solution"
                            "age"
                        ]
                        "column order")
            }

            test "NaN is stored as null, so min/max statistics used for row-group pruning stay real numbers" {
                withDir (fun dir ->
                    let layout = gridLayout 1 10
                    let ex = Dictionary<string, double[]>()
                    ex["age"] <- [| nan; 2.0; nan; 4.0 |]

                    let t =
                        EliteTable(
                            layout,
                            1,
                            1,
                            [| 0; 1; 2; 3 |],
                            [| nan; 1.0; -3.0; nan |],
                            [| 0.1; 0.2; 0.3; 0.4 |],
                            [| 1.0; 2.0; 3.0; 4.0 |],
                            ex
                        )

                    let path = Path.Combine(dir, "archive.parquet")
                    ArchiveParquet.Write(path, t)
                    expectSame t (ArchiveParquet.Read path)

                    task {
                        use! reader = ParquetReader.CreateAsync path
                        use group = reader.OpenRowGroupReader 0

                        let stats name =
                            let field = reader.Schema.DataFields |> Array.find (fun f -> f.Name = name)
                            let s = group.GetStatistics field
                            s.MinValue, s.MaxValue, s.NullCount

                        Expect.equal
                            (stats "objective")
                            (box -3.0, box 1.0, Nullable 2L)
                            "objective statistics skip NaN"

                        Expect.equal (stats "age") (box 2.0, box 4.0, Nullable 2L) "extra statistics skip NaN"
                    }
                    |> fun t -> t.Wait())
            }

            test "footer decoded independently: row count, LIST schema, types, repetition and the header entry" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "archive.parquet")
                    let t = table (gridLayout 2 10) 5000 1000 2 [ "age" ] 23
                    ArchiveParquet.Write(path, t)
                    let meta = Thrift.footer path
                    Expect.equal (Thrift.int meta[3]) 5000L "FileMetaData.num_rows"
                    let groups = Thrift.list meta[4] |> List.map Thrift.fields

                    Expect.equal
                        (groups |> List.sumBy (fun g -> Thrift.int g[3]))
                        5000L
                        "row groups add up to num_rows"
                    // SchemaElement: 1 type (1 INT32, 5 DOUBLE), 3 repetition (0 required, 1 optional, 2 repeated),
                    // 4 name, 5 num_children, 6 converted_type (3 LIST, 17 INT_32).
                    let describe (e: Map<int, Thrift.Value>) =
                        let opt i =
                            e.TryFind i |> Option.map Thrift.int |> Option.defaultValue -1L

                        Thrift.str e[4], opt 1, opt 3, opt 5, opt 6

                    let schema = Thrift.list meta[2] |> List.map (Thrift.fields >> describe)

                    Expect.equal
                        schema.Tail
                        [
                            "cell", 1L, 0L, -1L, 17L // converted type INT_32
                            "objective_0", 5L, 1L, -1L, -1L
                            "objective_1", 5L, 1L, -1L, -1L
                            "measure_0", 5L, 1L, -1L, -1L
                            "measure_1", 5L, 1L, -1L, -1L
                            "solution", -1L, 1L, 1L, 3L
                            "list", -1L, 2L, 1L, -1L
                            "element", 5L, 0L, -1L, -1L
                            "age", 5L, 1L, -1L, -1L
                        ]
                        "schema elements after the root"

                    let (_, _, _, rootChildren, _) = schema.Head
                    Expect.equal rootChildren 7L "root has the 7 top-level columns"

                    let kv =
                        Thrift.list meta[5]
                        |> List.map (fun v -> let f = Thrift.fields v in Thrift.str f[1], Thrift.str f[2])

                    let header = kv |> List.find (fun (k, _) -> k = "qdfunctional") |> snd
                    Expect.stringContains header "\"format_version\":1" "format version in the header"
                    Expect.stringContains header "\"solution_dim\":1000" "d in the header")
            }

            test "one objective is a column named objective" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "archive.parquet")
                    ArchiveParquet.Write(path, table (gridLayout 2 10) 5 3 1 [] 13)

                    Expect.equal
                        (columnNames path)
                        [ "cell"; "objective"; "measure_0"; "measure_1"; "solution" ]
                        "columns")
            }

            test "metrics round trip, NaN while the archive is empty included" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "metrics.parquet")
                    let rows = metricsRows 25
                    MetricsParquet.Write(path, rows)
                    let back = MetricsParquet.Read path
                    Expect.equal back.Length rows.Length "row count"

                    for i in 0 .. rows.Length - 1 do
                        let a, b = rows[i], back[i]

                        Expect.equal
                            (b.Iteration, b.Evaluations, b.NumElites)
                            (a.Iteration, a.Evaluations, a.NumElites)
                            $"row {i} integers"

                        Expect.equal
                            (bits
                                [|
                                    b.Coverage
                                    b.QdScore
                                    b.NormQdScore
                                    b.BestObjective
                                    b.MeanObjective
                                    b.ElapsedSeconds
                                |])
                            (bits
                                [|
                                    a.Coverage
                                    a.QdScore
                                    a.NormQdScore
                                    a.BestObjective
                                    a.MeanObjective
                                    a.ElapsedSeconds
                                |])
                            $"row {i} reals"

                    Expect.equal
                        (columnNames path)
                        [
                            "iteration"
                            "evaluations"
                            "num_elites"
                            "coverage"
                            "qd_score"
                            "norm_qd_score"
                            "best_objective"
                            "mean_objective"
                            "elapsed_seconds"
                        ]
                        "columns"

                    MetricsParquet.Write(path, [||])
                    Expect.isEmpty (MetricsParquet.Read path) "no rows")
            }

            test "metrics: the optional figures are columns only when some row has one; a file without them reads NaN" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "metrics.parquet")
                    let plain = metricsRows 6
                    // MOME logs the global hypervolume on some rows only (NaN between), never a mean novelty.
                    let mome =
                        plain
                        |> Array.mapi (fun i r ->
                            MetricsRow(
                                r.Iteration,
                                r.Evaluations,
                                r.NumElites,
                                r.Coverage,
                                r.QdScore,
                                r.NormQdScore,
                                r.BestObjective,
                                r.MeanObjective,
                                r.ElapsedSeconds,
                                GlobalHypervolume = (if i % 2 = 0 then 1.0 / float (i + 3) else nan)
                            ))

                    MetricsParquet.Write(path, mome)
                    let back = MetricsParquet.Read path

                    Expect.equal
                        (back |> Array.map (fun r -> r.GlobalHypervolume) |> bits)
                        (mome |> Array.map (fun r -> r.GlobalHypervolume) |> bits)
                        "the hypervolume column, to the bit, NaN where none"

                    Expect.isTrue (back |> Array.forall (fun r -> Double.IsNaN r.MeanNovelty)) "no novelty"
                    Expect.equal (List.last (columnNames path)) "global_hypervolume" "one more column, last"
                    Expect.isFalse (List.contains "mean_novelty" (columnNames path)) "and no empty one"
                    Expect.equal back mome "rows equal (records compare NaN as equal)"
                    // A file as runs wrote it before these columns (the plain rows' layout) loads with NaN.
                    MetricsParquet.Write(path, plain)
                    Expect.equal (columnNames path).Length 9 "the old layout"
                    let old = MetricsParquet.Read path

                    Expect.isTrue
                        (old
                         |> Array.forall (fun r -> Double.IsNaN r.GlobalHypervolume && Double.IsNaN r.MeanNovelty))
                        "read as NaN")
            }

            test
                "metrics appended a row group at a time read back as one whole write, and refuse a column the file lacks" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "metrics.parquet")
                    let whole = Path.Combine(dir, "whole.parquet")
                    let rows = metricsRows 40
                    Expect.isFalse (MetricsParquet.TryAppend(path, rows[0..4])) "no file yet: nothing written"
                    Expect.isFalse (File.Exists path) "still no file"
                    MetricsParquet.Write(path, rows[0..9])
                    Expect.isTrue (MetricsParquet.TryAppend(path, rows[10..10])) "one row"
                    Expect.isTrue (MetricsParquet.TryAppend(path, rows[11..29])) "nineteen rows"
                    Expect.isTrue (MetricsParquet.TryAppend(path, [||])) "no rows: nothing to do"
                    Expect.isTrue (MetricsParquet.TryAppend(path, rows[30..])) "the rest"
                    MetricsParquet.Write(whole, rows)
                    Expect.equal (MetricsParquet.Read path) (MetricsParquet.Read whole) "the same rows as one write"
                    Expect.equal (columnNames path) (columnNames whole) "the same columns"
                    Expect.isEmpty (Directory.GetFiles(dir, ".*.tmp")) "no temporary file left"
                    // A row with a hypervolume cannot go into a file without that column.
                    let withVolume =
                        let r = rows[39]

                        MetricsRow(
                            r.Iteration + 1,
                            r.Evaluations,
                            r.NumElites,
                            r.Coverage,
                            r.QdScore,
                            r.NormQdScore,
                            r.BestObjective,
                            r.MeanObjective,
                            r.ElapsedSeconds,
                            GlobalHypervolume = 2.5
                        )

                    let before = File.ReadAllBytes path
                    Expect.isFalse (MetricsParquet.TryAppend(path, [| withVolume |])) "refused"
                    Expect.equal (File.ReadAllBytes path) before "the file untouched")
            }

            testList
                "corrupt files"
                [
                    test "truncated archive" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "archive.parquet")
                            ArchiveParquet.Write(path, table (gridLayout 2 10) 20 4 1 [] 14)
                            let bytes = File.ReadAllBytes path

                            for keep in [ bytes.Length - 1; bytes.Length / 2; 10; 0 ] do
                                File.WriteAllBytes(path, bytes[0 .. keep - 1])
                                corrupt path "" readArchive)
                    }
                    test "random bytes and text are not Parquet" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "archive.parquet")
                            let noise = Array.zeroCreate<byte> 4096
                            Random(3).NextBytes noise
                            File.WriteAllBytes(path, noise)
                            corrupt path "not a Parquet file" readArchive
                            corrupt path "not a Parquet file" readMetrics
                            File.WriteAllText(path, "cell,objective\n1,2\n")
                            corrupt path "not a Parquet file" readArchive)
                    }
                    test "damaged footer or pages" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "archive.parquet")
                            ArchiveParquet.Write(path, table (gridLayout 2 10) 20 4 1 [] 15)
                            let bytes = File.ReadAllBytes path
                            let footer = footerLength bytes
                            // Scribble over the middle of the footer, then over the data pages.
                            for start, len in [ bytes.Length - 8 - footer + 2, footer / 2; 4, bytes.Length / 3 ] do
                                let b = Array.copy bytes

                                for i in start .. start + len - 1 do
                                    b[i] <- byte ((i * 31) % 251)

                                File.WriteAllBytes(path, b)

                                try
                                    readArchive path
                                with :? CorruptFileException as e ->
                                    Expect.stringContains e.Message path "names the path")
                    }
                    test "a Parquet file missing a required column" {
                        withDir (fun dir ->
                            let good = Path.Combine(dir, "good.parquet")
                            ArchiveParquet.Write(good, table (gridLayout 1 10) 3 2 1 [] 16)

                            let header =
                                task {
                                    use! r = ParquetReader.CreateAsync good in return r.CustomMetadata["qdfunctional"]
                                }
                                |> fun t -> t.Result

                            let path = Path.Combine(dir, "archive.parquet")

                            writeForged
                                path
                                [
                                    DataField<int>("cell"), box [| 1; 2; 3 |] :?> Array
                                    DataField<double>("objective"), box [| 1.0; 2.0; 3.0 |] :?> Array
                                ]
                                [ "qdfunctional", header ]

                            corrupt path "missing required column 'measure_0'" readArchive
                            writeForged path [ DataField<int>("iteration"), box [| 1 |] :?> Array ] []
                            corrupt path "missing required column 'evaluations'" readMetrics)
                    }
                    test "a column of the wrong type" {
                        withDir (fun dir ->
                            let good = Path.Combine(dir, "good.parquet")
                            ArchiveParquet.Write(good, table (gridLayout 1 10) 2 1 1 [] 17)

                            let header =
                                task {
                                    use! r = ParquetReader.CreateAsync good in return r.CustomMetadata["qdfunctional"]
                                }
                                |> fun t -> t.Result

                            let path = Path.Combine(dir, "archive.parquet")

                            writeForged
                                path
                                [ DataField<double>("cell"), box [| 1.0; 2.0 |] :?> Array ]
                                [ "qdfunctional", header ]

                            corrupt path "column 'cell' is Double, expected INT32" readArchive

                            writeForged
                                path
                                [
                                    DataField<int>("iteration"), box [| 1 |] :?> Array
                                    DataField<int>("evaluations"), box [| 1 |] :?> Array
                                ]
                                []

                            corrupt path "column 'evaluations' is Int32, expected INT64" readMetrics)
                    }
                    test "a Parquet file not written by QdFunctional has no header" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "archive.parquet")
                            writeForged path [ DataField<int>("cell"), box [| 1 |] :?> Array ] []
                            corrupt path "no 'qdfunctional' metadata" readArchive)
                    }
                    test "a missing file is FileNotFoundException, not corruption" {
                        withDir (fun dir ->
                            Expect.throwsT<FileNotFoundException>
                                (fun () -> readArchive (Path.Combine(dir, "none.parquet")))
                                "missing file")
                    }
                ]

            testList
                "atomic writes"
                [
                    test "a writer that throws midway leaves the old file intact and no temp files" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "state.bin")

                            AtomicFile.Write(
                                path,
                                fun s -> let b = Encoding.ASCII.GetBytes "old content" in s.Write(b, 0, b.Length)
                            )

                            let boom () =
                                AtomicFile.Write(
                                    path,
                                    fun s ->
                                        let zeros = Array.create 100_000 0uy
                                        s.Write(zeros, 0, zeros.Length)
                                        failwith "crash halfway"
                                )

                            Expect.throws boom "the writer's exception propagates"
                            Expect.equal (File.ReadAllText path) "old content" "old file intact"

                            Expect.equal
                                (Directory.GetFiles dir |> Array.map Path.GetFileName)
                                [| "state.bin" |]
                                "no temp files")
                    }
                    test "an invalid archive does not replace the previous one" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "archive.parquet")
                            let t = table (gridLayout 2 10) 10 3 1 [] 18
                            ArchiveParquet.Write(path, t)
                            let before = File.ReadAllBytes path

                            let bad =
                                EliteTable(
                                    t.Layout,
                                    t.SolutionDim,
                                    t.ObjectiveCount,
                                    t.Cells,
                                    t.Objectives,
                                    t.Measures,
                                    t.Solutions[1..],
                                    t.Extra
                                )

                            Expect.throwsT<ArgumentException>
                                (fun () -> ArchiveParquet.Write(path, bad))
                                "short Solutions refused"

                            Expect.isTrue (File.ReadAllBytes path = before) "old archive intact"
                            Expect.equal (Directory.GetFiles dir).Length 1 "no temp files")
                    }
                    test "async write replaces the file and creates missing directories" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "runs", "x", "metrics.parquet")
                            MetricsParquet.WriteAsync(path, metricsRows 3).Wait()
                            Expect.equal (MetricsParquet.Read path).Length 3 "written"
                            Expect.equal (Directory.GetFiles(Path.GetDirectoryName path)).Length 1 "no temp files")
                    }
                ]

            testList
                "validation"
                [
                    test "extra column names that clash or are empty are refused" {
                        for name in
                            [
                                ""
                                " "
                                "cell"
                                "Cell"
                                "objective"
                                "objective_0"
                                "OBJECTIVE_12"
                                "measure_3"
                                "solution"
                                "a/b"
                                "a.b"
                                " age"
                            ] do
                            let ex = Dictionary<string, double[]>()
                            ex[name] <- [| 0.0 |]
                            let t = table (gridLayout 2 10) 1 2 1 [] 19

                            let bad =
                                EliteTable(
                                    t.Layout,
                                    t.SolutionDim,
                                    t.ObjectiveCount,
                                    t.Cells,
                                    t.Objectives,
                                    t.Measures,
                                    t.Solutions,
                                    ex
                                )

                            withDir (fun dir ->
                                Expect.throwsT<ArgumentException>
                                    (fun () -> ArchiveParquet.Write(Path.Combine(dir, "a.parquet"), bad))
                                    $"'{name}' refused")
                    }
                    test "names merely resembling fixed columns are fine" {
                        withDir (fun dir ->
                            let t =
                                table (gridLayout 2 10) 4 2 1 [ "measure"; "objective_x"; "cells"; "age_0" ] 20

                            let path = Path.Combine(dir, "a.parquet")
                            ArchiveParquet.Write(path, t)
                            expectSame t (ArchiveParquet.Read path))
                    }
                    test "shape mismatches and out-of-range cells are refused with the array named" {
                        let t = table (gridLayout 2 10) 5 3 2 [] 21

                        let check what (bad: EliteTable) =
                            withDir (fun dir ->
                                let e =
                                    Expect.throwsC
                                        (fun () -> ArchiveParquet.Write(Path.Combine(dir, "a.parquet"), bad))
                                        id

                                Expect.stringContains e.Message what $"message names {what}")

                        check
                            "Objectives"
                            (EliteTable(t.Layout, 3, 2, t.Cells, t.Objectives[1..], t.Measures, t.Solutions, t.Extra))

                        check
                            "Measures"
                            (EliteTable(t.Layout, 3, 2, t.Cells, t.Objectives, t.Measures[1..], t.Solutions, t.Extra))

                        check
                            "cell 100"
                            (EliteTable(
                                t.Layout,
                                3,
                                2,
                                Array.append t.Cells[1..] [| 100 |],
                                t.Objectives,
                                t.Measures,
                                t.Solutions,
                                t.Extra
                            ))
                    }
                ]

            testList
                "json"
                [
                    test "round trip and readable indentation" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "config.json")
                            let value = dict [ "seed", 42.0; "sigma", 0.5 ] |> Dictionary
                            JsonFile.Write(path, value)
                            Expect.stringContains (File.ReadAllText path) "\n" "indented"

                            Expect.equal
                                (JsonFile.Read<Dictionary<string, float>> path
                                 |> Seq.map (fun kv -> kv.Key, kv.Value)
                                 |> List.ofSeq)
                                [ "seed", 42.0; "sigma", 0.5 ]
                                "same values")
                    }
                    test "corrupt JSON names the file" {
                        withDir (fun dir ->
                            let path = Path.Combine(dir, "config.json")
                            File.WriteAllText(path, "{ \"seed\": 4")

                            corrupt path "not valid JSON" (fun p ->
                                JsonFile.Read<Dictionary<string, float>> p |> ignore))
                    }
                ]

            test "10,000 x 1000-d archive writes and reads in reasonable time" {
                withDir (fun dir ->
                    let path = Path.Combine(dir, "big.parquet")
                    let t = table (gridLayout 2 100) 10_000 1000 1 [ "age" ] 22
                    let sw = Stopwatch.StartNew()
                    ArchiveParquet.Write(path, t)
                    let write = sw.Elapsed.TotalSeconds
                    sw.Restart()
                    let back = ArchiveParquet.Read path
                    let read = sw.Elapsed.TotalSeconds

                    printfn
                        "archive 10000 x 1000: write %.2f s, read %.2f s, %d MB"
                        write
                        read
                        (FileInfo(path).Length / 1_000_000L)

                    Expect.equal back.Count 10_000 "rows"
                    Expect.isLessThan (write + read) 20.0 "no pathological slowness (generous bound, shared machine)")
            }
        ]
