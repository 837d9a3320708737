namespace Switchyard.Diagnostics;

/// <summary>How an item ended; also the value of the <c>switchyard.outcome</c> tag.</summary>
internal enum ItemOutcome { Completed, Failed, Cancelled }

internal static class ItemOutcomeNames
{
    public static string Tag(this ItemOutcome outcome) => outcome switch
    {
        ItemOutcome.Completed => "completed",
        ItemOutcome.Failed => "failed",
        _ => "cancelled",
    };
}
