namespace Switchyard.Cli.Run;

/// <summary>Bad input to <c>yard run</c>: the message names the field and the rule; nothing has run.</summary>
internal sealed class RunInputException(string message) : Exception(message);
