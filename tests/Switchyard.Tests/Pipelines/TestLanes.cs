namespace Switchyard.Tests.Pipelines;

/// <summary>Creates a lane of a kind given by name, so theories can combine lanes.</summary>
internal static class TestLanes
{
    public static Lane Create(string kind) => kind switch
    {
        "io" => Lane.Io(),
        "cpu" => Lane.Cpu(new CpuLaneOptions { Workers = 2 }),
        "loop" => Lane.Loop(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "io, cpu or loop"),
    };
}
