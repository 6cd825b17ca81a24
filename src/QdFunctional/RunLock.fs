namespace QdFunctional

open System
open System.IO
open System.Threading

/// One process at a time in a run directory: `run.lock`, held open with an exclusive lock (an
/// advisory `flock` on Linux) and holding the owner's process id. The operating system drops the
/// lock when the process ends in any way, kill -9 included; a lock file left behind by a dead
/// process is simply taken over.
type RunLock private (stream: FileStream) =
    /// The lock file's name in a run directory.
    static member FileName = "run.lock"

    /// Takes the lock of `dir` (created if needed), waiting up to a second for a reader that is
    /// only looking (a dashboard); IOException naming the directory if another process holds it.
    static member Acquire(dir: string) =
        Directory.CreateDirectory dir |> ignore
        let path = Path.Combine(dir, RunLock.FileName)

        let rec attempt tries =
            try
                new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
            with :? IOException when tries > 0 ->
                Thread.Sleep 100
                attempt (tries - 1)

        let stream =
            try
                attempt 10
            with :? IOException ->
                raise (
                    IOException(
                        $"{dir} is in use by another qd process: wait for it to finish (or stop it), or choose another directory."
                    )
                )

        stream.SetLength 0L
        let pid = Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n")
        stream.Write(pid, 0, pid.Length)
        stream.Flush true
        new RunLock(stream)

    /// True when a live process holds `dir`'s lock (the lock file cannot be opened beside it).
    static member IsHeld(dir: string) =
        let path = Path.Combine(dir, RunLock.FileName)

        File.Exists path
        && (try
                use _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
                false
            with :? IOException ->
                true)

    interface IDisposable with
        member _.Dispose() = stream.Dispose()
