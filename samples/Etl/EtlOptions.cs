namespace Switchyard.Samples.Etl;

/// <summary>Which lane runs the transform stage.</summary>
public enum TransformLane
{
    /// <summary>The Cpu lane: threads in this process.</summary>
    Cpu,
    /// <summary>The Process lane: worker processes (each batch travels there and back as JSON).</summary>
    Process,
}

/// <summary>What the ETL sample reads, how it transforms, where it loads.</summary>
public sealed class EtlOptions
{
    /// <summary>A JSON-lines file of orders to load; null to generate <see cref="Rows"/> orders into a temporary file. Default: null.</summary>
    public string? Input { get; init; }

    /// <summary>How many orders to generate when there is no <see cref="Input"/>. Default: 200 000.</summary>
    public int Rows { get; init; } = 200_000;

    /// <summary>The SQLite database to create; it must not exist. Default: null, a temporary file deleted at the end.</summary>
    public string? Database { get; init; }

    /// <summary>Lines per batch: the unit that travels between stages and the size of one insert transaction. Default: 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Where the transform runs. Default: <see cref="TransformLane.Cpu"/>.</summary>
    public TransformLane Transform { get; init; } = TransformLane.Cpu;

    /// <summary>Transform workers (threads or processes). Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Batches each stage's input channel holds before the stage before it waits (backpressure). Default: 4.</summary>
    public int Capacity { get; init; } = 4;

    /// <summary>Checks every field, naming the field and the rule.</summary>
    public void Validate()
    {
        if (Input is not null && !File.Exists(Input)) throw new ArgumentException($"--input: no file at '{Input}'.");
        if (Input is null && Rows < 0) throw new ArgumentException($"--rows must be 0 or more (was {Rows}).");
        if (Database is not null && File.Exists(Database)) throw new ArgumentException($"--database: '{Database}' already exists; give a new path.");
        if (BatchSize < 1) throw new ArgumentException($"--batch must be at least 1 (was {BatchSize}).");
        if (Workers < 1) throw new ArgumentException($"--workers must be at least 1 (was {Workers}).");
        if (Capacity < 1) throw new ArgumentException($"--capacity must be at least 1 (was {Capacity}).");
        if (!Enum.IsDefined(Transform)) throw new ArgumentException($"--transform must be cpu or process (was {Transform}).");
    }
}
