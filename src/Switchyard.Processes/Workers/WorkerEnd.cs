namespace Switchyard.Processes.Workers;

/// <summary>Why a worker's run ended.</summary>
internal enum WorkerEnd
{
    /// <summary>It died or was killed (a crash, a timeout): a replacement counts as a restart.</summary>
    Died,
    /// <summary>It ran its <see cref="ProcessLaneOptions.MaxItemsPerWorker"/> items and left cleanly.</summary>
    Recycled,
    /// <summary>The pool is shutting down.</summary>
    Stopped,
}
