namespace QdFunctional.Cluster;

using Orleans.Placement;
using Orleans.Runtime.Placement;

/// <summary>
/// Places a grain on the silo its string key names (a <c>SiloAddress</c> in parsable form). The
/// client decides which worker evaluates which chunk; a key naming a silo that is gone fails at
/// once instead of moving the work somewhere the client does not know about.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("QdFunctional.Cluster.SiloTargetedPlacement")]
public sealed class SiloTargetedPlacement : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="SiloTargetedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute : PlacementAttribute
{
    /// <summary>The attribute.</summary>
    public SiloTargetedPlacementAttribute()
        : base(new SiloTargetedPlacement()) { }
}

/// <summary>The director behind <see cref="SiloTargetedPlacement"/>.</summary>
public sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        foreach (var silo in context.GetCompatibleSilos(target))
            if (silo.ToParsableString() == key)
                return Task.FromResult(silo);
        throw new SiloUnavailableException($"worker {key} is not in the cluster (any more).");
    }
}
