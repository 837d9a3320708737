namespace Switchyard.Samples.ReportExport;

/// <summary>The app's own log lines.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "job queue in {Store}, reports written to {Files}")]
    public static partial void Paths(ILogger logger, string store, string files);
}
