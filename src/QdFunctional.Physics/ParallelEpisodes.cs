namespace QdFunctional.Physics;

/// <summary>
/// Runs a batch of episodes over a fixed number of workers, each with its own
/// <see cref="Simulation"/> of one shared model. Rows are handed out one at a time (episodes
/// cost about the same, and a free worker takes the next); every episode starts from a reset,
/// so a row's result depends only on that row, never on the worker count or the order.
/// </summary>
public sealed class ParallelEpisodes : IDisposable
{
    readonly Simulation?[] simulations;

    /// <summary>Workers for <paramref name="model"/>; 0 means one per core.</summary>
    public ParallelEpisodes(PhysicsModel model, int workers = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        Model = model;
        Workers = workers == 0 ? Environment.ProcessorCount : workers;
        simulations = new Simulation?[Workers];
    }

    /// <summary>The shared model.</summary>
    public PhysicsModel Model { get; }

    /// <summary>Worker threads (and simulations).</summary>
    public int Workers { get; }

    /// <summary>Calls <paramref name="episode"/>(simulation, row) once per row in [0, count), the simulation freshly reset.</summary>
    public void Run(int count, Action<Simulation, int> episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        int next = -1;
        void Work(int worker)
        {
            var sim = simulations[worker] ??= Model.CreateSimulation();
            for (int row = Interlocked.Increment(ref next); row < count; row = Interlocked.Increment(ref next))
            {
                sim.Reset();
                episode(sim, row);
            }
        }
        int used = Math.Min(Workers, count);
        if (used <= 1)
        {
            if (count > 0)
                Work(0);
            return;
        }
        var threads = new Thread[used - 1];
        Exception? failure = null;
        for (int w = 1; w < used; w++)
        {
            int worker = w;
            threads[w - 1] = new Thread(() =>
            {
                try
                {
                    Work(worker);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    Interlocked.Exchange(ref next, count);
                }
            })
            {
                IsBackground = true,
                Name = $"physics worker {worker}",
            };
            threads[w - 1].Start();
        }
        try
        {
            Work(0);
        }
        finally
        {
            foreach (var t in threads)
                t.Join();
        }
        if (failure is not null)
            throw new AggregateException("A physics episode failed.", failure);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int i = 0; i < simulations.Length; i++)
        {
            simulations[i]?.Dispose();
            simulations[i] = null;
        }
    }
}
