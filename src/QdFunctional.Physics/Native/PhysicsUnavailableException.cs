namespace QdFunctional.Physics.Native;

/// <summary>
/// MuJoCo cannot be used: the shared library is missing, or it is not the pinned version. The
/// message is one line that says what to install, so a command can print it as it is.
/// </summary>
public sealed class PhysicsUnavailableException(string message) : InvalidOperationException(message);
