namespace Switchyard.Cli.Run;

/// <summary>One command to run: its 1-based sequence number, its argv, the text shown in the joblog, and its arguments (for --tag).</summary>
internal sealed record Job(long Seq, string[] Argv, string Command, string Tag);
