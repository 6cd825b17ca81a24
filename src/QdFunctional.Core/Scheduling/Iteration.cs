namespace QdFunctional.Core.Scheduling;

using System.Buffers;
using QdFunctional.Core.Batches;
using QdFunctional.Core.Emitters;
using QdFunctional.Core.Tasks;

/// <summary>
/// What an iteration needs beyond the scheduler and the task: how Jacobians are had when the
/// task cannot give them (an estimator, or null for the task's own), and whether the archive is
/// told the objectives (false for novelty search, which searches by diversity alone).
/// </summary>
public sealed record IterationOptions(GradientEstimator? Estimator = null, bool TellObjectives = true);

/// <summary>
/// One iteration of every algorithm, as a pure function of the scheduler: the gradient stage
/// first when an emitter needs one (ask for points, evaluate them with Jacobians, tell), then
/// ask, evaluate through the task, tell; each step draws from its own purpose in
/// <see cref="IterationKeys"/>.
/// </summary>
public static class Iteration
{
    /// <summary>The scheduler after one iteration, and the evaluations it cost (probes included).</summary>
    public static (Scheduler Scheduler, long Evaluations) Step(
        Scheduler scheduler,
        ITask task,
        IterationKeys keys,
        IterationOptions options
    )
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        // A random task draws this iteration's noise from its own purpose; any other is itself.
        task = task.Seeded(keys.Evaluation);
        long evaluations = 0;
        var askKey = keys.Key;
        if (scheduler.NeedsGradients)
        {
            var (asked, points) = scheduler.AskGradients(keys.GradientPoints);
            var (jacobians, cost) = WithJacobians(task, points, keys.GradientProbes, options.Estimator);
            scheduler = asked.TellGradients(jacobians).Scheduler;
            evaluations += cost;
            askKey = keys.Branches;
        }

        // A population that climbs by gradients learns from its own points' Jacobians; estimated
        // ones draw their probes from a half of the key that no emitter sees.
        bool jacobianEmitters = false;
        foreach (var e in scheduler.Emitters)
            jacobianEmitters |= e is IJacobianEmitter;
        var probeKey = askKey;
        if (jacobianEmitters && options.Estimator is not null)
            (askKey, probeKey) = askKey.Split2();

        Scheduler next;
        SolutionBatch solutions;
        double[]? rented = null;
        if (jacobianEmitters)
            (next, solutions) = scheduler.Ask(askKey);
        else
            (next, solutions, rented) = scheduler.AskRented(askKey);
        Evaluation evaluation;
        if (jacobianEmitters)
        {
            (evaluation, long cost) = WithJacobians(task, solutions, probeKey, options.Estimator);
            evaluations += cost;
        }
        else
        {
            evaluation = task.Evaluate(solutions);
            evaluations += solutions.Count;
        }
        var told = next.Tell(options.TellObjectives ? evaluation : evaluation.WithoutObjectives()).Scheduler;
        // Told: the archive copied the rows it keeps and nothing else holds the batch. (Not handed back
        // when the evaluation or the tell throws: a task might still hold it then.)
        if (rented is not null)
            ArrayPool<double>.Shared.Return(rented);
        return (told, evaluations);
    }

    static (Evaluation Evaluation, long Cost) WithJacobians(
        ITask task,
        SolutionBatch points,
        Random.Key probes,
        GradientEstimator? estimator
    ) =>
        estimator is null
            ? (task.Evaluate(points, withJacobians: true), points.Count)
            : (estimator.Estimate(task, points, probes), (long)points.Count * estimator.EvaluationsPerPoint);
}
