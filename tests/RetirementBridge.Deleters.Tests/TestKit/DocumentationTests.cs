using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Tests.TestKit;

/// <summary>
/// The integrator docs' C# must be code that compiles and passes: every ```csharp block in README.md's "Adding a
/// deleter" section and in the test kit README's worked example must appear, whitespace aside, in AcmeCrm*.cs.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string, string> Sections => new()
    {
        { "README.md", "## Adding a deleter" },
        { "src/RetirementBridge.Deleters.Testing/README.md", "## Worked example" },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_csharp_block_is_in_the_compiled_example(string readme, string heading)
    {
        var compiled = Directory.GetFiles(Path.Combine(Root, "tests/RetirementBridge.Deleters.Tests/TestKit"), "AcmeCrm*.cs")
            .Select(file => Normalise(File.ReadAllText(file)))
            .ToList();
        var blocks = CsharpBlocks(Section(File.ReadAllText(Path.Combine(Root, readme)), heading));

        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
            Assert.True(compiled.Any(file => file.Contains(Normalise(block), StringComparison.Ordinal)),
                $"{readme}, {heading}: a block is not in TestKit/AcmeCrm*.cs (change both together); " +
                $"first line found in none of them: {FirstMissingLine(block, compiled) ?? "(each line is, but not in this order)"}");
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

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
