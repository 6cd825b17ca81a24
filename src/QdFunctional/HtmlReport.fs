namespace QdFunctional

open System
open System.IO
open System.Net
open System.Text
open System.Text.Json
open QdFunctional.Core.Persistence

/// One self-contained HTML page per run (`report.html`): the configuration, the final metrics,
/// the best elites (the first entries of a diversity-only archive), and every picture of the run embedded as a data URI, so the page can be
/// mailed or archived alone.
[<RequireQualifiedAccess>]
module HtmlReport =
    /// Elites listed in the best-elites table.
    let topElites = 10

    let private encode (s: string) = WebUtility.HtmlEncode s

    let private table (header: string list) (rows: string list list) (b: StringBuilder) =
        b.Append("<table><thead><tr>") |> ignore

        for h in header do
            b.Append($"<th>{encode h}</th>") |> ignore

        b.Append("</tr></thead><tbody>") |> ignore

        for row in rows do
            b.Append("<tr>") |> ignore

            for cell in row do
                b.Append($"<td>{encode cell}</td>") |> ignore

            b.Append("</tr>") |> ignore

        b.Append("</tbody></table>\n") |> ignore

    /// The config's fields as (name, value) text pairs, in file order.
    let private configRows (path: string) =
        if File.Exists path then
            use doc = JsonDocument.Parse(File.ReadAllText path)

            [ for p in doc.RootElement.EnumerateObject() -> [ p.Name; p.Value.ToString() ] ]
        else
            []

    /// Writes `report.html` into the run directory `dir` and returns its path. `pictures` are
    /// (title, PNG path) pairs embedded in order; missing files are skipped; `notes` are lines
    /// shown under the final metrics.
    let writeWith (notes: string list) (dir: string) (pictures: (string * string) list) =
        let b = StringBuilder()
        let name = Path.GetFileName(Path.TrimEndingDirectorySeparator dir)

        b.Append(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            + $"<title>{encode name}: QdFunctional report</title><style>"
            + "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
            + "th{background:#eee}img{max-width:100%;border:1px solid #ddd}"
            + "</style></head><body>\n"
        )
        |> ignore

        b.Append($"<h1>{encode name}</h1>\n") |> ignore
        let metricsFile = RunDirectory.metricsPath dir

        if File.Exists metricsFile then
            let rows = Results.loadMetrics metricsFile
            b.Append("<h2>Result</h2>\n") |> ignore

            table
                ("" :: RunComparison.summaryColumns)
                [ for n, cells in RunComparison.summary [ "final", rows ] -> n :: cells ]
                b

        // Figures the metrics table has no column for (the CQD score, a noisy run's re-evaluation).
        for note in notes do
            b.Append($"<p>{encode note}</p>\n") |> ignore

        let archiveFile = RunDirectory.archivePath dir

        if File.Exists archiveFile then
            let t = Results.loadArchive archiveFile
            let k = t.Layout.MeasureDim
            let m = max 1 t.ObjectiveCount

            let objective i =
                if t.ObjectiveCount = 0 then 0.0 else t.Objectives[i * m]

            let best =
                [| 0 .. t.Count - 1 |]
                |> Array.sortBy (fun i -> -(objective i), i)
                |> Array.truncate topElites

            // Without objectives there is no "best": list the first entries instead, without an objective column.
            let scored = t.ObjectiveCount > 0

            let heading =
                if scored then
                    "Best elites"
                else
                    "First entries (no objective)"

            b.Append($"<h2>{heading}</h2>\n<p>{t.Count} elites, layout <code>{encode t.Layout.Kind}</code>.</p>\n")
            |> ignore

            table
                ([ "cell" ]
                 @ (if scored then [ "objective" ] else [])
                 @ [ for j in 0 .. k - 1 -> ArchiveColumns.MeasureColumn j ])
                [
                    for i in best ->
                        [ string t.Cells[i] ]
                        @ (if scored then [ $"{objective i:G6}" ] else [])
                        @ [ for j in 0 .. k - 1 -> $"{t.Measures[i * k + j]:G6}" ]
                ]
                b

        for title, png in pictures do
            if File.Exists png then
                let data = Convert.ToBase64String(File.ReadAllBytes png)

                b.Append(
                    $"<h2>{encode title}</h2>\n<img alt=\"{encode title}\" src=\"data:image/png;base64,{data}\">\n"
                )
                |> ignore

        b.Append("<h2>Configuration</h2>\n") |> ignore
        table [ "setting"; "value" ] (configRows (RunDirectory.configPath dir)) b
        b.Append("</body></html>\n") |> ignore
        let path = Path.Combine(dir, "report.html")
        let bytes = UTF8Encoding(false).GetBytes(b.ToString())
        AtomicFile.Write(path, fun stream -> stream.Write(bytes, 0, bytes.Length))
        path

    /// The page without notes.
    let write (dir: string) (pictures: (string * string) list) = writeWith [] dir pictures
