namespace Switchyard;

/// <summary>
/// An item blocked the thread of an Io or Loop lane for longer than <see cref="LaneOptions.StallThreshold"/>:
/// the classic mistake of a blocking call (<c>Thread.Sleep</c>, <c>.Result</c>, synchronous I/O) inside async code.
/// </summary>
public sealed class LaneStallEventArgs : EventArgs
{
    internal LaneStallEventArgs(string lane, string work, TimeSpan blocked)
    {
        Lane = lane;
        Work = work;
        Blocked = blocked;
    }

    /// <summary>The lane's name.</summary>
    public string Lane { get; }

    /// <summary>What blocked: the delegate or async method, as "Type.Method".</summary>
    public string Work { get; }

    /// <summary>How long the thread was held.</summary>
    public TimeSpan Blocked { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"Lane '{Lane}': {Work} blocked its thread for {Blocked.TotalMilliseconds:0} ms. Await instead of blocking, or run it on the Cpu lane.";
}
