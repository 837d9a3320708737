namespace Switchyard.Bench;

/// <summary>What a suite gets from the runner.</summary>
public sealed class BenchContext
{
    /// <summary>Where progress lines and notes go (for example "python3 not found: asyncio peer skipped").</summary>
    public required TextWriter Log { get; init; }

    /// <summary>Smaller workloads, for smoke tests of the runner; figures from a quick run are not recorded. Default: false.</summary>
    public bool Quick { get; init; }

    /// <summary>The folder holding the peer scripts (bench/peers). Default: the <c>peers</c> folder beside the bench assembly.</summary>
    public string PeersDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "peers");

    /// <summary>Writes a note to the log.</summary>
    public void Note(string message) => Log.WriteLine(message);
}
