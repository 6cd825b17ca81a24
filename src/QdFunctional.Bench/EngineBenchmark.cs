using System.Diagnostics;
using System.Globalization;
using QdFunctional.Diff;
using QdFunctional.Diff.Benchmarks;

namespace QdFunctional.Bench;

/// <summary>Times value + Jacobian against value-only evaluation for the benchmark tasks.</summary>
/// <remarks>A good reverse-mode engine costs a small constant factor (about 1 + m sweeps) over the
/// forward pass; this prints that factor so regressions show, for float64 and float32 side by side.
/// Not a test: timings vary by machine.</remarks>
public static class EngineBenchmark
{
    /// <summary>Runs every task at dimension 1000, batch 36 and 4096, in float64 and float32, on the current backend, writing one line per case.</summary>
    /// <remarks>Callable from the CLI (qd bench). budgetSeconds bounds the time spent per measurement. Both
    /// sides run warm on one workspace, and the Jacobian is written into a reused result, as in an
    /// optimization loop. The float32 population is the float64 one rounded to float32.</remarks>
    public static void Run(TextWriter output, double budgetSeconds = 1.0, int dim = 1000)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tasks = new (string Name, Func<Tensor, Tensor> F)[]
        {
            ("lp-sphere", LinearProjection.Sphere),
            ("lp-rastrigin", LinearProjection.Rastrigin),
            ("arm", PlanarArm.Evaluate),
        };
        var ws = new Workspace(Engine.Backend);
        output.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"backend {ws.Backend.Name}, {Environment.ProcessorCount} cores, dimension {dim}")
        );
        output.WriteLine("task          batch  dtype     value ms   value+jacobian ms   ratio");
        foreach (var (name, f) in tasks)
        foreach (int batch in new[] { 36, 4096 })
        foreach (var dtype in new[] { Dtype.Float64, Dtype.Float32 })
        {
            var x = Tensor.Cast(Population(batch, dim, name == "arm" ? Math.PI : 5.12), dtype);
            var result = ws.ValueAndJacobian(f, x);
            double value = Time(() => ws.Evaluate(f, x), budgetSeconds);
            double both = Time(() => ws.ValueAndJacobian(f, x, result), budgetSeconds);
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name, -13} {batch, 5}  {dtype.Name(), -7} {value, 10:F3} {both, 19:F3} {both / value, 7:F2}"
                )
            );
        }
        ws.ReleaseBuffers();
    }

    // Milliseconds per call: warm-up for a quarter of the budget (so the JIT has optimized the
    // kernels), then repeats until the budget is spent (at least 3).
    private static double Time(Action call, double budgetSeconds)
    {
        var sw = Stopwatch.StartNew();
        do call();
        while (sw.Elapsed.TotalSeconds < budgetSeconds / 4);
        sw.Restart();
        int reps = 0;
        while (reps < 3 || sw.Elapsed.TotalSeconds < budgetSeconds)
        {
            call();
            reps++;
        }
        return sw.Elapsed.TotalMilliseconds / reps;
    }

    // A uniform population in [-scale, scale] from a fixed linear congruential sequence.
    private static Tensor Population(int batch, int dim, double scale)
    {
        var data = new double[batch * dim];
        ulong s = 0x9E3779B97F4A7C15UL;
        for (int k = 0; k < data.Length; k++)
        {
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            data[k] = ((s >> 11) * (1.0 / (1UL << 53)) * 2 - 1) * scale;
        }
        return Tensor.FromArray(data, batch, dim, Dtype.Float64);
    }
}
