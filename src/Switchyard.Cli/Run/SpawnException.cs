namespace Switchyard.Cli.Run;

/// <summary>A command could not be started (not found, not executable); <see cref="Errno"/> says why.</summary>
internal sealed class SpawnException(string command, int errno, string reason) : Exception($"{command}: {reason}")
{
    public int Errno { get; } = errno;
}
