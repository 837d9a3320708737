namespace Switchyard.Lab;

/// <summary>The series every chart compares, by the same names everywhere.</summary>
internal static class Contender
{
    public const string Switchyard = "Switchyard";
    public const string Dotnet = "raw .NET";
    public const string Python = "Python";
}
