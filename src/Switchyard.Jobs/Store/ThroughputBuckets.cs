namespace Switchyard.Jobs.Store;

/// <summary>
/// The buckets of <see cref="IJobStore.ThroughputAsync"/>: checks the arguments, takes the counts a store grouped by bucket
/// index (whole buckets since <c>since</c>), and fills the empty buckets up to the one holding now.
/// </summary>
internal sealed class ThroughputBuckets
{
    /// <summary>The most buckets one call returns.</summary>
    public const int Max = 10_000;

    private readonly DateTimeOffset _since;
    private readonly TimeSpan _bucket;
    private readonly long _count;
    private readonly Dictionary<long, (long Succeeded, long Failed, long Cancelled)> _counts = [];

    public ThroughputBuckets(DateTimeOffset since, TimeSpan bucket, DateTimeOffset now)
    {
        if (bucket < TimeSpan.FromMilliseconds(1))
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "bucket must be at least 1 ms.");
        _count = since > now ? 0 : (now - since).Ticks / bucket.Ticks + 1;
        if (_count > Max)
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket,
                $"bucket is too short for since: {_count:N0} buckets from {since:O} to now; at most {Max:N0}.");
        _since = since;
        _bucket = bucket;
    }

    /// <summary>The bucket length in whole microseconds, the unit stores compute the bucket index in.</summary>
    public long WidthMicros => _bucket.Ticks / 10;

    public void Add(long index, long succeeded, long failed, long cancelled) => _counts[index] = (succeeded, failed, cancelled);

    public List<ThroughputBucket> ToList()
    {
        // A job finished "after now" (another machine's clock runs ahead) still gets its bucket.
        var last = Math.Max(_count - 1, _counts.Count == 0 ? -1 : _counts.Keys.Max());
        var buckets = new List<ThroughputBucket>((int)Math.Min(last + 1, Max + 1));
        for (long i = 0; i <= last; i++)
        {
            var (succeeded, failed, cancelled) = _counts.GetValueOrDefault(i);
            buckets.Add(new ThroughputBucket(_since + _bucket * i, succeeded, failed, cancelled));
        }
        return buckets;
    }
}
