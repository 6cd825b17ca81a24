namespace QdFunctional

open QdFunctional.Core.Batches
open QdFunctional.Core.Emitters

/// Emitters: immutable records with pure ask/tell, created here with pyribs' argument names.
[<RequireQualifiedAccess>]
module Emitter =
    /// MAP-Elites' Gaussian emitter starting from `x0` on an empty archive.
    let gaussian (sigma: float) (batchSize: int) (x0: float[]) : IEmitter =
        GaussianEmitter(x0.Length, sigma, batchSize, EmitterStart.FromPoint x0)

    /// The Iso+LineDD emitter starting from `x0` on an empty archive.
    let isoLine (isoSigma: float) (lineSigma: float) (batchSize: int) (x0: float[]) : IEmitter =
        IsoLineEmitter(x0.Length, isoSigma, lineSigma, batchSize, EmitterStart.FromPoint x0)

    /// The same emitter kind, but the first batch is exactly `solutions` (an initial population).
    let startingFrom (solutions: SolutionBatch) (emitter: IEmitter) : IEmitter =
        match emitter with
        | :? GaussianEmitter as g ->
            GaussianEmitter(g.SolutionDim, g.Sigma, g.BatchSize, EmitterStart.FromSolutions solutions, g.Bounds)
        | :? IsoLineEmitter as e ->
            IsoLineEmitter(
                e.SolutionDim,
                e.IsoSigma,
                e.LineSigma,
                e.BatchSize,
                EmitterStart.FromSolutions solutions,
                e.Bounds
            )
        | other -> invalidArg "emitter" $"startingFrom does not know emitters of type {other.GetType().Name}"
