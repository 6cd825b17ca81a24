namespace QdFunctional.Physics.Models;

/// <summary>The MJCF models shipped inside the assembly (<c>Models/*.xml</c>).</summary>
public static class ModelFiles
{
    /// <summary>The brittle star of the CPG tutorial in its walled arena.</summary>
    public const string BrittleStar = "brittle_star.xml";

    /// <summary>The four-legged walker.</summary>
    public const string Quadruped = "quadruped.xml";

    /// <summary>The MJCF text of the embedded model <paramref name="file"/>.</summary>
    public static string Text(string file)
    {
        using var stream =
            typeof(ModelFiles).Assembly.GetManifestResourceStream("QdFunctional.Physics.Models." + file)
            ?? throw new ArgumentException($"No embedded model '{file}'.", nameof(file));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Compiles the embedded model <paramref name="file"/>.</summary>
    public static PhysicsModel Load(string file) => PhysicsModel.FromXml(Text(file), file);
}
