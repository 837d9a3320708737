using System.CommandLine;
using Switchyard.Samples.MessageConsumer;

// Sample 4 of samples/README.md: a RabbitMQ consumer on an Io lane, at-least-once, surviving broker restarts.
var defaults = new ConsumerSettings();
var broker = new Option<string>("--broker") { Description = "The AMQP URI.", DefaultValueFactory = _ => defaults.Broker.ToString() };
var queue = new Option<string>("--queue") { Description = "The durable queue.", DefaultValueFactory = _ => defaults.Queue };
var receipts = new Option<string>("--receipts") { Description = "The folder receipts are written to.", DefaultValueFactory = _ => defaults.Receipts };
var prefetch = new Option<int>("--prefetch") { Description = $"Unacknowledged messages in hand at most (1 to 65535).", DefaultValueFactory = _ => defaults.Prefetch };
var concurrency = new Option<int>("--concurrency") { Description = $"Messages processed at once on the Io lane.", DefaultValueFactory = _ => defaults.Concurrency };
var count = new Option<int?>("--count") { Description = "Stop once this many different orders are acknowledged. Default: run until Ctrl+C." };
var publish = new Option<int>("--publish") { Description = "First publish this many generated orders (order-000001 …) to the queue. Default: 0." };
AtLeast(prefetch, 1, 65535);
AtLeast(concurrency, 1);
AtLeast(publish, 0);
count.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--count must be at least 1.");
});
broker.Validators.Add(r =>
{
    if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        r.AddError("--broker must be an absolute amqp:// or amqps:// URI.");
});

var root = new RootCommand("Consumes orders from a durable RabbitMQ queue, books each one (writes its receipt) concurrently on a " +
    "Switchyard Io lane, acknowledges it only after that, and reconnects with backoff when the broker restarts.")
{
    broker, queue, receipts, prefetch, concurrency, count, publish,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var output = parse.InvocationConfiguration.Output;
    var settings = new ConsumerSettings
    {
        Broker = new Uri(parse.GetValue(broker)!),
        Queue = parse.GetValue(queue)!,
        Receipts = parse.GetValue(receipts)!,
        Prefetch = (ushort)parse.GetValue(prefetch),
        Concurrency = parse.GetValue(concurrency),
        Count = parse.GetValue(count),
    };
    if (parse.GetValue(publish) is > 0 and var n)
    {
        await OrderPublisher.PublishAsync(settings.Broker, settings.Queue, Enumerable.Range(1, n).Select(Order.Numbered), cancellationToken);
        await output.WriteLineAsync($"published {n} orders to {settings.Queue}");
    }
    await new OrderConsumer(settings, output).RunAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();

static void AtLeast(Option<int> option, int min, int max = int.MaxValue) => option.Validators.Add(r =>
{
    var value = r.GetValueOrDefault<int>();
    if (value < min || value > max)
        r.AddError(max == int.MaxValue ? $"{option.Name} must be at least {min}." : $"{option.Name} must be {min} to {max}.");
});
