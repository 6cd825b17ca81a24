namespace QdFunctional

open System
open System.Globalization
open QdFunctional.Core.Archives

/// One measure of a categorical archive.
type MeasureAxis =
    /// A categorical measure: the values it may take, one cell each, in this order.
    | Categories of float list
    /// A continuous measure cut into this many equal cells over its bounds.
    | Cells of int

/// A sliding-boundaries archive as `qd run --archive` spells it: `sliding:RxR[,remap=N][,buffer=N]`.
type SlidingSpec =
    {
        /// Cells along each measure.
        Resolution: int[]
        /// The boundaries move after every this many solutions (pyribs' remap_frequency, default 100).
        RemapFrequency: int
        /// Recent solutions kept to place the boundaries (pyribs' buffer_capacity, default 1000).
        BufferCapacity: int
    }

/// Dominated Novelty Search's population as `qd run --archive` spells it: `dns:capacity=N,k=K`.
type DnsSpec =
    {
        /// Members kept (default 1024, the paper's).
        Capacity: int
        /// Nearest fitter members averaged over (default 3, the paper's).
        Neighbours: int
    }

/// A categorical archive as `qd run --archive` spells it: `categorical:A1xA2...`, each Ai a measure.
type CategoricalSpec =
    {
        /// One axis per measure.
        Axes: MeasureAxis list
    }

/// Parsing and printing of the archive specs that have settings beyond a resolution. Each parser gives
/// `None` when the text is not its kind, the spec when it parses, and ArgumentException naming the bad
/// part otherwise; `format` prints what the parser reads back.
[<RequireQualifiedAccess>]
module ArchiveSpecs =
    let private number (v: float) =
        v.ToString("R", CultureInfo.InvariantCulture)

    let private positive (v: string) =
        match Int32.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture) with
        | true, n when n > 0 -> Some n
        | _ -> None

    /// The settings after `kind:`, or None when `spec` is not of this kind.
    let private body (kind: string) (spec: string) =
        if isNull spec then
            None
        elif spec = kind then
            Some ""
        elif spec.StartsWith(kind + ":", StringComparison.Ordinal) then
            Some(spec.Substring(kind.Length + 1))
        else
            None

    /// The defaults of a sliding-boundaries archive (pyribs').
    let slidingDefaults =
        {
            Resolution = [||]
            RemapFrequency = 100
            BufferCapacity = 1000
        }

    /// `sliding:RxR[,remap=N][,buffer=N]`.
    let tryParseSliding (spec: string) =
        body "sliding" spec
        |> Option.map (fun text ->
            let fail (why: string) =
                invalidArg "archive" $"Archive '{spec}': {why}; expected sliding:RxR[,remap=N][,buffer=N]."

            match text.Split(',') |> Array.toList with
            | dims :: options ->
                let resolution = dims.Split('x') |> Array.map positive

                if resolution.Length = 0 || resolution |> Array.exists Option.isNone then
                    fail $"'{dims}' is not cells per measure such as 100x100"

                options
                |> List.fold
                    (fun s option ->
                        match option.Split('=', 2) with
                        | [| "remap"; v |] ->
                            match positive v with
                            | Some n -> { s with RemapFrequency = n }
                            | None -> fail $"remap must be a positive integer, got '{v}'"
                        | [| "buffer"; v |] ->
                            match positive v with
                            | Some n -> { s with BufferCapacity = n }
                            | None -> fail $"buffer must be a positive integer, got '{v}'"
                        | _ -> fail $"unknown part '{option}'")
                    { slidingDefaults with
                        Resolution = Array.map Option.get resolution
                    }
            | [] -> fail "no resolution")

    /// The spec as text; `tryParseSliding (formatSliding s) = Some s`.
    let formatSliding (s: SlidingSpec) =
        let dims = s.Resolution |> Array.map string |> String.concat "x"
        $"sliding:{dims},remap={s.RemapFrequency},buffer={s.BufferCapacity}"

    /// The defaults of a DNS population (the paper's: 1,024 members, k = 3).
    let dnsDefaults = { Capacity = 1024; Neighbours = 3 }

    /// `dns[:capacity=N][,k=K]`.
    let tryParseDns (spec: string) =
        body "dns" spec
        |> Option.map (fun text ->
            let fail (why: string) =
                invalidArg "archive" $"Archive '{spec}': {why}; expected dns:capacity=N,k=K."

            text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            |> Array.fold
                (fun s part ->
                    match part.Split('=', 2) with
                    | [| "capacity"; v |] ->
                        match positive v with
                        | Some n -> { s with Capacity = n }
                        | None -> fail $"capacity must be a positive integer, got '{v}'"
                    | [| "k"; v |] ->
                        match positive v with
                        | Some n -> { s with Neighbours = n }
                        | None -> fail $"k must be a positive integer, got '{v}'"
                    | _ -> fail $"unknown part '{part}'")
                dnsDefaults)

    /// The spec as text; `tryParseDns (formatDns s) = Some s`.
    let formatDns (s: DnsSpec) =
        $"dns:capacity={s.Capacity},k={s.Neighbours}"

    /// `categorical:A1xA2...`: each Ai is N (a continuous measure, N cells over the task's bounds) or
    /// values joined by '/' (a categorical measure's categories; one category alone is written 'V/').
    let tryParseCategorical (spec: string) =
        body "categorical" spec
        |> Option.map (fun text ->
            let fail (why: string) =
                invalidArg
                    "archive"
                    $"Archive '{spec}': {why}; expected categorical:A1xA2..., each A a number of cells (a continuous measure) or categories joined by '/' (such as 0/1/2)."

            let axis (part: string) =
                if part.Contains '/' then
                    let values =
                        part.Split('/', StringSplitOptions.RemoveEmptyEntries)
                        |> Array.map (fun v ->
                            match Double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture) with
                            | true, x when Double.IsFinite x -> x
                            | _ -> fail $"category '{v}' is not a finite number")

                    if values.Length = 0 then
                        fail $"'{part}' lists no category"

                    if (Array.distinct values).Length <> values.Length then
                        fail $"'{part}' lists a category twice"

                    Categories(List.ofArray values)
                else
                    match positive part with
                    | Some n -> Cells n
                    | None -> fail $"'{part}' is neither a number of cells nor categories"

            if text = "" then
                fail "no measures"

            {
                Axes = text.Split('x') |> Array.map axis |> List.ofArray
            })

    /// The spec as text; `tryParseCategorical (formatCategorical s) = Some s`.
    let formatCategorical (s: CategoricalSpec) =
        let axis =
            function
            | Cells n -> string n
            | Categories [ v ] -> number v + "/"
            | Categories values -> values |> List.map number |> String.concat "/"

        "categorical:" + (s.Axes |> List.map axis |> String.concat "x")

    /// The core's tessellation of a categorical spec; continuous measures take `low` and `high`.
    let categoricalTessellation (axes: MeasureAxis list) (low: float[]) (high: float[]) =
        let axes = Array.ofList axes

        let categories =
            axes
            |> Array.map (function
                | Categories values -> Array.ofList values
                | Cells _ -> [||])

        let resolution =
            axes
            |> Array.map (function
                | Cells n -> n
                | Categories _ -> 0)

        CategoricalTessellation(categories, resolution, low, high)
