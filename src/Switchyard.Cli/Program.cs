// yard worker and yard serve share a few cores with their database, and yard run with the commands it starts. There, an
// idle thread-pool thread should block at once instead of spinning first: a profile of `bench pg`'s workers spent 13% of
// their CPU in sched_yield, and `yard run` over 2,000 × true took 1.41 s with the spin against 1.26 s without. Every other
// command keeps the runtime's default, which library users get too: a short spin lets one pool thread pick up the next
// lane completion without a wake-up (the Cpu lane hands every finished item back to the pool). Set before anything
// starts a pool thread: the pool reads it once.
if (args is ["worker" or "serve" or "run", ..])
    AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0");
return await Switchyard.Cli.YardCli.RunAsync(args);
