namespace Switchyard.Tests.Pipelines;

public class StageOptionsTests
{
    [Fact]
    public async Task Stages_get_default_names_by_position_and_the_sink_is_called_sink()
    {
        await using var io = Lane.Io();
        var run = Pipeline.From([1, 2]).Then(io, x => x).Then(io, x => x).Start((x, ct) => ValueTask.CompletedTask);
        await run.Completion;
        Assert.Equal(["source", "stage1", "stage2", "sink"], run.Statistics().Select(s => s.Stage));
    }

    [Theory]
    [InlineData(0, null, "StageOptions.Concurrency of stage 'parse' must be at least 1")]
    [InlineData(-3, null, "StageOptions.Concurrency of stage 'parse' must be at least 1")]
    [InlineData(1, 0, "StageOptions.Capacity of stage 'parse' must be at least 1")]
    public async Task Bad_numbers_are_refused_naming_the_field_and_the_rule(int concurrency, int? capacity, string message)
    {
        await using var io = Lane.Io();
        var pipeline = Pipeline.From([1]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            pipeline.Then(io, x => x, new StageOptions { Name = "parse", Concurrency = concurrency, Capacity = capacity }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        var sinkError = Assert.Throws<ArgumentOutOfRangeException>(() =>
            pipeline.Start((x, ct) => ValueTask.CompletedTask, new StageOptions { Name = "parse", Concurrency = concurrency, Capacity = capacity }));
        Assert.Contains(message, sinkError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stage_names_must_be_unique_and_not_blank()
    {
        await using var io = Lane.Io();
        var pipeline = Pipeline.From([1]).Then(io, x => x, new StageOptions { Name = "parse" });

        var duplicate = Assert.Throws<ArgumentException>(() => pipeline.Then(io, x => x, new StageOptions { Name = "parse" }));
        Assert.Contains("StageOptions.Name must be unique within the pipeline: 'parse' is already used by an earlier stage", duplicate.Message, StringComparison.Ordinal);
        var source = Assert.Throws<ArgumentException>(() => pipeline.Start((x, ct) => ValueTask.CompletedTask, new StageOptions { Name = "source" }));
        Assert.Contains("'source' is already used by the source", source.Message, StringComparison.Ordinal);
        var blank = Assert.Throws<ArgumentException>(() => pipeline.Then(io, x => x, new StageOptions { Name = " " }));
        Assert.Contains("StageOptions.Name must not be empty", blank.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_arguments_are_refused()
    {
        var pipeline = Pipeline.From([1]);
        Assert.Throws<ArgumentNullException>(() => Pipeline.From((IEnumerable<int>)null!));
        Assert.Throws<ArgumentNullException>(() => pipeline.Then(null!, x => x));
        Assert.Throws<ArgumentNullException>(() => pipeline.Start(null!));
    }
}
