namespace Switchyard.Lab.Tests;

/// <summary>A small hand-made report whose texts try to smuggle HTML and Markdown in: for the writers' tests.</summary>
internal static class SampleReport
{
    public const string Hostile = "<img src=x onerror=\"window.pwned=1\"> | </script>";

    public static LabReport Create()
    {
        var chart = new LabChart("Wall time " + Hostile, "s")
            .Set(Contender.Switchyard, "a " + Hostile, 1.5)
            .Set(Contender.Python, "a " + Hostile, 2.5)
            .Set(Contender.Switchyard, "b", 0.25);
        return new LabReport
        {
            Results =
            [
                new ExperimentResult
                {
                    Number = 1, Title = "Title " + Hostile, Claim = "Claim " + Hostile, Charts = [chart],
                    Verdict = Verdict.Partly, Why = "Why " + Hostile, Notes = ["Note " + Hostile],
                    Elapsed = TimeSpan.FromSeconds(1),
                },
            ],
            Quick = true,
            Started = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero),
            Elapsed = TimeSpan.FromSeconds(1),
            Machine = [new("cores", "2"), new("machine", Hostile)],
        };
    }
}
