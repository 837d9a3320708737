namespace Switchyard.Server.BrowserTests;

/// <summary>One server and one browser for the test class (each test opens its own page and uses its own queue).</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    internal DashboardServer Server { get; private set; } = null!;
    internal Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = DashboardServer.Start();
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        if (Server is not null)
            await Server.DisposeAsync();
    }
}
