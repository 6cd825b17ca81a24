namespace QdFunctional

open QdFunctional.Gpu

/// Registers the device loops with the front, so plans with `Device = "cuda"` or `"ilgpu-cpu"`
/// run their whole MAP-Elites, OG-MAP-Elites and OMG-MEGA iterations there (`qd run --device`).
[<RequireQualifiedAccess>]
module Devices =
    /// The extension: the tasks the device kernels know, and a DeviceRun per plan.
    let extension =
        {
            Name = "QdFunctional.Devices"
            Tasks = None
            Device =
                Some
                    {
                        Tasks = List.ofSeq DeviceMapElites.Tasks
                        Start = fun plan state -> new DeviceRun(plan, state)
                    }
            Log = None
        }

    /// Makes the device loops known to this process (once is enough; again changes nothing).
    let register () = Extensions.register extension
