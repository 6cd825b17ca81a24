using System.Reflection;

namespace QdFunctional.Serve;

/// <summary>
/// The files the page is made of: its own HTML, script and style, embedded in this assembly, and the
/// charting library (uPlot), which set-up fetches from npm into <c>src/QdFunctional.Serve/web/node_modules</c>
/// (tools/web-assets.sh) and is found from the program's location, so nothing is downloaded while serving.
/// </summary>
public static class WebAssets
{
    /// <summary>Where npm puts uPlot, relative to the repository root.</summary>
    public const string LibraryFolder = "src/QdFunctional.Serve/web/node_modules/uplot/dist";

    /// <summary>The library files the page loads, by the name it asks for.</summary>
    public static readonly IReadOnlyDictionary<string, string> LibraryFiles = new Dictionary<string, string>
    {
        ["uPlot.iife.min.js"] = "text/javascript",
        ["uPlot.min.css"] = "text/css",
    };

    /// <summary>An embedded page file (index.html, app.js, app.css), or null.</summary>
    public static byte[]? Page(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + name);
        if (s is null)
            return null;
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>The library folder: the first ancestor of the program's folder (or of the working directory) that holds it, or null when set-up has not fetched it.</summary>
    public static string? FindLibrary()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, LibraryFolder);
                if (File.Exists(Path.Combine(candidate, "uPlot.iife.min.js")))
                    return candidate;
            }
        return null;
    }

    /// <summary>Content type by extension, for the embedded files.</summary>
    public static string ContentType(string name) =>
        Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
}
