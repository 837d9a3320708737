using Switchyard.Jobs.Handlers.Http;
using Switchyard.Jobs.Handlers.Shell;

namespace Switchyard.Jobs.Handlers;

/// <summary>Adds the built-in handlers.</summary>
public static class BuiltInHandlers
{
    /// <summary>Adds <c>shell</c> (off unless <paramref name="shell"/> allow-lists executables) and <c>http</c>.</summary>
    public static JobHandlers AddBuiltIn(this JobHandlers handlers, ShellHandlerOptions? shell = null, HttpHandlerOptions? http = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        return handlers.Add(new ShellHandler(shell)).Add(new HttpHandler(http));
    }
}
