namespace Switchyard.Samples.Crawler;

/// <summary>The shape of the generated site the sample serves.</summary>
public sealed class SiteOptions
{
    /// <summary>How many pages the site has (<c>/page/0</c> … <c>/page/N-1</c>). Default: 3000.</summary>
    public int Pages { get; init; } = 3000;

    /// <summary>Every Nth page hangs on its first request, until the client gives up (0: none). Default: 97.</summary>
    public int SlowEvery { get; init; } = 97;

    /// <summary>Every Nth page answers 503 to its first <see cref="FailAttempts"/> requests (0: none). Default: 53.</summary>
    public int FailEvery { get; init; } = 53;

    /// <summary>How many requests a failing page refuses before it answers. Default: 2.</summary>
    public int FailAttempts { get; init; } = 2;

    /// <summary>Checks every field, naming the field and the rule.</summary>
    public void Validate()
    {
        if (Pages < 1) throw new ArgumentException($"--pages must be at least 1 (was {Pages}).");
        if (SlowEvery < 0) throw new ArgumentException($"--slow-every must be 0 or more (was {SlowEvery}).");
        if (FailEvery < 0) throw new ArgumentException($"--fail-every must be 0 or more (was {FailEvery}).");
        if (FailAttempts < 0) throw new ArgumentException($"--fail-attempts must be 0 or more (was {FailAttempts}).");
    }

    internal bool IsSlow(int page) => SlowEvery > 0 && page % SlowEvery == SlowEvery - 1;

    internal bool IsFlaky(int page) => FailEvery > 0 && page % FailEvery == FailEvery - 1;
}
