namespace RetirementBridge.Tests.Infrastructure;

public static class TestPaths
{
    /// <summary>The repository root (the folder holding RetirementBridge.sln), found upwards from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Contracts => Path.Combine(RepoRoot, "contracts");

    public static string NewTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RetirementBridge.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("RetirementBridge.sln not found above " + AppContext.BaseDirectory);
    }
}
