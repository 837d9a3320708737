namespace Switchyard.Jobs.Scheduling;

/// <summary>Enqueues each recurring job at each of its times from the worker's start on.</summary>
internal sealed class RecurringScheduler(IReadOnlyList<RecurringJob> jobs, JobClient client, TimeProvider time, TextWriter? log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return;
        var now = time.GetUtcNow();
        var next = jobs.Select(j => j.Schedule.Next(now)).ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = next.Where(t => t is not null).DefaultIfEmpty(null).Min();
            if (due is null) return;
            var wait = due.Value - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < jobs.Count; i++)
            {
                if (next[i] != due) continue;
                var job = jobs[i];
                try
                {
                    await client.EnqueueAsync(job.Kind, job.Payload, new JobOptions
                    {
                        Queue = job.Options?.Queue,
                        Priority = job.Options?.Priority ?? 0,
                        MaxAttempts = job.Options?.MaxAttempts,
                        RunAt = due.Value,
                        IdempotencyKey = job.KeyFor(due.Value),
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log?.WriteLine($"recurring job '{job.Name}' at {due:O} was not enqueued: {e.Message}");
                }
                next[i] = job.Schedule.Next(due.Value);
            }
        }
    }
}
