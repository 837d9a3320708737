namespace Switchyard.Lab;

/// <summary>One classic claim about concurrency, measured here: with Switchyard, with raw .NET and with Python.</summary>
internal interface IExperiment
{
    int Number { get; }
    string Title { get; }

    /// <summary>The claim as concurrency guides state it, numbers included.</summary>
    string Claim { get; }

    Task<ExperimentResult> RunAsync(LabContext context);
}
