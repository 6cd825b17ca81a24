namespace QdFunctional.Core.Emitters.Rankers;

/// <summary>
/// What a random direction ranking puts before the projection. The paper (Fontaine et al. 2020)
/// and pyribs disagree on the first stage, so each reading has its name.
/// </summary>
public enum DirectionStages
{
    /// <summary>Solutions added to the archive (new cell or improved) first, then the rest: the paper's random direction emitter; <c>--ranker rd</c>.</summary>
    AddedFirst = 0,

    /// <summary>New cells first, then improved, then the rest (three groups): pyribs' TwoStageRandomDirectionRanker, <c>2rd</c>.</summary>
    StatusFirst = 1,

    /// <summary>The projection alone: pyribs' RandomDirectionRanker, <c>1rd</c> (pyribs' <c>rd</c>).</summary>
    ProjectionOnly = 2,
}
