using System.Text.RegularExpressions;

namespace Switchyard.Diagnostics;

/// <summary>Turns delegates and compiler-generated names into the method a person wrote ("Type.Method").</summary>
internal static partial class WorkNames
{
    public static string Describe(Delegate work)
    {
        if (work.Target is Lane.VoidWork wrapped) return Describe(wrapped.Work);
        var method = work.Method;
        return Clean($"{method.DeclaringType?.FullName ?? "?"}.{method.Name}");
    }

    /// <summary>Names what a thread ran: a delegate, a task's state, or the state machine behind a continuation.</summary>
    public static string DescribeObject(object? item) => item switch
    {
        Delegate d when d.Target is not null && d.Target.GetType().Name.Contains("StateMachineBox", StringComparison.Ordinal) => Clean(d.Target.GetType().ToString()),
        Delegate d => Describe(d),
        IDescribedWork w => w.Describe(),
        null => "?",
        _ => Clean(item.GetType().ToString()),
    };

    // "Ns.Type+<Fetch>d__4" -> "Ns.Type.Fetch"; "Ns.Tests+<>c.<Run>b__3_0" -> "Ns.Tests.Run (lambda)".
    private static string Clean(string name)
    {
        var stateMachine = StateMachine().Match(name);
        if (stateMachine.Success) return $"{stateMachine.Groups["type"].Value.Replace('+', '.')}.{stateMachine.Groups["method"].Value}";
        var lambda = Lambda().Match(name);
        if (lambda.Success) return $"{lambda.Groups["type"].Value.Replace('+', '.')}.{lambda.Groups["method"].Value} (lambda)";
        return name.Replace('+', '.');
    }

    [GeneratedRegex(@"(?<type>[\w.]+)\+<(?<method>\w+)>d__\d+")]
    private static partial Regex StateMachine();

    [GeneratedRegex(@"(?<type>[\w.]+?)(\+<>c(__DisplayClass[\w_]+)?)?\.<(?<method>\w+)>b__")]
    private static partial Regex Lambda();
}

/// <summary>Work that can say what it is (a queued lane item, for instance).</summary>
internal interface IDescribedWork
{
    string Describe();
}
