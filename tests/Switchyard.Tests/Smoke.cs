namespace Switchyard.Tests;

public class Smoke
{
    [Fact]
    public async Task Overloads_resolve()
    {
        await using var lane = Lane.Io();
        int a = await lane.RunAsync(ct => 1);
        int b = await lane.RunAsync(async ct => { await Task.Yield(); return 2; });
        int c = await lane.RunAsync(ct => ValueTask.FromResult(3));
        await lane.RunAsync(async ct => await Task.Yield());
        Assert.Equal(6, a + b + c);
    }
}
