namespace QdFunctional.Physics;

using System.Diagnostics;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;
using QdFunctional.Physics.Tasks;

/// <summary>
/// Timings of the robot tasks (<c>qd bench physics</c>): episodes per second for whole batches
/// (CPG or gait schedule, physics, scoring) on 1 and 2 workers, and milliseconds per physics step,
/// both as wall time per step per worker (constant under a perfect speed-up) and as processor time
/// per step (what a step costs, whatever else the machine is running).
/// </summary>
public static class PhysicsBenchmark
{
    /// <summary>Prints a table to <paramref name="output"/>, spending about <paramref name="seconds"/> per line.</summary>
    public static void Run(TextWriter output, double seconds = 3.0)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Physics episodes (MuJoCo 2.2.2, 5 s episodes, 4 ms steps, control every 0.02 s):");
        foreach (var name in PhysicsCatalog.Names)
        foreach (int workers in new[] { 1, 2 })
        {
            using var task = PhysicsCatalog.Create(name, workers);
            int batch = 8 * workers;
            var values = new double[batch * task.SolutionDim];
            Key.Of(3).Uniform(values, task.SolutionLower, task.SolutionUpper);
            var solutions = new SolutionBatch(batch, task.SolutionDim, values);
            task.Evaluate(solutions.Slice(0, workers));
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long episodes = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                task.Evaluate(solutions);
                episodes += batch;
            }
            double elapsed = clock.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            double steps = episodes * (double)task.PhysicsSteps;
            output.WriteLine(
                $"  {name, -13} {workers} worker{(workers == 1 ? " " : "s")}: {episodes / elapsed, 7:F1} episodes/s  "
                    + $"{1000.0 * elapsed * workers / steps, 7:F4} ms wall per step per worker  {1000.0 * cpu / steps, 7:F4} ms processor per step  "
                    + $"({episodes} episodes of {task.PhysicsSteps} steps)"
            );
        }
    }
}
