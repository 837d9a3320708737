namespace Switchyard;

/// <summary>A stage's <see cref="StageOptions"/> checked and with every default filled in.</summary>
internal sealed record StageSpec(string Name, int Concurrency, int Capacity, bool Ordered = false)
{
    /// <summary>The source's stage name; no step or sink may take it.</summary>
    public const string SourceName = "source";

    /// <summary>The source pump: one worker, no input channel.</summary>
    public static readonly StageSpec Source = new(SourceName, 1, 0);

    private static readonly StageOptions Defaults = new();

    /// <summary>Checks <paramref name="options"/> against the names <paramref name="taken"/> by earlier stages.</summary>
    /// <exception cref="ArgumentException">A field breaks its rule; the message names the field and the rule.</exception>
    public static StageSpec Resolve(StageOptions? options, string defaultName, IReadOnlyCollection<string> taken)
    {
        options ??= Defaults;
        var name = options.Name ?? defaultName;
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("StageOptions.Name must not be empty or white space.", nameof(options));
        if (taken.Contains(name))
            throw new ArgumentException(
                $"StageOptions.Name must be unique within the pipeline: '{name}' is already used" +
                (name == SourceName ? " by the source." : " by an earlier stage."), nameof(options));
        if (options.Concurrency < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Concurrency,
                $"StageOptions.Concurrency of stage '{name}' must be at least 1.");
        var capacity = options.Capacity ?? (int)Math.Min(2L * options.Concurrency, int.MaxValue);
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Capacity,
                $"StageOptions.Capacity of stage '{name}' must be at least 1.");
        return new StageSpec(name, options.Concurrency, capacity, options.Ordered);
    }
}
