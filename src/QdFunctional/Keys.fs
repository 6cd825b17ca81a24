namespace QdFunctional

/// A splittable PRNG key (Threefry-2x32-20); see the `Key` module.
type Key = QdFunctional.Core.Random.Key

/// Splittable PRNG keys, JAX style: every function that draws takes a key, and a key is
/// split (never reused) before each random step.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Key =
    /// The key of an integer seed (jax.random.PRNGKey).
    let ofSeed (seed: uint64) = Key.Of seed

    /// n independent keys.
    let split (n: int) (key: Key) = key.Split n

    /// Two independent keys.
    let split2 (key: Key) =
        let struct (a, b) = key.Split2()
        a, b

    /// A key that mixes in an index (an iteration, a row, an emitter).
    let foldIn (data: int) (key: Key) = key.FoldIn data

/// The run's key plan (Core's RunKeys), the one every `qd run` draws from: the seed's key splits
/// into a start half (initial population, CVT centroids, a climbing population's start) and a
/// loop half, of which iteration i (1-based) takes `FoldIn i`. A script that draws from these
/// keys makes the same archive as `qd run` with the same seed and settings.
[<RequireQualifiedAccess>]
module KeyPlan =
    /// The key plan of a root seed (`qd run --seed`).
    let ofSeed (seed: uint64) = RunKeys(seed)

    /// The key plan after a watchdog restart: every iteration's key is salted by the restart number.
    let restarted (seed: uint64) (restart: int) = RunKeys(seed, restart)

    /// The initial population's draws.
    let initialPopulation (keys: RunKeys) = keys.InitialPopulation

    /// The uniform samples k-means turns into CVT centroids.
    let centroids (keys: RunKeys) = keys.Centroids

    /// The starting points of a population that climbs by gradients (Adam).
    let populationStart (keys: RunKeys) = keys.PopulationStart

    /// The keys of iteration `i` (1-based; 0 is the initial population), for `Scheduler.step`.
    let iteration (i: int) (keys: RunKeys) = keys.Iteration i

    /// The key an iteration without a gradient stage hands to `Scheduler.ask`.
    let askKey (keys: IterationKeys) = keys.Key

    /// With a gradient stage: the key of `Scheduler.askGradients`.
    let gradientPoints (keys: IterationKeys) = keys.GradientPoints

    /// With a gradient stage: the key that estimates the gradient points' Jacobians (black-box tasks).
    let gradientProbes (keys: IterationKeys) = keys.GradientProbes

    /// With a gradient stage: the key of `Scheduler.ask` for the branches.
    let branches (keys: IterationKeys) = keys.Branches
