/// The model module: parameter gradients against central differences, a hand-computed prediction, Adam's
/// first step by hand, training that lowers the loss, and bit-for-bit determinism, over every backend.
module ModelTests

open System
open Expecto
open QdFunctional.Diff
open QdFunctional.Diff.Models
open Common

/// Row-major uniform values in [lo, hi) from a fixed seed.
let private values (seed: int) (n: int) (lo: float) (hi: float) =
    let rng = Random(seed)
    Array.init n (fun _ -> lo + (hi - lo) * rng.NextDouble())

let private model (sizes: int list) hidden output (k0: uint32) =
    Mlp.Create(Mlp.Shape(ReadOnlySpan(List.toArray sizes), hidden, output), k0, 7u)

/// Central differences of the mean loss in every parameter.
let private finiteGradient (m: Mlp) loss (x: float[]) (y: float[]) rows =
    let p = m.Parameters.ToArray()

    Array.init p.Length (fun k ->
        let at (d: float) =
            let q = Array.copy p
            q.[k] <- q.[k] + d
            Training.Evaluate(Mlp.FromParameters(m.Layers, ReadOnlySpan q), loss, ReadOnlySpan x, ReadOnlySpan y, rows)

        (at 1e-6 - at -1e-6) / 2e-6)

/// The hand-set 2 → 2 → 1 network of the prediction test: W₁ = [[1, −1], [0.5, 2]], b₁ = [0.5, −1],
/// W₂ = [[2], [−1]], b₂ = [0.25].
let private handNet hidden =
    Mlp.FromParameters(
        Mlp.Shape(ReadOnlySpan [| 2; 2; 1 |], hidden, Activation.Identity),
        ReadOnlySpan [| 1.0; -1.0; 0.5; 2.0; 0.5; -1.0; 2.0; -1.0; 0.25 |]
    )

let private bits (a: float[]) =
    a |> Array.map BitConverter.DoubleToInt64Bits

/// A smooth regression target over [−2, 2]²: y = sin x₀ + x₁² / 4.
let private regression rows =
    let x = values 11 (2 * rows) -2.0 2.0
    x, Array.init rows (fun i -> sin x.[2 * i] + x.[2 * i + 1] * x.[2 * i + 1] / 4.0)

let tests =
    overBackends "models" (fun b ->
        [
            for act in [ Activation.Relu; Activation.Tanh; Activation.Sigmoid ] do
                for loss in [ Loss.MeanSquared; Loss.Logistic ] do
                    testOn
                        b
                        $"gradient of the mean {loss} loss through {act} layers matches central differences"
                        (fun () ->
                            let m = model [ 3; 5; 4; 2 ] act Activation.Identity 3u
                            let rows = 9
                            let x = values 1 (rows * 3) -1.5 1.5

                            let y =
                                if loss = Loss.Logistic then
                                    values 2 (rows * 2) 0.0 1.0
                                else
                                    values 2 (rows * 2) -1.0 1.0

                            let struct (value, g) =
                                Workspace()
                                    .LossAndGradient(
                                        m,
                                        loss,
                                        Tensor.FromArray(x, rows, 3),
                                        Tensor.FromArray(y, rows, 2)
                                    )

                            Expect.floatClose
                                Accuracy.veryHigh
                                value
                                (Training.Evaluate(m, loss, ReadOnlySpan x, ReadOnlySpan y, rows))
                                "the loss equals the loss of a plain prediction"

                            expectClose 1e-6 "parameter gradient" (finiteGradient m loss x y rows) g)

            testOn b "a prediction matches the hand-computed forward pass, for a batch in one call" (fun () ->
                // Row 1: x·W₁ + b₁ = [2.5, 2] → relu → 2·2.5 − 2 + 0.25 = 3.25.
                // Row 2: [−3, 3] + b₁ = [−2.5, 2] → relu [0, 2] → −2 + 0.25 = −1.75.
                let x = Tensor.FromArray([| 1.0; 2.0; -3.0; 0.0 |], 2, 2)
                let y = (handNet Activation.Relu).Predict x
                Expect.equal (y.Rows, y.Cols) (2, 1) "one output per row"
                Expect.equal (y.ToArray()) [| 3.25; -1.75 |] "relu network, exact"
                let t = (handNet Activation.Tanh).Predict(x).ToArray()

                expectClose
                    1e-15
                    "tanh network"
                    [| 2.0 * tanh 2.5 - tanh 2.0 + 0.25; 2.0 * tanh -2.5 - tanh 2.0 + 0.25 |]
                    t)

            testOn b "the logistic loss of a hand case: softplus(z) − y·z, finite for large logits" (fun () ->
                let z = Tensor.FromArray([| 0.5; -800.0; 800.0 |], 3, 1)
                let y = Tensor.FromArray([| 1.0; 0.0; 0.0 |], 3, 1)
                let l = Losses.PerRow(Loss.Logistic, z, y).ToArray()
                expectClose 1e-15 "softplus" [| log (1.0 + exp 0.5) - 0.5; 0.0; 800.0 |] l)

            testOn b "training lowers the loss of a fitted toy regression tenfold" (fun () ->
                let rows = 256
                let x, y = regression rows
                let m = model [ 2; 16; 1 ] Activation.Tanh Activation.Identity 5u

                let before =
                    Training.Evaluate(m, Loss.MeanSquared, ReadOnlySpan x, ReadOnlySpan y, rows)

                let opt = Adam.Create(m.ParameterCount, 0.01)

                let r =
                    Training.Fit(m, opt, Loss.MeanSquared, ReadOnlySpan x, ReadOnlySpan y, rows, 32, 60, 1u, 2u)

                let after =
                    Training.Evaluate(r.Model, Loss.MeanSquared, ReadOnlySpan x, ReadOnlySpan y, rows)

                Expect.isLessThan after (before / 10.0) $"loss {before} → {after}"
                Expect.isLessThan r.EpochLosses.[59] r.EpochLosses.[0] "the last epoch's loss is below the first's"
                Expect.equal r.Optimizer.Steps (60 * 8) "one step per minibatch")

            testOn b "training a classifier with the logistic loss separates x₀ > x₁" (fun () ->
                let rows = 200
                let x = values 21 (2 * rows) -1.0 1.0
                let y = Array.init rows (fun i -> if x.[2 * i] > x.[2 * i + 1] then 1.0 else 0.0)
                let m = model [ 2; 8; 1 ] Activation.Relu Activation.Identity 9u

                let r =
                    Training.Fit(
                        m,
                        Adam.Create(m.ParameterCount, 0.05),
                        Loss.Logistic,
                        ReadOnlySpan x,
                        ReadOnlySpan y,
                        rows,
                        50,
                        80,
                        3u,
                        4u
                    )

                let p = r.Model.Predict(x, rows)

                let correct =
                    Seq.init rows (fun i -> (p.[i] > 0.0) = (y.[i] = 1.0))
                    |> Seq.filter id
                    |> Seq.length

                Expect.isGreaterThanOrEqual correct 190 $"{correct} of {rows} rows classified correctly")

            testOn b "a fixed key gives the same model bit for bit; another key another one" (fun () ->
                let rows = 100
                let x, y = regression rows

                let fit k0 =
                    let m = model [ 2; 8; 1 ] Activation.Tanh Activation.Identity 5u

                    Training.Fit(
                        m,
                        Adam.Create(m.ParameterCount, 0.01),
                        Loss.MeanSquared,
                        ReadOnlySpan x,
                        ReadOnlySpan y,
                        rows,
                        16,
                        5,
                        k0,
                        2u
                    )

                let a, b', c = fit 1u, fit 1u, fit 2u

                Expect.sequenceEqual
                    (bits (b'.Model.Parameters.ToArray()))
                    (bits (a.Model.Parameters.ToArray()))
                    "same key"

                Expect.sequenceEqual
                    (bits (b'.Optimizer.SecondMoment.ToArray()))
                    (bits (a.Optimizer.SecondMoment.ToArray()))
                    "same moments"

                Expect.notEqual
                    (c.Model.Parameters.ToArray())
                    (a.Model.Parameters.ToArray())
                    "another shuffle, another model")
        ])

/// Backend-independent facts: initialization, Adam by hand, the backends agreeing, and the errors.
let properties =
    testList
        "model properties"
        [
            testCase "initialization is a pure function of the key, within PyTorch's ±1/√fan-in" (fun () ->
                let a = model [ 4; 25; 1 ] Activation.Relu Activation.Identity 1u
                let b = model [ 4; 25; 1 ] Activation.Relu Activation.Identity 1u
                let c = model [ 4; 25; 1 ] Activation.Relu Activation.Identity 2u
                Expect.sequenceEqual (bits (b.Parameters.ToArray())) (bits (a.Parameters.ToArray())) "same key"
                Expect.notEqual (c.Parameters.ToArray()) (a.Parameters.ToArray()) "another key"
                let p = a.Parameters.ToArray()
                Expect.equal p.Length (4 * 25 + 25 + 25 + 1) "W₁, b₁, W₂, b₂"
                Expect.all p.[..124] (fun v -> abs v <= 0.5) "first layer within 1/√4"
                Expect.all p.[125..] (fun v -> abs v <= 0.2) "second layer within 1/√25"
                Expect.isGreaterThan (Array.max p.[..124]) 0.4 "the bound is used, not a smaller one")

            testCase "Adam's first two steps by hand (PyTorch's bias corrections)" (fun () ->
                let opt = Adam.Create(2, 0.1)

                let struct (o1, p1) =
                    opt.Step(ReadOnlySpan [| 1.0; -1.0 |], ReadOnlySpan [| 2.0; 0.0 |])
                // m̂ = g and v̂ = g² after one step: θ − η·g/(|g| + ε).
                expectClose 1e-15 "step 1" [| 1.0 - 0.1 * 2.0 / (2.0 + 1e-8); -1.0 |] p1
                let struct (o2, p2) = o1.Step(ReadOnlySpan p1, ReadOnlySpan [| -1.0; 0.0 |])
                let m = 0.9 * 0.2 + 0.1 * -1.0
                let v = 0.999 * 0.004 + 0.001 * 1.0
                let mh, vh = m / (1.0 - 0.81), v / (1.0 - 0.999 * 0.999)
                expectClose 1e-14 "step 2" [| p1.[0] - 0.1 * mh / (sqrt vh + 1e-8); -1.0 |] p2
                Expect.equal o2.Steps 2 "steps counted"
                Expect.equal opt.Steps 0 "the first optimizer is unchanged (a value)")

            testCase "every backend gives the same predictions and gradients as the reference" (fun () ->
                let m = model [ 3; 7; 2 ] Activation.Tanh Activation.Identity 4u
                let x = values 5 (11 * 3) -1.0 1.0
                let y = values 6 (11 * 2) -1.0 1.0

                let run (backend: IBackend) =
                    use _ = Engine.Use backend
                    let p = m.Predict(x, 11)

                    let struct (_, g) =
                        Workspace()
                            .LossAndGradient(
                                m,
                                Loss.MeanSquared,
                                Tensor.FromArray(x, 11, 3),
                                Tensor.FromArray(y, 11, 2)
                            )

                    p, g

                let p0, g0 = run Backends.Scalar

                for b in backends do
                    let p, g = run b
                    expectClose 1e-13 $"{b.Name} predictions" p0 p
                    expectClose 1e-13 $"{b.Name} gradient" g0 g)

            testCase "the F# front trains the same model as the C# calls, bit for bit" (fun () ->
                let rows = 64
                let x, y = regression rows
                let key = QdFunctional.Key.ofSeed 3UL

                let m, o, losses =
                    QdFunctional.Model.mlp [ 2; 8; 1 ] Activation.Tanh Activation.Identity key
                    |> fun m ->
                        m
                        |> QdFunctional.Model.fit Loss.MeanSquared 16 4 key x y (QdFunctional.Optim.adam 0.01 m)

                let m0 =
                    Mlp.Create(
                        Mlp.Shape(ReadOnlySpan [| 2; 8; 1 |], Activation.Tanh, Activation.Identity),
                        key.Hi,
                        key.Lo
                    )

                let r =
                    Training.Fit(
                        m0,
                        Adam.Create(m0.ParameterCount, 0.01),
                        Loss.MeanSquared,
                        ReadOnlySpan x,
                        ReadOnlySpan y,
                        rows,
                        16,
                        4,
                        key.Hi,
                        key.Lo
                    )

                Expect.sequenceEqual (bits (m.Parameters.ToArray())) (bits (r.Model.Parameters.ToArray())) "parameters"
                Expect.equal o.Steps 16 "4 epochs of 4 minibatches"
                Expect.equal losses r.EpochLosses "epoch losses"

                Expect.floatClose
                    Accuracy.veryHigh
                    (QdFunctional.Model.loss Loss.MeanSquared x y m)
                    (Training.Evaluate(r.Model, Loss.MeanSquared, ReadOnlySpan x, ReadOnlySpan y, rows))
                    "Model.loss")

            testCase "bad shapes and values are refused with messages that name them" (fun () ->
                let m = model [ 3; 4; 1 ] Activation.Relu Activation.Identity 1u

                Expect.throwsC (fun () -> m.Predict(Tensor.Zeros(2, 4)) |> ignore) (fun e ->
                    Expect.stringContains e.Message "2×4 have 4 columns, the model takes 3" "predict width")

                Expect.throwsC
                    (fun () ->
                        Workspace().LossAndGradient(m, Loss.MeanSquared, Tensor.Zeros(2, 3), Tensor.Zeros(3, 1))
                        |> ignore)
                    (fun e -> Expect.stringContains e.Message "targets 3×1" "targets")

                Expect.throwsC (fun () -> Mlp.FromParameters(m.Layers, ReadOnlySpan [| 1.0 |]) |> ignore) (fun e ->
                    Expect.stringContains e.Message "1 parameter values given, the layers need 21" "count")

                Expect.throwsC
                    (fun () ->
                        Mlp.Shape(ReadOnlySpan [| 3; 0; 1 |], Activation.Relu, Activation.Identity)
                        |> ignore)
                    (fun e -> Expect.stringContains e.Message "size 1 is 0" "width")

                Expect.throwsC
                    (fun () ->
                        Workspace().LossAndGradient(m, Loss.MeanSquared, Tensor.Full(1, 3, nan), Tensor.Zeros(1, 1))
                        |> ignore)
                    (fun e -> Expect.stringContains e.Message "NaN at row 0, column 0" "NaN input")

                Expect.throwsC
                    (fun () ->
                        Adam.Create(3, 0.1).Step(ReadOnlySpan [| 1.0 |], ReadOnlySpan [| 1.0 |])
                        |> ignore)
                    (fun e -> Expect.stringContains e.Message "made for 3 parameters" "adam length"))
        ]
