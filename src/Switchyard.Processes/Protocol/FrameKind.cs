namespace Switchyard.Processes.Protocol;

/// <summary>The first byte of every frame: what the rest of the frame holds.</summary>
internal enum FrameKind : byte
{
    /// <summary>Worker → pool, first frame: <see cref="HelloMessage"/>.</summary>
    Hello = 1,
    /// <summary>Pool → worker, once: <see cref="InitMessage"/>.</summary>
    Init = 2,
    /// <summary>Worker → pool: the initializer ran; work may come.</summary>
    Ready = 3,
    /// <summary>Worker → pool: the initializer threw (<see cref="RemoteError"/>); the worker exits.</summary>
    InitFailed = 4,
    /// <summary>Pool → worker: [int32 method id] then a <see cref="MethodRef"/>.</summary>
    Define = 5,
    /// <summary>Pool → worker: [int32 dispatch id][int32 method id][int32 count] then count × ([int32 length][JSON argument]).</summary>
    Run = 6,
    /// <summary>Pool → worker: [int32 dispatch id]: cancel that dispatch's token and skip its remaining items.</summary>
    Cancel = 7,
    /// <summary>Worker → pool: [int32 dispatch id][int32 position][JSON result].</summary>
    Value = 8,
    /// <summary>Worker → pool: [int32 dispatch id][int32 position][JSON <see cref="RemoteError"/>].</summary>
    Error = 9,
    /// <summary>Pool → worker: exit cleanly (recycling).</summary>
    Shutdown = 10,
}
