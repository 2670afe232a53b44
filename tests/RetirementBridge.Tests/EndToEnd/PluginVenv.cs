using System.Diagnostics;
using System.Text;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests.EndToEnd;

/// <summary>
/// Once per test run: a virtualenv on Debian's Python (which sees python3-django) with the LMS plugin
/// (src/lms-plugin) installed into it as an operator would, offline, so that tests/e2e_fire.py loads the
/// INSTALLED plugin through its <c>lms.djangoapp</c> entry point.
/// </summary>
public sealed class PluginVenv : IAsyncLifetime
{
    public const string SystemPython = "/usr/bin/python3";
    private static readonly TimeSpan VenvLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PipLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(60);

    private string _root = "";

    public string PluginSource => Path.Combine(TestPaths.RepoRoot, "src", "lms-plugin");

    /// <summary>The driver script from the repository (it finds its LMS stand-in next to itself, in lms_stub/).</summary>
    public string Script => Path.Combine(PluginSource, "tests", "e2e_fire.py");

    public string Python => Path.Combine(_root, "venv", "bin", "python");

    /// <summary>Working directory of every child process: outside src/lms-plugin, so no source tree shadows the install.</summary>
    public string WorkDirectory => Path.Combine(_root, "work");

    public async Task InitializeAsync()
    {
        _root = TestPaths.NewTempDirectory();
        Directory.CreateDirectory(WorkDirectory);

        if (!File.Exists(SystemPython))
            throw new InvalidOperationException($"{SystemPython} not found: install Debian's Python and Django (apt-get install -y python3-django python3-venv python3-setuptools python3-pip).");
        var django = await ChildProcess.RunAsync(SystemPython, ["-c", "import django; print(django.get_version())"], WorkDirectory, VenvLimit);
        if (django.ExitCode != 0)
            throw new InvalidOperationException($"{SystemPython} cannot import django: install it with `apt-get install -y python3-django` (the plugin's end-to-end tests need Debian's Django; PyPI is not reachable).\n{django}");

        var venv = Path.Combine(_root, "venv");
        var created = await ChildProcess.RunAsync(SystemPython, ["-m", "venv", "--system-site-packages", venv], WorkDirectory, VenvLimit);
        if (created.ExitCode != 0)
            throw new InvalidOperationException($"`{SystemPython} -m venv --system-site-packages` failed (apt-get install -y python3-venv?):\n{created}");

        // Build from a copy, so the repository tree gets no build/ or *.egg-info/.
        var copy = Path.Combine(_root, "lms-plugin");
        CopySource(PluginSource, copy);
        var pip = await ChildProcess.RunAsync(Path.Combine(venv, "bin", "pip"),
            ["install", "--no-build-isolation", "--no-index", "--no-deps", "--no-cache-dir", "--disable-pip-version-check", copy],
            WorkDirectory, PipLimit, new() { ["PIP_CONFIG_FILE"] = "/dev/null" });
        if (pip.ExitCode != 0)
            throw new InvalidOperationException($"pip could not install the plugin from {copy} into {venv} (needs python3-setuptools >= 61 and python3-pip):\n{pip}");

        // The plugin that loads must be the installed one, not a source tree on sys.path.
        var where = await ChildProcess.RunAsync(Python, ["-I", "-B", "-c", "import retirement_bridge_plugin as m; print(m.__file__)"], WorkDirectory, ScriptLimit);
        if (where.ExitCode != 0 || !where.Stdout.Trim().StartsWith(venv + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"the installed plugin is not what {Python} imports:\n{where}");
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    /// <summary>e2e_fire.py fire: sends USER_RETIRE_LMS_MISC for <paramref name="learner"/> through the installed plugin.</summary>
    public Task<ProcessResult> FireAsync(string bridgeUrl, string secret, TestLearner learner, params string[] extra) =>
        RunScriptAsync(secret, [
            "fire", "--bridge-url", bridgeUrl, "--user-id", learner.LmsUserId.ToString(), "--email", learner.Email,
            "--username", learner.Username, "--site", learner.Site, .. extra]);

    /// <summary>e2e_fire.py check: the plugin's retirement_bridge_check management command.</summary>
    public Task<ProcessResult> CheckAsync(string bridgeUrl, string secret) =>
        RunScriptAsync(secret, ["check", "--bridge-url", bridgeUrl]);

    /// <summary>The secret travels in the environment, not on the command line (where ps would show it).</summary>
    private Task<ProcessResult> RunScriptAsync(string secret, string[] args) =>
        // -I: no PYTHON* variables, no user site, no script folder on sys.path; -B: no __pycache__ in the repository.
        ChildProcess.RunAsync(Python, ["-I", "-B", Script, .. args], WorkDirectory, ScriptLimit,
            new() { ["RETIREMENT_BRIDGE_SECRET"] = secret });

    private static void CopySource(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "build" or "dist" or "__pycache__" or ".pytest_cache" || name.EndsWith(".egg-info", StringComparison.Ordinal))
                continue;
            CopySource(dir, Path.Combine(to, name));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PluginVenvCollection : ICollectionFixture<PluginVenv>
{
    public const string Name = "LMS plugin virtualenv";
}

public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public override string ToString() => $"{Command}\nexit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs a child process with a time limit (killed, with its whole tree, when over it).</summary>
public static class ChildProcess
{
    public static async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, string workingDirectory, TimeSpan limit,
        Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Nothing inherited may redirect the child: no Python/pip/Django settings, no proxies (loopback only).
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("PYTHON", StringComparison.Ordinal) || key.StartsWith("PIP_", StringComparison.Ordinal)
                || key.StartsWith("RETIREMENT_BRIDGE_", StringComparison.Ordinal) || key is "DJANGO_SETTINGS_MODULE" or "LMS_CFG" or "VIRTUAL_ENV"
                || key.EndsWith("_proxy", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }
        start.Environment["NO_PROXY"] = start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var command = file + " " + string.Join(" ", args);
        using var process = new Process { StartInfo = start };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"killed after {limit.TotalSeconds} s: {command}\n--- stdout ---\n{await stdout}\n--- stderr ---\n{await stderr}");
        }
        return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
    }
}
