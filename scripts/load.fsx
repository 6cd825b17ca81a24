// Loads the built QdFunctional assemblies into `dotnet fsi`. Build first: ./qd --help (or ./test).
#r "../src/QdFunctional.Cli/bin/Release/net10.0/System.Numerics.Tensors.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/Parquet.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/ScottPlot.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/SkiaSharp.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.Numerics.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.Diff.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.Core.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.Physics.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/ILGPU.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/ILGPU.Algorithms.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.Gpu.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/QdFunctional.dll"
#r "../src/QdFunctional.Cli/bin/Release/net10.0/HarfBuzzSharp.dll"

// `dotnet fsi` does not probe runtimes/<rid>/native, so point SkiaSharp (plots) at its native library.
do
    let native = System.IO.Path.Combine(__SOURCE_DIRECTORY__, "..", "src", "QdFunctional.Cli", "bin", "Release", "net10.0", "runtimes", "linux-x64", "native")
    for assembly in [ typeof<SkiaSharp.SKColor>.Assembly; typeof<HarfBuzzSharp.Blob>.Assembly ] do
        System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(
            assembly,
            fun name _ _ ->
                let file = System.IO.Path.Combine(native, name + ".so")
                if System.IO.File.Exists file then System.Runtime.InteropServices.NativeLibrary.Load file else nativeint 0)
