using System.Reflection;
using System.Text;

namespace Switchyard.Tests.PublicApi;

/// <summary>
/// Tracks each library's public surface in <c>src/PROJECT/PublicAPI.txt</c>, as Polly tracks its own (the
/// PublicApiAnalyzers package is not in our mirror, so reflection does it). A change to the surface fails here until
/// the file is updated with it: run the tests with SWITCHYARD_UPDATE_PUBLIC_API=1 and review the diff.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Libraries => new() { "Switchyard", "Switchyard.Jobs", "Switchyard.Jobs.Postgres", "Switchyard.Processes" };

    [Theory, MemberData(nameof(Libraries))]
    public void The_public_surface_is_the_recorded_one(string library)
    {
        var assembly = Assembly.Load(library);
        var actual = Describe(assembly);
        var file = Path.Combine(RepositoryRoot(), "src", library, "PublicAPI.txt");
        if (Environment.GetEnvironmentVariable("SWITCHYARD_UPDATE_PUBLIC_API") == "1")
            File.WriteAllText(file, actual);
        Assert.True(File.Exists(file), $"{file} is missing: run the tests with SWITCHYARD_UPDATE_PUBLIC_API=1 to write it.");
        var expected = File.ReadAllText(file).ReplaceLineEndings("\n");
        var added = actual.Split('\n').Except(expected.Split('\n')).ToArray();
        var removed = expected.Split('\n').Except(actual.Split('\n')).ToArray();
        Assert.True(added.Length == 0 && removed.Length == 0,
            $"The public API of {library} changed; if that is intended, run the tests with SWITCHYARD_UPDATE_PUBLIC_API=1.\n" +
            string.Join("\n", added.Select(a => "+ " + a).Concat(removed.Select(r => "- " + r))));
    }

    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add($"{Kind(type)} {Name(type)}{Bases(type)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                var line = member switch
                {
                    ConstructorInfo c => $"{Name(type)}.ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{Name(type)}.{m.Name}{GenericArguments(m)}({Parameters(m)}) -> {Name(m.ReturnType)}{(m.IsStatic ? " static" : "")}",
                    PropertyInfo p => $"{Name(type)}.{p.Name} : {Name(p.PropertyType)}{Accessors(p)}",
                    FieldInfo f when !type.IsEnum || f.IsStatic => $"{Name(type)}.{f.Name} : {Name(f.FieldType)}{(f.IsLiteral ? " const" : f.IsStatic ? " static" : "")}",
                    EventInfo e => $"{Name(type)}.{e.Name} : event {Name(e.EventHandlerType!)}",
                    _ => null,
                };
                if (line is not null) lines.Add(line);
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines) + "\n";
    }

    private static string Accessors(PropertyInfo p)
    {
        if (p.SetMethod?.IsPublic != true) return " { get; }";
        var init = p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
        return init ? " { get; init; }" : " { get; set; }";
    }

    private static string Kind(Type t) => t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct"
        : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";

    private static string Bases(Type t)
    {
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(Name(b));
        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string GenericArguments(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = …" : "")}"));

    private static string Name(Type t)
    {
        if (t.IsGenericParameter) return t.Name;
        if (t.IsByRef) return Name(t.GetElementType()!) + "&";
        if (t.IsArray) return Name(t.GetElementType()!) + "[]";
        var name = new StringBuilder(t.IsNested ? Name(t.DeclaringType!) + "." : (t.Namespace is { } ns ? ns + "." : ""));
        var plain = t.Name;
        var tick = plain.IndexOf('`', StringComparison.Ordinal);
        name.Append(tick < 0 ? plain : plain[..tick]);
        if (t.IsGenericType)
        {
            var own = t.GetGenericArguments().Skip(t.IsNested ? t.DeclaringType!.GetGenericArguments().Length : 0).ToArray();
            if (own.Length > 0) name.Append('<').Append(string.Join(", ", own.Select(Name))).Append('>');
        }
        return name.ToString();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }
}
