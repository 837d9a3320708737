using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchyard;

/// <summary>
/// Structured concurrency, like Trio's nursery or asyncio's TaskGroup: children started in a scope, on any
/// lane, are all awaited when the scope ends, so none outlives it. The first failure cancels the siblings
/// (or, with <see cref="ScopeFailureMode.CollectAll"/>, they run on); every failure comes back together in
/// one <see cref="AggregateException"/>; cancelling the parent token cancels every child.
/// </summary>
/// <example>
/// <code>
/// var (user, orders) = await Scope.RunAsync(async scope =>
/// {
///     var user = scope.Start(io, ct => api.GetUserAsync(id, ct));
///     var orders = scope.Start(io, ct => api.GetOrdersAsync(id, ct));
///     return (await user, await orders);
/// }, cancellationToken);
/// </code>
/// </example>
public sealed class Scope : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _token;
    private readonly CancellationToken _parent;
    private readonly ScopeOptions _options;
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Activity? _activity;
    private int _pending = 1; // the owner's hold, given up when the scope starts to close
    private int _closing;

    private Scope(ScopeOptions options, CancellationToken parent)
    {
        _options = options;
        _parent = parent;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(parent);
        _token = _cts.Token;
        _activity = SwitchyardDiagnostics.ActivitySource.StartActivity("switchyard.scope");
        if (options.Name is not null) _activity?.SetTag("switchyard.scope.name", options.Name);
    }

    /// <summary>
    /// Opens a scope for <c>await using</c>: its end awaits every child and throws their failures. A failure
    /// of the block itself does not reach the scope this way; use <see cref="RunAsync{T}"/> for that, or call <see cref="Cancel"/>.
    /// </summary>
    public static Scope Open(ScopeOptions? options = null, CancellationToken cancellationToken = default) =>
        new(options ?? ScopeOptions.Default, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a new scope, then awaits every child. A failure of the body cancels the children too.</summary>
    public static async Task<T> RunAsync<T>(Func<Scope, Task<T>> body, ScopeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var scope = Open(options, cancellationToken);
        T result = default!;
        try
        {
            result = await body(scope).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            scope.Fail(e);
        }
        await scope.DisposeAsync().ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs <paramref name="body"/> with a new scope, then awaits every child. A failure of the body cancels the children too.</summary>
    public static Task RunAsync(Func<Scope, Task> body, ScopeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunAsync(async scope => { await body(scope).ConfigureAwait(false); return true; }, options, cancellationToken);
    }

    /// <summary>Fires when the scope cancels its children: a failure, <see cref="Cancel"/>, or the parent token.</summary>
    public CancellationToken Token => _token;

    /// <summary>Children started and not yet ended.</summary>
    public int Running => Math.Max(0, Volatile.Read(ref _pending) - (Volatile.Read(ref _closing) == 0 ? 1 : 0));

    /// <summary>Starts asynchronous <paramref name="work"/> on <paramref name="lane"/> as a child of this scope.</summary>
    /// <exception cref="InvalidOperationException">The scope has ended.</exception>
    public Task<T> Start<T>(Lane lane, Func<CancellationToken, ValueTask<T>> work)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(work);
        Enter();
        return Watch(StartOn(() => lane.RunAsync(work, _token)));
    }

    /// <summary>Starts asynchronous <paramref name="work"/> with no result on <paramref name="lane"/> as a child of this scope.</summary>
    /// <exception cref="InvalidOperationException">The scope has ended.</exception>
    public Task Start(Lane lane, Func<CancellationToken, ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(work);
        Enter();
        return Watch(StartOn(async () => { await lane.RunAsync(work, _token).ConfigureAwait(false); return true; }));
    }

    /// <summary>Starts synchronous <paramref name="work"/> on <paramref name="lane"/> as a child of this scope.</summary>
    /// <exception cref="InvalidOperationException">The scope has ended.</exception>
    public Task<T> Start<T>(Lane lane, Func<CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(work);
        Enter();
        return Watch(StartOn(() => lane.RunAsync(work, _token)));
    }

    /// <summary>Cancels every child (and the scope's token). The scope still awaits them at its end.</summary>
    public void Cancel()
    {
        try { _cts.Cancel(); }
        catch (ObjectDisposedException) { } // the scope has ended: nothing is left to cancel
    }

    /// <summary>
    /// Closes the scope: awaits every child (children may still start children until then), then throws an
    /// <see cref="AggregateException"/> of every failure, or <see cref="OperationCanceledException"/> if the
    /// parent token cancelled it without failures.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 0)
            Leave();
        await _allDone.Task.ConfigureAwait(false);

        var errors = _errors.ToArray();
        _activity?.SetStatus(errors.Length == 0 ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        _activity?.Dispose();
        if (errors.Length > 0)
            throw new AggregateException($"{errors.Length} {(errors.Length == 1 ? "child" : "children")} of the scope failed.", errors);
        _parent.ThrowIfCancellationRequested();
    }

    /// <summary>Records a failure from outside the children (the scope's own body).</summary>
    private void Fail(Exception error)
    {
        if (error is OperationCanceledException && _token.IsCancellationRequested) return;
        _errors.Enqueue(error);
        if (_options.OnFailure == ScopeFailureMode.CancelSiblings) Cancel();
    }

    private void Enter()
    {
        // Adding to a scope with no child left and its owner gone would let a child outlive the scope.
        while (true)
        {
            var pending = Volatile.Read(ref _pending);
            if (pending == 0) throw new InvalidOperationException("The scope has ended; it accepts no more children.");
            if (Interlocked.CompareExchange(ref _pending, pending + 1, pending) == pending) return;
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _cts.Dispose();
            _allDone.TrySetResult();
        }
    }

    // A lane that refuses the work (disposed) throws at once: that is a child failure like any other.
    private static Task<T> StartOn<T>(Func<Task<T>> start)
    {
        try { return start(); }
        catch (Exception e) { return Task.FromException<T>(e); }
    }

    private Task<T> Watch<T>(Task<T> child)
    {
        child.ContinueWith(static (t, state) =>
        {
            var scope = (Scope)state!;
            if (t.IsFaulted) scope.Fail(t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception);
            // An async child that throws OperationCanceledException ends Canceled, not Faulted. Unless the
            // scope cancelled it, that cancellation is the child's own failure (a timeout, say), not silence.
            else if (t.IsCanceled && !scope._token.IsCancellationRequested) scope.Fail(new TaskCanceledException(t));
            scope.Leave();
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return child;
    }
}
