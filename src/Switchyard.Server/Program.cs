using Switchyard.Server;

// The stand-alone host (`dotnet Switchyard.Server.dll`); `yard serve` builds the same app in-process.
// The in-process API tests start it through WebApplicationFactory<Program>.
var app = SwitchyardServer.Build(new ServerOptions(), args);
await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
