using System.Globalization;

namespace QdFunctional.Core.Persistence;

/// <summary>
/// Column names of <c>archive.parquet</c>, in one place so the writer, the reader and the docs agree:
/// <c>cell</c>, <c>objective</c> or <c>objective_0..m-1</c>, <c>measure_0..k-1</c>, <c>solution</c>,
/// then the extra fields under their own names.
/// </summary>
public static class ArchiveColumns
{
    /// <summary>Cell index (INT32).</summary>
    public const string Cell = "cell";

    /// <summary>The objective when there is exactly one (DOUBLE).</summary>
    public const string Objective = "objective";

    /// <summary>The solution vector, a LIST of DOUBLE with d entries per row.</summary>
    public const string Solution = "solution";

    /// <summary>Name of objective column <paramref name="i"/> of <paramref name="count"/>: <c>objective</c> alone, else <c>objective_i</c>.</summary>
    public static string ObjectiveColumn(int i, int count) =>
        count == 1 ? Objective : "objective_" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Name of measure column <paramref name="i"/>: <c>measure_i</c>.</summary>
    public static string MeasureColumn(int i) => "measure_" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks an extra field's name: non-empty, no surrounding blanks or control characters, no '/' or '.'
    /// (path separators in Parquet tools), and no clash with a fixed column. Clashes are checked ignoring
    /// case because DuckDB resolves column names case-insensitively.
    /// </summary>
    /// <exception cref="ArgumentException">The name cannot be used, with the reason.</exception>
    public static void ValidateExtraName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("extra field names must be non-empty", nameof(name));
        if (name.Trim() != name)
            throw new ArgumentException($"extra field name '{name}' has leading or trailing blanks", nameof(name));
        foreach (var c in name)
            if (char.IsControl(c) || c == '/' || c == '.')
                throw new ArgumentException(
                    $"extra field name '{name}' contains '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString())}'",
                    nameof(name)
                );
        if (IsReserved(name))
            throw new ArgumentException(
                $"extra field name '{name}' clashes with a fixed archive column (cell, objective, objective_<i>, measure_<i>, solution)",
                nameof(name)
            );
    }

    /// <summary>True for the fixed names and the <c>objective_N</c>/<c>measure_N</c> families, ignoring case.</summary>
    private static bool IsReserved(string name)
    {
        if (
            name.Equals(Cell, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Objective, StringComparison.OrdinalIgnoreCase)
            || name.Equals(Solution, StringComparison.OrdinalIgnoreCase)
        )
            return true;
        return HasIndexSuffix(name, "objective_") || HasIndexSuffix(name, "measure_");
    }

    private static bool HasIndexSuffix(string name, string prefix)
    {
        if (name.Length <= prefix.Length || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return false;
        for (int i = prefix.Length; i < name.Length; i++)
            if (name[i] < '0' || name[i] > '9')
                return false;
        return true;
    }
}
