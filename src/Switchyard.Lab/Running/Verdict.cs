namespace Switchyard.Lab;

/// <summary>What the measurement says about the claim, on this machine.</summary>
internal enum Verdict
{
    /// <summary>The numbers agree with the claim.</summary>
    Holds,

    /// <summary>The direction holds but a figure differs from the one claimed (the why says which).</summary>
    Partly,

    /// <summary>The numbers contradict the claim here.</summary>
    DoesNotHold,

    /// <summary>The experiment failed or ran past its time limit: nothing was measured (the why says what happened).</summary>
    Failed,
}
