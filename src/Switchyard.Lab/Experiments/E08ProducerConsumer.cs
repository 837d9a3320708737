using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Switchyard.Lab.Experiments;

/// <summary>A fast producer, a slow consumer and a bounded queue between them: throughput, and how far ahead the producer gets.</summary>
internal sealed class E08ProducerConsumer : IExperiment
{
    private static readonly int[] Capacities = [1, 10, 100];
    private static readonly TimeSpan Work = TimeSpan.FromTicks(1000); // 100 µs of CPU per item in the consumer

    public int Number => 8;
    public string Title => "Producer / consumer over a bounded queue";
    public string Claim => "A bounded queue applies backpressure: the producer waits when it is full, so the backlog never exceeds its capacity, and throughput is set by the slower side.";

    public async Task<ExperimentResult> RunAsync(LabContext context)
    {
        var token = context.CancellationToken;
        var items = context.Pick(1_000, 10_000);
        var throughput = new LabChart("Throughput (consumer: 100 µs of CPU per item)", "items/s");
        var backlog = new LabChart("Most items the producer got ahead of the consumer", "items");
        static string Label(int capacity) => $"capacity {capacity}";

        context.Step("raw .NET Channel");
        foreach (var capacity in Capacities)
        {
            var (perSecond, lead) = await ChannelAsync(items, capacity, token).ConfigureAwait(false);
            throughput.Set(Contender.Dotnet, Label(capacity), perSecond);
            backlog.Set(Contender.Dotnet, Label(capacity), lead);
        }

        context.Step("Switchyard pipeline");
        foreach (var capacity in Capacities)
        {
            var (perSecond, lead) = await PipelineAsync(items, capacity, token).ConfigureAwait(false);
            throughput.Set(Contender.Switchyard, Label(capacity), perSecond);
            backlog.Set(Contender.Switchyard, Label(capacity), lead);
        }

        if (await context.PythonAsync("queue", new { items, capacities = Capacities, work_us = Work.TotalMicroseconds }).ConfigureAwait(false) is { } py)
        {
            foreach (var capacity in Capacities)
            {
                var key = capacity.ToString(CultureInfo.InvariantCulture);
                throughput.Set(Contender.Python, Label(capacity), py.Number(key, "items_per_s"));
                backlog.Set(Contender.Python, Label(capacity), py.Number(key, "max_lead"));
            }
        }

        // The producer may also hold one item in hand, and the pipeline's source reads one ahead into its stage.
        var bounded = Capacities.All(c => backlog.SeriesNames.All(s => backlog.Get(s, Label(c)) is not { } lead || lead <= c + 2));
        var ceiling = 1 / Work.TotalSeconds;
        var rates = Capacities.Select(c => throughput.Get(Contender.Switchyard, Label(c))!.Value).ToArray();
        var why = string.Create(CultureInfo.InvariantCulture,
            $"The producer never got more than {string.Join(" / ", Capacities.Select(c => $"{backlog.Get(Contender.Switchyard, Label(c)):0}"))} items ahead " +
            $"with capacities {string.Join(" / ", Capacities)} (Switchyard pipeline): a full queue makes it wait. Throughput was {rates.Min():N0}–{rates.Max():N0} items/s " +
            $"whatever the capacity, under the consumer's ceiling of {ceiling:N0} (100 µs per item; the rest is the hand-off between the two sides): " +
            $"the slow side sets the pace, and a larger queue absorbs bursts rather than raising it.{MachineLoad.Caveat()}");
        return context.Result(bounded ? Verdict.Holds : Verdict.DoesNotHold, why, throughput, backlog);
    }

    private static void Spin()
    {
        var until = Stopwatch.GetTimestamp() + (long)(Work.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
    }

    private static async Task<(double PerSecond, long Lead)> ChannelAsync(int items, int capacity, CancellationToken token)
    {
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        long produced = 0, consumed = 0, lead = 0;
        var seconds = await Clock.SecondsAsync(() => Task.WhenAll(
            Task.Run(async () =>
            {
                for (var i = 0; i < items; i++)
                {
                    await channel.Writer.WriteAsync(i, token).ConfigureAwait(false);
                    Interlocked.Increment(ref produced);
                }
                channel.Writer.Complete();
            }, token),
            Task.Run(async () =>
            {
                await foreach (var _ in channel.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    Spin();
                    lead = Math.Max(lead, Interlocked.Read(ref produced) - ++consumed);
                }
            }, token))).ConfigureAwait(false);
        return (items / seconds, lead);
    }

    private static async Task<(double PerSecond, long Lead)> PipelineAsync(int items, int capacity, CancellationToken token)
    {
        long produced = 0, consumed = 0, lead = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < items; i++)
            {
                Interlocked.Increment(ref produced);
                yield return i;
            }
        }
        var seconds = await Clock.SecondsAsync(() => Pipeline.From(Source()).Start((_, _) =>
        {
            Spin();
            lead = Math.Max(lead, Interlocked.Read(ref produced) - ++consumed);
            return ValueTask.CompletedTask;
        }, new StageOptions { Capacity = capacity }, token).Completion).ConfigureAwait(false);
        return (items / seconds, lead);
    }
}
