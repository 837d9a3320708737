namespace Switchyard.Bench;

/// <summary>
/// One benchmark suite (<c>yard bench NAME</c>). A suite measures Switchyard and, in the same run,
/// the baseline each figure is compared with, and returns one <see cref="Measurement"/> per figure.
/// </summary>
public interface IBenchSuite
{
    /// <summary>The name on the command line, lower case (io, cpu, queue, ...).</summary>
    string Name { get; }

    /// <summary>One line for <c>yard bench --help</c>.</summary>
    string Description { get; }

    /// <summary>Runs the suite; progress and notes (such as a missing peer) go to <see cref="BenchContext.Log"/>.</summary>
    Task<IReadOnlyList<Measurement>> RunAsync(BenchContext context, CancellationToken cancellationToken);
}
