namespace Switchyard.Jobs.Store;

/// <summary>How many jobs finished, by outcome, in one time bucket (see <see cref="IJobStore.ThroughputAsync"/>).</summary>
/// <param name="Start">The bucket's start; it lasts the bucket length asked for.</param>
/// <param name="Succeeded">Jobs that finished succeeded in the bucket.</param>
/// <param name="Failed">Jobs that finished dead in the bucket.</param>
/// <param name="Cancelled">Jobs that finished cancelled in the bucket.</param>
public sealed record ThroughputBucket(DateTimeOffset Start, long Succeeded, long Failed, long Cancelled);
