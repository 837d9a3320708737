namespace Switchyard;

/// <summary>What bounds a piece of work.</summary>
public enum WorkClass
{
    /// <summary>It computes: CPU utilisation at least 0.8 of one core.</summary>
    CpuBound,
    /// <summary>It waits: CPU utilisation at most 0.2 of one core.</summary>
    IoBound,
    /// <summary>In between.</summary>
    Mixed,
}
