namespace QdFunctional.Cluster;

using System.Collections.Concurrent;
using System.Reflection;
using QdFunctional.Core.Tasks;

/// <summary>
/// The tasks a worker evaluates: built once per (name, configuration) and reused, found first
/// in the user's sources, then in <see cref="Physics.AllTasks"/>, the catalog <c>qd run</c>'s plan
/// asks too, so a worker computes exactly what a local run computes.
/// </summary>
public sealed class WorkerTasks(IReadOnlyList<ITaskSource> sources)
{
    readonly ConcurrentDictionary<(string, TaskSpec), ITask> built = new();

    /// <summary>Only the built-in tasks.</summary>
    public WorkerTasks()
        : this([]) { }

    /// <summary>The task sources in the assemblies at <paramref name="paths"/>.</summary>
    public static WorkerTasks FromAssemblies(IEnumerable<string> paths)
    {
        var sources = new List<ITaskSource>();
        foreach (var path in paths)
        {
            var assembly = Assembly.LoadFrom(Path.GetFullPath(path));
            foreach (var type in assembly.GetExportedTypes())
                if (typeof(ITaskSource).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null)
                    sources.Add((ITaskSource)Activator.CreateInstance(type)!);
        }
        return new WorkerTasks(sources);
    }

    /// <summary>The task, or an <see cref="ArgumentException"/> whose one-line message says why not.</summary>
    public ITask Get(string name, TaskSpec spec) => built.GetOrAdd((name, spec), key => Create(key.Item1, key.Item2));

    ITask Create(string name, TaskSpec spec)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
            throw new ArgumentException("the task name is empty or malformed.", nameof(name));
        foreach (var source in sources)
            if (source.TryCreate(name, spec) is { } task)
                return task;
        return Physics.AllTasks.Create(name, spec.Dim, spec.Gradients == "engine" ? Diff.Dtypes.Parse(spec.Dtype) : null);
    }
}
