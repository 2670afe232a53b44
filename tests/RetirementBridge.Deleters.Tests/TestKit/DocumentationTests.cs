using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Tests.TestKit;

/// <summary>
/// The integrator docs' C# must be code that compiles and passes: every ```csharp block in them must appear,
/// whitespace aside, in one compiled file: the worked examples in TestKit/ (Acme CRM, Acme Analytics), the other
/// tests of this project, or the deleter projects' own sources. And every relative link in them must point at a file
/// or folder that exists.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = FindRoot();

    /// <summary>Where a doc's C# may come from: the compiled examples and the deleter projects.</summary>
    private static readonly string[] CompiledSources =
    [
        "tests/RetirementBridge.Deleters.Tests",
        "src/RetirementBridge.Deleters",
        "src/RetirementBridge.Deleters.Abstractions",
        "src/RetirementBridge.Deleters.Testing",
    ];

    /// <summary>Each document, the section checked (null: all of it), and whether it must hold C# at all.</summary>
    public static TheoryData<string, string?, bool> Documents => new()
    {
        { "docs/adding-a-deleter.md", null, true },
        { "src/RetirementBridge.Deleters.Testing/README.md", null, true },
        // Only a pointer to docs/adding-a-deleter.md now; any C# it gains is checked all the same.
        { "README.md", "## Adding a deleter", false },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_csharp_block_is_in_a_compiled_file(string document, string? heading, bool mustHoldCode)
    {
        var compiled = CompiledFiles().Select(file => Normalise(File.ReadAllText(file))).ToList();
        var blocks = CsharpBlocks(Text(document, heading));

        if (mustHoldCode)
            Assert.NotEmpty(blocks);
        foreach (var block in blocks)
            Assert.True(compiled.Any(file => file.Contains(Normalise(block), StringComparison.Ordinal)),
                $"{document}{(heading is null ? "" : $", {heading}")}: a ```csharp block is in no compiled file " +
                $"({string.Join(", ", CompiledSources)}; change both together); " +
                $"first line found in none of them: {FirstMissingLine(block, compiled) ?? "(each line is, but not in this order)"}");
    }

    public static TheoryData<string> LinkingDocuments => new(Documents.Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(LinkingDocuments))]
    public void Every_relative_link_points_at_something_that_exists(string document)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Root, document))!;
        var broken = Link().Matches(File.ReadAllText(Path.Combine(Root, document)))
            .Select(match => match.Groups[1].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#'))
            .Select(target => target.Split('#')[0])
            .Where(target => !File.Exists(Path.Combine(folder, target)) && !Directory.Exists(Path.Combine(folder, target)))
            .ToList();

        Assert.True(broken.Count == 0, $"{document}: links to nothing: {string.Join(", ", broken)}");
    }

    private static IEnumerable<string> CompiledFiles() =>
        CompiledSources.SelectMany(folder => Directory.GetFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private static string Text(string document, string? heading)
    {
        var markdown = File.ReadAllText(Path.Combine(Root, document));
        return heading is null ? markdown : Section(markdown, heading);
    }

    private static string? FirstMissingLine(string block, List<string> compiled) =>
        block.Split('\n').Select(Normalise)
            .FirstOrDefault(line => line.Length > 0 && !compiled.Any(file => file.Contains(line, StringComparison.Ordinal)));

    /// <summary>From the line starting with <paramref name="heading"/> to the next "## " heading.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        var end = markdown.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static List<string> CsharpBlocks(string markdown) =>
        CsharpBlock().Matches(markdown).Select(match => match.Groups[1].Value).ToList();

    private static string Normalise(string code) => Whitespace().Replace(code, " ").Trim();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RetirementBridge.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no RetirementBridge.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^[ \t]*```csharp[ \t]*\r?\n(.*?)^[ \t]*```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CsharpBlock();

    /// <summary>A markdown link's target: [text](target).</summary>
    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
