namespace QdFunctional

open System
open System.Globalization
open QdFunctional.Core.Archives.Proximity

/// A proximity (novelty) archive as `qd run --archive` spells it:
/// `proximity:k=15,threshold=0.05` with optional `max=N` (hard size limit) and `capacity=N`
/// (initial capacity), and `batch=true` (novelty also against the rest of the batch). Parsed here, before RunConfig, so validation and runs agree on one reading.
type ProximitySpec =
    {
        /// k nearest neighbours that novelty averages over.
        Neighbours: int
        /// Novelty a solution needs to enter.
        Threshold: float
        /// Hard limit on entries (0: unlimited).
        MaxSize: int
        /// Initial capacity (doubles as the archive grows).
        InitialCapacity: int
        /// Novelty counts the other solutions of the batch as neighbours too (`batch=true`).
        BatchNovelty: bool
    }

[<RequireQualifiedAccess>]
module ProximitySpec =
    /// The spec's defaults: k = 15 (Lehman and Stanley's), a threshold the caller sets, no limit, capacity 128.
    let defaults =
        {
            Neighbours = 15
            Threshold = 0.01
            MaxSize = 0
            InitialCapacity = 128
            BatchNovelty = false
        }

    /// The spec as text; `tryParse (format s) = Some s`.
    let format (s: ProximitySpec) =
        let t = s.Threshold.ToString("R", CultureInfo.InvariantCulture)
        let extra = (if s.MaxSize > 0 then $",max={s.MaxSize}" else "")

        let capacity =
            if s.InitialCapacity <> 128 then
                $",capacity={s.InitialCapacity}"
            else
                ""

        let batch = if s.BatchNovelty then ",batch=true" else ""
        $"proximity:k={s.Neighbours},threshold={t}{extra}{capacity}{batch}"

    /// `None` when `spec` is not a proximity spec; the parsed spec when it is; ArgumentException
    /// naming the bad part when it starts with `proximity` but does not parse.
    let tryParse (spec: string) =
        if
            isNull spec
            || not (spec = "proximity" || spec.StartsWith("proximity:", StringComparison.Ordinal))
        then
            None
        else
            let fail (why: string) =
                invalidArg
                    "archive"
                    $"Archive '{spec}': {why}; expected proximity:k=K,threshold=T[,max=N][,capacity=N][,batch=true]."

            let parts =
                if spec = "proximity" then
                    [||]
                else
                    spec.Substring("proximity:".Length).Split(',', StringSplitOptions.RemoveEmptyEntries)

            let mutable s = defaults

            for part in parts do
                match part.Split('=', 2) with
                | [| "k"; v |] ->
                    match Int32.TryParse v with
                    | true, k when k >= 1 -> s <- { s with Neighbours = k }
                    | _ -> fail $"k must be a positive integer, got '{v}'"
                | [| "threshold"; v |] ->
                    match Double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture) with
                    | true, t when t >= 0.0 && Double.IsFinite t -> s <- { s with Threshold = t }
                    | _ -> fail $"threshold must be a finite number >= 0, got '{v}'"
                | [| "max"; v |] ->
                    match Int32.TryParse v with
                    | true, m when m >= 0 -> s <- { s with MaxSize = m }
                    | _ -> fail $"max must be 0 or a positive integer, got '{v}'"
                | [| "capacity"; v |] ->
                    match Int32.TryParse v with
                    | true, c when c >= 1 -> s <- { s with InitialCapacity = c }
                    | _ -> fail $"capacity must be a positive integer, got '{v}'"
                | [| "batch"; v |] ->
                    match v with
                    | "true" -> s <- { s with BatchNovelty = true }
                    | "false" -> s <- { s with BatchNovelty = false }
                    | _ -> fail $"batch must be true or false, got '{v}'"
                | _ -> fail $"unknown part '{part}'"

            Some s

    /// The core archive's options; `localCompetition` turns NSLC on.
    let options (s: ProximitySpec) (localCompetition: bool) =
        ProximityOptions(
            Neighbours = s.Neighbours,
            NoveltyThreshold = s.Threshold,
            LocalCompetition = localCompetition,
            InitialCapacity = s.InitialCapacity,
            MaxSize = s.MaxSize,
            BatchNovelty = s.BatchNovelty
        )
