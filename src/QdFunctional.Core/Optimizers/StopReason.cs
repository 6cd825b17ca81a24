namespace QdFunctional.Core.Optimizers;

/// <summary>
/// Why an evolution strategy should be restarted (pyribs' <c>check_stop</c>, whose tolerances
/// come from pycma). Emitters such as CMA-ME restart their strategy when this is not <see cref="None"/>.
/// </summary>
public enum StopReason
{
    /// <summary>Keep going.</summary>
    None = 0,

    /// <summary>The covariance's condition number exceeds 1e14: further adaptation is numerically meaningless.</summary>
    ConditionNumber,

    /// <summary>σ √(largest eigenvalue of C) is below 1e-11: the search distribution has collapsed.</summary>
    TooSmall,

    /// <summary>The best and worst ranking values differ by less than 1e-12: the landscape looks flat.</summary>
    FlatFitness,
}
