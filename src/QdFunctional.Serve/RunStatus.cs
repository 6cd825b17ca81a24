namespace QdFunctional.Serve;

/// <summary>
/// Where a run stands, read from its directory alone: <c>running</c> while a live process holds
/// <c>run.lock</c> (the file stays on disk after a crash, so the lock is checked, not the file);
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

    /// <summary>
    /// True when a live process holds <c>run.lock</c> in <paramref name="dir"/>, null when there is no lock
    /// file. A run holds the file open with an exclusive lock (an advisory <c>flock</c>, which the system
    /// drops when the process ends, kill -9 included), so a file that cannot be opened for reading is held.
    /// A file that opens is held only if the process id it names is alive and is a <c>qd</c> process (a
    /// lock written without <c>flock</c>; the command line guards against a reused process id).
    /// </summary>
    public static bool? LockHeld(string dir)
    {
        var path = Path.Combine(dir, LockFile);
        string text;
        try
        {
            // A glance: the run waits a moment for a reader when it takes the lock.
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return true; // locked by its owner
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        if (!int.TryParse(text, out var pid) || pid <= 0)
            return false;
        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return command.Contains("qd", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // no such process
        }
    }
}
