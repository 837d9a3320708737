using Switchyard.Lab.Experiments;

namespace Switchyard.Lab;

/// <summary>Every experiment, by number.</summary>
internal static class ExperimentCatalog
{
    public static IReadOnlyList<IExperiment> All { get; } =
    [
        new E01SyncVsAsync(), new E02CpuBound(), new E03IoBound(), new E04MemoryPerTask(), new E05SwitchCost(),
        new E06Semaphore(), new E07Races(), new E08ProducerConsumer(), new E09ChunkSize(), new E10BlockingCall(),
    ];

    public static IExperiment? Find(int number) => All.FirstOrDefault(e => e.Number == number);
}
