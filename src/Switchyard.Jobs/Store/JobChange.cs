namespace Switchyard.Jobs.Store;

/// <summary>One entry of a store's change feed: a job at its latest state and the sequence of the write that put it there.</summary>
/// <param name="Sequence">The job's change sequence: strictly increasing across every write to the store, never reused.</param>
/// <param name="Job">The job as that write left it.</param>
public sealed record JobChange(long Sequence, Job Job);
