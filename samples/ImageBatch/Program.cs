using System.CommandLine;
using Switchyard.Samples.ImageBatch;

var defaults = new ImageBatchOptions();
var images = new Option<int>("--images") { Description = "Pictures to generate.", DefaultValueFactory = _ => defaults.Images };
var width = new Option<int>("--width") { Description = "Their width.", DefaultValueFactory = _ => defaults.Width };
var height = new Option<int>("--height") { Description = "Their height.", DefaultValueFactory = _ => defaults.Height };
var radius = new Option<int>("--radius") { Description = "The C# box blur's radius.", DefaultValueFactory = _ => defaults.Radius };
var passes = new Option<int>("--passes") { Description = "The C# box blur's passes.", DefaultValueFactory = _ => defaults.Passes };
var sigma = new Option<double>("--sigma") { Description = "ImageMagick's blur sigma.", DefaultValueFactory = _ => defaults.Sigma };
var workers = new Option<int>("--workers") { Description = "Workers of each lane.", DefaultValueFactory = _ => defaults.Workers };
var output = new Option<string?>("--output") { Description = "A new or empty folder to keep the pictures and results in (default: a temporary folder)." };

var root = new RootCommand("Resizes, rotates and blurs a folder of generated pictures: ImageMagick and a C# blur, serially and on Switchyard's lanes.")
{
    images, width, height, radius, passes, sigma, workers, output,
};
root.SetAction(async (parse, ct) =>
{
    try
    {
        return await ImageBatchSample.RunAsync(new ImageBatchOptions
        {
            Images = parse.GetValue(images),
            Width = parse.GetValue(width),
            Height = parse.GetValue(height),
            Radius = parse.GetValue(radius),
            Passes = parse.GetValue(passes),
            Sigma = parse.GetValue(sigma),
            Workers = parse.GetValue(workers),
            Output = parse.GetValue(output),
        }, Console.Out, ct);
    }
    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
