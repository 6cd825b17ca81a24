using QdFunctional.Core.Tasks;

namespace QdFunctional.Gpu;

/// <summary>The tasks the device kernels evaluate (LP-sphere, LP-Rastrigin, the planar arm with unit
/// links), described once for every device class: the Core task the kernels repeat, and the kernel
/// settings (task code, LP normalization, grid scaling) that describe it.</summary>
internal static class DeviceTasks
{
    /// <summary>The catalog names the kernels know.</summary>
    public static readonly IReadOnlyList<string> Names = ["lp-sphere", "lp-rastrigin", "arm"];

    /// <summary>The names, for error messages.</summary>
    public static string Known => string.Join(", ", Names);

    /// <summary>The Core task of <paramref name="task"/> in dimension <paramref name="dimension"/>, and the
    /// kernel settings for it over a res0 × res1 grid spanning its measure box.</summary>
    /// <param name="who">The caller's name, first in every error message.</param>
    /// <param name="task">The task's catalog name.</param>
    /// <param name="dimension">Solution dimension d.</param>
    /// <param name="resolution">Grid cells along each of the two measures.</param>
    /// <exception cref="ArgumentException">A task the kernels do not have, or a bad dimension.</exception>
    public static (ITask Task, MapElitesStep Step) Describe(string who, string task, int dimension, int[] resolution)
    {
        ITask t = task switch
        {
            "lp-sphere" => new LinearProjection(LinearProjection.Function.Sphere, dimension),
            "lp-rastrigin" => new LinearProjection(LinearProjection.Function.Rastrigin, dimension),
            "arm" => new PlanarArm(dimension),
            _ => throw new ArgumentException($"{who}: task '{task}' is not on the device (have: {Known})"),
        };
        double worst = t is LinearProjection lp ? lp.WorstRaw : 0.0;
        var step = new MapElitesStep
        {
            Dim = dimension,
            Task = task switch
            {
                "lp-sphere" => 0,
                "lp-rastrigin" => 1,
                _ => 2,
            },
            Res0 = resolution[0],
            Res1 = resolution[1],
            Worst = worst,
            Scale = t is LinearProjection ? -100.0 / worst : 0.0,
            Low0 = t.MeasureLow[0],
            Low1 = t.MeasureLow[1],
            CellScale0 = resolution[0] / (t.MeasureHigh[0] - t.MeasureLow[0]),
            CellScale1 = resolution[1] / (t.MeasureHigh[1] - t.MeasureLow[1]),
        };
        return (t, step);
    }
}
