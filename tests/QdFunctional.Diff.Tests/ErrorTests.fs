/// Bad input fails early with a message naming the operation and the shapes or the row.
module ErrorTests

open System
open Expecto
open QdFunctional.Diff
open Common

let private throwsWith<'e when 'e :> exn> (message: string) (f: unit -> unit) =
    let e = Expect.throwsC f id
    Expect.isTrue (e :? 'e) $"expected {typeof<'e>.Name}, got {e.GetType().Name}: {e.Message}"
    Expect.stringContains e.Message message "message"

let tests =
    overBackends "errors" (fun b ->
        [
            testOn b "adding 36×1000 and 36×999 names the operation and both shapes" (fun () ->
                throwsWith<ArgumentException> "add: shapes 36×1000 and 36×999 do not broadcast" (fun () ->
                    Tensor.Zeros(36, 1000) + Tensor.Zeros(36, 999) |> ignore))

            testOn b "shape errors inside a differentiated function propagate with the op name" (fun () ->
                throwsWith<ArgumentException> "multiply: shapes 4×6 and 4×5 do not broadcast" (fun () ->
                    Autodiff.ValueAndJacobian((fun x -> x * Tensor.Slice(x, 0, 5)), uniform 1 4 6 -1.0 1.0)
                    |> ignore))

            testOn b "matmul, concat, slice and where check shapes" (fun () ->
                throwsWith<ArgumentException> "matmul: shapes 3×4 and 5×2 do not align" (fun () ->
                    Tensor.MatMul(Tensor.Zeros(3, 4), Tensor.Zeros(5, 2)) |> ignore)

                throwsWith<ArgumentException> "concat: shapes 3×1 and 4×1 have different batch sizes" (fun () ->
                    Tensor.Concat(Tensor.Zeros(3, 1), Tensor.Zeros(4, 1)) |> ignore)

                throwsWith<ArgumentOutOfRangeException> "slice: columns [3, 6) are outside shape 2×5" (fun () ->
                    Tensor.Slice(Tensor.Zeros(2, 5), 3, 3) |> ignore)

                throwsWith<ArgumentException> "where: shapes 2×5 and 2×3 do not broadcast" (fun () ->
                    Tensor.Where(Tensor.Zeros(2, 5), Tensor.Zeros(2, 3), Tensor.Zeros(1, 5))
                    |> ignore)

                throwsWith<ArgumentException>
                    "where: branches 2×5 and 1×5 must broadcast to the mask's shape 1×5"
                    (fun () ->
                        Tensor.Where(Tensor.Zeros(1, 5), Tensor.Zeros(2, 5), Tensor.Zeros(1, 5))
                        |> ignore))

            testOn b "NaN in X names the operation, row and column" (fun () ->
                let data = Array.zeroCreate 100
                data.[3 * 20 + 17] <- nan
                let x = Tensor.FromArray(data, 5, 20)

                throwsWith<ArgumentException>
                    "valueAndJacobian: input X is NaN at row 3, column 17 (shape 5×20)"
                    (fun () -> Autodiff.ValueAndJacobian(Func<_, _> Tensor.Sum, x) |> ignore)

                throwsWith<ArgumentException> "evaluate: input X is NaN at row 3, column 17" (fun () ->
                    Autodiff.Evaluate(Func<_, _> Tensor.Sum, x) |> ignore))

            testOn b "a function must keep one row per solution" (fun () ->
                throwsWith<ArgumentException> "valueAndJacobian: f maps 4×3 to 1×3" (fun () ->
                    Autodiff.ValueAndJacobian((fun _ -> Tensor.Zeros(1, 3)), Tensor.Zeros(4, 3))
                    |> ignore))

            testOn b "grad of a function with several outputs says to use valueAndJacobian" (fun () ->
                throwsWith<ArgumentException> "grad: f must return batch × 1, got 2×3" (fun () ->
                    Autodiff.Grad((fun x -> x), Tensor.Zeros(2, 3)) |> ignore))

            testOn b "a tensor kept after its evaluation refuses to be read" (fun () ->
                let mutable kept = Unchecked.defaultof<Tensor>

                Autodiff.Evaluate(
                    (fun x ->
                        kept <- Tensor.Sin x
                        Tensor.Sum x),
                    Tensor.Zeros(2, 2)
                )
                |> ignore

                throwsWith<InvalidOperationException> "belongs to a finished evaluation" (fun () ->
                    kept.ToArray() |> ignore)

                throwsWith<InvalidOperationException>
                    "sin: this 2×2 tensor belongs to a finished evaluation"
                    (fun () -> Tensor.Sin kept |> ignore))

            testOn b "clamp with crossed bounds is refused" (fun () ->
                throwsWith<ArgumentException> "clamp: lower bound 2 is above upper bound 1" (fun () ->
                    Tensor.Clamp(Tensor.Zeros(1, 1), 2.0, 1.0) |> ignore))
        ])
