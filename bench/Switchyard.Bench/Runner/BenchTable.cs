using System.Globalization;
using Spectre.Console;

namespace Switchyard.Bench;

/// <summary>
/// The human output: one row per figure with its baseline, ratio and target. Plain (ASCII border, no colour)
/// unless the writer is an interactive console and NO_COLOR is unset, so redirected output and CI logs stay
/// clean (DEPENDENCIES.md, pitfall 7).
/// </summary>
internal static class BenchTable
{
    // Wide enough that figure names never wrap when there is no terminal to ask for a width.
    private const int RedirectedWidth = 200;

    public static void Write(IReadOnlyList<Measurement> measurements, TextWriter output)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var plain = !interactive || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = RedirectedWidth;

        var table = new Table { Border = plain ? TableBorder.Ascii : TableBorder.Rounded };
        foreach (var column in new[] { "suite", "figure", "value", "baseline", "baseline value", "ratio", "target", "met" })
            table.AddColumn(new TableColumn(new Text(column)));
        foreach (var m in measurements)
        {
            var met = m.TargetMet();
            table.AddRow(
                new Text(m.Suite), new Text(m.Name), new Text(WithUnit(m.Value, m.Unit)), new Text(m.Baseline),
                new Text(m.BaselineValue is { } b ? WithUnit(b, m.Unit) : "-"),
                new Text(m.Ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "-"),
                new Text(m.Target ?? "-"),
                m.Target is null ? new Text("-") : MetCell(met, plain));
        }
        console.Write(table);
        output.Flush();
    }

    private static Text MetCell(bool? met, bool plain) => met switch
    {
        null => new Text("n/a"),
        true => new Text("yes", plain ? Style.Plain : new Style(Color.Green)),
        false => new Text("NO", plain ? Style.Plain : new Style(Color.Red)),
    };

    /// <summary>A value with its unit: thousands separated when large, four significant digits otherwise.</summary>
    internal static string WithUnit(double value, string unit)
    {
        var text = Math.Abs(value) >= 10_000
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString("G4", CultureInfo.InvariantCulture);
        return $"{text} {unit}";
    }
}
