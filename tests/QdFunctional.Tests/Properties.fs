/// Shared test helpers: FsCheck properties as Expecto tests, and small batch builders.
module Properties

open Expecto
open FsCheck
open FsCheck.FSharp
open QdFunctional.Core.Batches
open QdFunctional.Core.Random

/// Runs an FsCheck property as an Expecto test; a counterexample fails the test.
let property name (maxTest: int) (prop: 'a) =
    testCase name (fun () -> Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true), prop))

/// n × d standard normals (times `scale`) from a seed.
let normals (seed: uint64) n d scale =
    let values: float[] = Array.zeroCreate (n * d)
    (Key.Of seed).Normal(System.Span<float> values, 0.0, scale)
    SolutionBatch(n, d, values)

/// A single-objective evaluation from plain arrays.
let evaluation (objectives: float[]) (measures: float[]) =
    Evaluation(objectives.Length, 1, measures.Length / max 1 objectives.Length, objectives, measures)

/// A batch of n solutions of dimension d whose first value is the row index (to tell rows apart).
let indexed n d =
    SolutionBatch(n, d, Array.init (n * d) (fun i -> if i % d = 0 then float (i / d) else 0.0))

/// Expects `f` to throw an exception of type 'e whose message contains every fragment.
let throwsWith<'e when 'e :> exn> (fragments: string list) (f: unit -> unit) =
    let e = Expect.throwsC f id
    Expect.isTrue (e :? 'e) $"expected {typeof<'e>.Name}, got {e.GetType().Name}: {e.Message}"

    for fragment in fragments do
        Expect.stringContains e.Message fragment $"message names '{fragment}'"

/// The normalized QD score of a short run of `algorithm` on LP-sphere with its presets.
let shortRunScore algorithm dim iterations =
    let config =
        { QdFunctional.RunConfig.preset
              "lp-sphere"
              algorithm
              { QdFunctional.RunConfig.defaults with
                  Dim = dim
              } with
            Algorithm = algorithm
            Iterations = iterations
        }

    let task = QdFunctional.Run.task (QdFunctional.RunPlan.parse config)

    let final =
        QdFunctional.Run.init (QdFunctional.RunPlan.parse config) task
        |> QdFunctional.Run.fold (QdFunctional.RunPlan.parse config) task ignore

    final.Archive.Stats.NormQdScore
