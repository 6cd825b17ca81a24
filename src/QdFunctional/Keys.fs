namespace QdFunctional

open QdFunctional.Core.Random

/// Splittable PRNG keys, JAX style: every function that draws takes a key, and a key is
/// split (never reused) before each random step.
[<RequireQualifiedAccess>]
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
