using System.Runtime.CompilerServices;

namespace Switchyard.Processes.Tests.Support;

/// <summary>The work the tests send to worker processes: static methods, so their identity can travel.</summary>
public static class Remote
{
    private static string? _model;

    public static int Square(int x) => x * x;

    public static int Add(int a, int b) => a + b;

    public static string Join(string a, int b, bool c) => $"{a}-{b}-{c}";

    public static int Pid(int _) => Environment.ProcessId;

    public static async Task<int> SquareLaterAsync(int x)
    {
        await Task.Yield();
        return x * x;
    }

    public static int Throw(int x) => x == 3 ? throw new InvalidOperationException($"item {x} refused") : x;

    /// <summary>Blocks forever: only a kill, a timeout or the pool's end stops it.</summary>
    public static int Hang(int _)
    {
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>Hangs on item 0, answers the rest at once.</summary>
    public static int HangOnZero(int x) => x == 0 ? Hang(x) : x;

    public static int FailFastOn(int x)
    {
        if (x == 5) Environment.FailFast("test: fail fast");
        return x;
    }

    public static int OverflowOn(int x) => x == 5 ? Recurse(x) : x;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Recurse(int depth) => Recurse(depth + 1) + 1;

    /// <summary>Allocates until the worker's heap limit is hit (the worker then dies).</summary>
    public static int ExhaustMemoryOn(int x)
    {
        if (x != 5) return x;
        var hold = new List<byte[]>();
        while (true) hold.Add(GC.AllocateArray<byte>(1 << 20, pinned: false));
    }

    /// <summary>Dies the first time it sees <paramref name="marker"/> missing (creating it), answers the second time.</summary>
    public static string DieOnce(string marker)
    {
        if (!File.Exists(marker))
        {
            File.WriteAllText(marker, "died");
            Environment.FailFast("test: dying once");
        }
        return "second life";
    }

    /// <summary>Writes its mark in <paramref name="dir"/>, then waits (inside the worker) until two marks exist.</summary>
    public static int Rendezvous(string dir)
    {
        File.WriteAllText(Path.Combine(dir, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        // Two processes meet through the folder: no in-process signal reaches across, so poll, but never forever.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (Directory.GetFiles(dir).Length < 2)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Rendezvous: the second worker never arrived.");
            Thread.Sleep(10);
        }
        return Environment.ProcessId;
    }

    public static int Chatty(int x)
    {
        Console.WriteLine($"noise on stdout {x}\u0000\u0001 not a frame");
        Console.Error.WriteLine($"noise on stderr {x}");
        return x + 1;
    }

    public static int Spin(int x)
    {
        Thread.SpinWait(20_000);
        return x;
    }

    public static void BrokenInitializer() => throw new InvalidOperationException("no model file");

    public static void LoadModel() => _model = "model loaded in " + Environment.ProcessId;

    public static string UseModel(int _) => _model ?? "no model";

    public static async ValueTask<int> WaitForCancelAsync(int _, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public static int TokenOnly(CancellationToken _) => Environment.ProcessId;

    public static ValueTask<string> TokenOnlyAsync(CancellationToken _) => ValueTask.FromResult("async " + Environment.ProcessId);

    public static ValueTask Nothing(CancellationToken _) => ValueTask.CompletedTask;

    public static Point Move(Point p) => p with { X = p.X + 1, Y = p.Y * 2 };

    public static int SumOfSquares(int n)
    {
        long sum = 0;
        for (var i = 0; i < n; i++) sum += (long)i * i;
        return (int)(sum % 1_000_003);
    }
}

public sealed record Point(int X, int Y);
