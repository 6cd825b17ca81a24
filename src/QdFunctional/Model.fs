namespace QdFunctional

open System
open QdFunctional.Diff
open QdFunctional.Diff.Models

/// A multilayer perceptron over the engine (its parameters one immutable vector).
type Mlp = QdFunctional.Diff.Models.Mlp

/// A dense layer's nonlinearity: `Activation.Relu`, `Tanh`, `Sigmoid`, `Identity`.
type Activation = QdFunctional.Diff.Models.Activation

/// A training loss: `Loss.MeanSquared` or `Loss.Logistic` (on logits).
type Loss = QdFunctional.Diff.Models.Loss

/// Small neural models trained with the engine, in DiffSharp's shape (`Model.mlp`, `Optim.adam`,
/// `Model.fit`) but as values: every call returns a new model and optimizer.
[<RequireQualifiedAccess>]
module Model =
    /// An MLP of widths sizes (input first, output last): hidden layers use `hidden`, the last layer
    /// `output`; weights drawn uniformly in ±1/√fan-in (PyTorch's default) from the key.
    let mlp (sizes: int list) (hidden: Activation) (output: Activation) (key: Key) =
        Mlp.Create(Mlp.Shape(ReadOnlySpan(List.toArray sizes), hidden, output), key.Hi, key.Lo)

    /// The model's outputs (batch × outputs) for a batch × inputs tensor, in one call.
    let predict (model: Mlp) (x: Tensor) = model.Predict x

    /// The mean loss of the model over row-major inputs and targets.
    let loss (lossKind: Loss) (inputs: float[]) (targets: float[]) (model: Mlp) =
        Training.Evaluate(model, lossKind, ReadOnlySpan inputs, ReadOnlySpan targets, inputs.Length / model.Inputs)

    /// Trains for `epochs` passes in shuffled minibatches of `batchSize` rows; returns the trained model,
    /// the optimizer after its last step, and each epoch's mean loss.
    let fit
        (lossKind: Loss)
        (batchSize: int)
        (epochs: int)
        (key: Key)
        (inputs: float[])
        (targets: float[])
        (optimizer: Adam)
        (model: Mlp)
        =
        let r =
            Training.Fit(
                model,
                optimizer,
                lossKind,
                ReadOnlySpan inputs,
                ReadOnlySpan targets,
                inputs.Length / model.Inputs,
                batchSize,
                epochs,
                key.Hi,
                key.Lo
            )

        r.Model, r.Optimizer, r.EpochLosses

/// Optimizers for `Model.fit`.
[<RequireQualifiedAccess>]
module Optim =
    /// Adam with step size lr and PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), sized for the model.
    let adam (lr: float) (model: Mlp) = Adam.Create(model.ParameterCount, lr)
