namespace QdFunctional.Serve;

/// <summary>
/// Where a run stands, read from its directory alone: <c>running</c> while <c>run.lock</c> names a live
/// process (the lock stays on disk after a crash, so the process is checked, not the file);
/// <c>finished</c> when its metrics reach the configured iterations; <c>stopped</c> otherwise (it can be
/// resumed); <c>failed</c> when its files cannot be read.
/// </summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Finished = "finished";
    public const string Failed = "failed";

    /// <summary>The lock file a run holds while it goes; its text is the owner's process id.</summary>
    public const string LockFile = "run.lock";

    /// <summary>
    /// A run written before run locks existed has none: it counts as running while its live metrics log
    /// was appended within this many seconds (it is appended four times a second).
    /// </summary>
    public const double LiveLogFreshSeconds = 5;

    /// <summary>True when <c>run.lock</c> in <paramref name="dir"/> names a process that is alive; null when there is no lock file.</summary>
    public static bool? LockHeld(string dir)
    {
        var path = Path.Combine(dir, LockFile);
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return false;
        }
        return int.TryParse(text, out var pid) && pid > 0 && Directory.Exists($"/proc/{pid}");
    }
}
