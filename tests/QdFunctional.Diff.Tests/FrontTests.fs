/// The F# front reads like DiffSharp and gives the same numbers as the engine.
module FrontTests

open Expecto
open QdFunctional
open Common

// The exact line from the issue: it must compile against the F# front.
let sphere (x: Tensor) = Tensor.sum ((x - 2.0) ** 2.0)

let tests =
    overBackends "F# front" (fun b ->
        [
            testOn b "grad of the sphere is 2(x - 2) per solution" (fun () ->
                let x = Tensor.ofArray2D (array2D [ [ 1.0; 2.0; 3.5 ]; [ -1.0; 0.0; 4.0 ] ])
                let g = AD.grad sphere x
                Expect.equal (Tensor.toArray2D g) (array2D [ [ -2.0; 0.0; 3.0 ]; [ -6.0; -4.0; 4.0 ] ]) "gradient"
                let v, _ = AD.valueAndGrad sphere x
                Expect.equal (Tensor.toArray v) [| 3.25; 17.0 |] "values")

            testOn b "a task with an objective and two measures as one function" (fun () ->
                let task (x: Tensor) =
                    let objective = -(Tensor.sum (Tensor.square x))
                    let m1 = Tensor.sum (Tensor.clamp -1.0 1.0 (Tensor.slice 0 2 x))
                    let m2 = Tensor.mean (Tensor.sin (Tensor.cumsum x))
                    Tensor.concat [ objective; m1; m2 ]

                let x = Tensor.ofRows [ [| 0.5; -2.0; 1.0 |]; [| 0.1; 0.2; 0.3 |] ]
                let j = AD.jacobian task x
                Expect.equal (Array3D.length1 j, Array3D.length2 j, Array3D.length3 j) (2, 3, 3) "batch × (1 + k) × n"
                Expect.equal j.[0, 0, 1] 4.0 "-2x"
                Expect.equal j.[0, 1, 1] 0.0 "clamped away"
                Expect.equal j.[0, 1, 2] 0.0 "not in the slice"
                checkJacobian 2e-6 task x)

            testOn
                b
                "float32 from the front: creation with a dtype, casts, and the same gradient in single precision"
                (fun () ->
                    let x =
                        Tensor.FromArray([| 1.0; 2.0; 3.5; -1.0; 0.0; 4.0 |], 2, 3, dtype = Dtype.Float32)

                    Expect.equal (Tensor.dtype x) Dtype.Float32 "dtype argument"
                    let g = AD.grad sphere x
                    Expect.equal (Tensor.dtype g) Dtype.Float32 "gradient dtype"
                    Expect.equal (Tensor.toArray32 g) [| -2.0f; 0.0f; 3.0f; -6.0f; -4.0f; 4.0f |] "gradient"
                    let y = Tensor.ofArray32 1 2 [| 0.5f; 1.5f |]

                    Expect.equal
                        (y |> Tensor.float64 |> Tensor.float32 |> Tensor.toArray32)
                        [| 0.5f; 1.5f |]
                        "round trip"

                    Expect.equal (Tensor.cast Dtype.Float64 y |> Tensor.dtype) Dtype.Float64 "cast"

                    (use _ = QdFunctional.Diff.Engine.UseDtype Dtype.Float32
                     Expect.equal (Tensor.zeros 1 1 |> Tensor.dtype) Dtype.Float32 "default dtype scope"))

            testOn b "operators mix tensors and floats on both sides, and ** takes a tensor exponent" (fun () ->
                let x = Tensor.ofRows [ [| 1.0; 2.0 |] ]
                let y = (2.0 * x + 1.0) / 2.0 - x * x ** 2.0 + x ** Tensor.scalar 0.5 - 1.0 / x
                expectClose 1e-15 "values" [| 1.5 - 1.0 + 1.0 - 1.0; 2.5 - 8.0 + sqrt 2.0 - 0.5 |] (Tensor.toArray y))
        ])
