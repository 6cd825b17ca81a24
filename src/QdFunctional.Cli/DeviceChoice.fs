/// `--device cpu|ilgpu-cpu|cuda`: where the differentiable engine's kernels and the device
/// MAP-Elites path run.
module QdFunctional.Cli.DeviceChoice

open QdFunctional.Diff
open QdFunctional.Gpu

/// The names `--device` accepts.
let names = [ "cpu"; "ilgpu-cpu"; "cuda" ]

/// The engine backend for a device name: cpu is the SIMD backend, ilgpu-cpu ILGPU's CPU
/// accelerator, cuda the first NVIDIA GPU (DeviceUnavailableException, one line, without one).
let backend (name: string) : IBackend =
    match name with
    | "cpu" -> Backends.Simd
    | "ilgpu-cpu" -> IlgpuBackend.Cpu
    | "cuda" -> IlgpuBackend.Open "cuda"
    | other ->
        let known = String.concat ", " names
        invalidArg "device" $"device must be one of {known}, got '{other}'."

/// Makes the device the process's engine backend (Engine.Backend), opening it first so that a
/// missing GPU is reported before any work starts.
let useForEngine (name: string) = Engine.Backend <- backend name
