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
    /// <summary>
    /// Worker → pool: answers to consecutive items of a dispatch: [int32 dispatch id][int32 first position][int32 count]
    /// then count × ([byte 1 = value, 0 = error][int32 length][JSON result, or JSON <see cref="RemoteError"/>]).
    /// </summary>
    Answers = 8,
    /// <summary>Pool → worker: exit cleanly (recycling).</summary>
    Shutdown = 10,
    /// <summary>
    /// Pool → worker: a dispatch whose arguments travel as one JSON array (tiny items of a chunk):
    /// [int32 dispatch id][int32 method id][int32 count][JSON array].
    /// </summary>
    RunBatch = 11,
    /// <summary>
    /// Worker → pool: every answer to a <see cref="RunBatch"/> at once: [int32 dispatch id][int32 count][int32 error count]
    /// then error count × ([int32 position][int32 length][JSON <see cref="RemoteError"/>]), then the JSON array of results
    /// (a default value where an item failed).
    /// </summary>
    BatchAnswers = 12,
    /// <summary>
    /// Pool → worker: the end of a group (the dispatches of one write, or one isolated dispatch): the worker sends every
    /// answer it holds once the group's dispatches have run, before it starts the next group.
    /// </summary>
    Flush = 13,
}
