using System.CommandLine;
using Switchyard;
using Switchyard.Samples.Etl;

var defaults = new EtlOptions();
var input = new Option<string?>("--input") { Description = "A JSON-lines file of orders (default: generate --rows orders)." };
var rows = new Option<int>("--rows") { Description = "Orders to generate when there is no --input.", DefaultValueFactory = _ => defaults.Rows };
var database = new Option<string?>("--database") { Description = "The SQLite database to create; must not exist (default: a temporary file)." };
var batch = new Option<int>("--batch") { Description = "Rows per batch (and per insert transaction).", DefaultValueFactory = _ => defaults.BatchSize };
var transform = new Option<TransformLane>("--transform") { Description = "Where the transform runs: Cpu or Process.", DefaultValueFactory = _ => defaults.Transform };
var workers = new Option<int>("--workers") { Description = "Transform workers (threads or processes).", DefaultValueFactory = _ => defaults.Workers };
var capacity = new Option<int>("--capacity") { Description = "Batches a stage's input holds before the stage before it waits.", DefaultValueFactory = _ => defaults.Capacity };

var root = new RootCommand("Extracts orders from JSON lines, transforms them on the Cpu or Process lane, loads them into SQLite in batches.")
{
    input, rows, database, batch, transform, workers, capacity,
};
root.SetAction(async (parse, ct) =>
{
    try
    {
        return await EtlSample.RunAsync(new EtlOptions
        {
            Input = parse.GetValue(input),
            Rows = parse.GetValue(rows),
            Database = parse.GetValue(database),
            BatchSize = parse.GetValue(batch),
            Transform = parse.GetValue(transform),
            Workers = parse.GetValue(workers),
            Capacity = parse.GetValue(capacity),
        }, Console.Out, ct);
    }
    catch (ArgumentException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 1;
    }
    catch (PipelineStageException e)
    {
        await Console.Error.WriteLineAsync($"stage '{e.Stage}' failed: {e.InnerException?.Message}; nothing was loaded.");
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
