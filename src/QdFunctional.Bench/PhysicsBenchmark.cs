namespace QdFunctional.Bench;

using System.Diagnostics;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Random;
using QdFunctional.Physics;

/// <summary>
/// Timings of the robot tasks (<c>qd bench physics</c>): episodes per second for whole batches
/// (CPG or gait schedule, physics, scoring) on 1 and 2 workers, and milliseconds per physics step,
/// as wall time per step per worker (constant under a perfect speed-up) and as processor time per
/// step (what a step costs, whatever else the machine runs). The two worker counts are measured in
/// alternating rounds and the fastest round of each is reported, so that a neighbour's burst of
/// work on a shared machine does not land on one configuration only.
/// </summary>
public static class PhysicsBenchmark
{
    /// <summary>Prints a table to <paramref name="output"/>, spending about <paramref name="seconds"/> per task and worker count.</summary>
    public static void Run(TextWriter output, double seconds = 3.0)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Physics episodes (MuJoCo 2.2.2, 5 s episodes, 4 ms steps, control every 0.02 s; fastest of alternating rounds):");
        int[] workerCounts = [1, 2];
        foreach (var name in PhysicsCatalog.Names)
        {
            var tasks = workerCounts.Select(w => PhysicsCatalog.Create(name, w)).ToArray();
            try
            {
                var best = new (double EpisodesPerSecond, double CpuSecondsPerEpisode)[tasks.Length];
                var total = new double[tasks.Length];
                for (int round = 0; total.Min() < seconds; round++)
                for (int i = 0; i < tasks.Length; i++)
                {
                    var task = tasks[i];
                    int batch = 4 * task.Workers;
                    var values = new double[batch * task.SolutionDim];
                    Key.Of(3).FoldIn((uint)round).Uniform(values, task.SolutionLower, task.SolutionUpper);
                    var solutions = new SolutionBatch(batch, task.SolutionDim, values);
                    using var process = Process.GetCurrentProcess();
                    var cpuBefore = process.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    task.Evaluate(solutions);
                    double elapsed = clock.Elapsed.TotalSeconds;
                    process.Refresh();
                    double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                    total[i] += elapsed;
                    if (round > 0 && batch / elapsed > best[i].EpisodesPerSecond)
                        best[i] = (batch / elapsed, cpu / batch);
                }
                for (int i = 0; i < tasks.Length; i++)
                {
                    var task = tasks[i];
                    var (perSecond, cpuPerEpisode) = best[i];
                    double wallPerStep = 1000.0 * task.Workers / (perSecond * task.PhysicsSteps);
                    output.WriteLine(
                        $"  {name, -13} {task.Workers} worker{(task.Workers == 1 ? " " : "s")}: {perSecond, 7:F1} episodes/s  "
                            + $"{wallPerStep, 7:F4} ms wall per step per worker  {1000.0 * cpuPerEpisode / task.PhysicsSteps, 7:F4} ms processor per step"
                    );
                }
            }
            finally
            {
                foreach (var t in tasks)
                    t.Dispose();
            }
        }
    }
}
