namespace QdFunctional.Core.Emitters;

/// <summary>
/// An emitter that learns from the gradients of its own solutions: its batch must be evaluated
/// with Jacobians (exact, or estimated for a black-box task) before <see cref="IEmitter.Tell"/>.
/// Gradient descent on a population is one; it needs no separate gradient stage, so each point
/// costs one evaluation per iteration.
/// </summary>
public interface IJacobianEmitter : IEmitter { }
