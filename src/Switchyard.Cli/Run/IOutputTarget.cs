namespace Switchyard.Cli.Run;

/// <summary>Where <see cref="SpawnedProcess.ReadToEnd"/> reads one pipe into: straight into the target's own buffer.</summary>
internal interface IOutputTarget
{
    /// <summary>The free space to read into next; never empty.</summary>
    Span<byte> FreeSpace();

    /// <summary>The last read put <paramref name="count"/> bytes at the start of <see cref="FreeSpace"/>.</summary>
    void Commit(int count);

    /// <summary>The pipe ended.</summary>
    void Complete();
}
