namespace Switchyard.Lab;

/// <summary>Where the lab reports what it is doing while it runs (the CLI's progress display).</summary>
internal interface ILabProgress
{
    void Started(IExperiment experiment, int index, int count);

    /// <summary>A step inside the running experiment ("Python asyncio", "100,000 waits").</summary>
    void Step(IExperiment experiment, string step);

    void Finished(IExperiment experiment, ExperimentResult result);
}
