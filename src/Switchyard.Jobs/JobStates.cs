namespace Switchyard.Jobs;

/// <summary>The lower-case names states have in stores, on the command line and in JSON.</summary>
internal static class JobStates
{
    private static readonly JobState[] All = Enum.GetValues<JobState>();

    public static string ToText(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Available => "available",
        JobState.Running => "running",
        JobState.Retrying => "retrying",
        JobState.Succeeded => "succeeded",
        JobState.Dead => "dead",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown job state."),
    };

    public static bool TryParse(string text, out JobState state)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToText(), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static JobState Parse(string text) =>
        TryParse(text, out var state) ? state : throw new FormatException($"Unknown job state '{text}'.");

    /// <summary>Every state name, for error messages.</summary>
    public static string Names => string.Join(", ", All.Select(s => s.ToText()));
}
