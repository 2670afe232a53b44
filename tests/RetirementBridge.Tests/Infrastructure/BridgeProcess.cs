using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>
/// The bridge as its own operating-system process (the published RetirementBridge.dll), configured through
/// environment variables as an operator would, so a test can kill it outright and start it again.
/// </summary>
public sealed partial class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BridgeProcess(string directory, IDictionary<string, string?> settings)
    {
        _process = new Process { StartInfo = StartInfo(directory, settings, "--urls=http://127.0.0.1:0", $"--contentRoot={directory}") };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
    }

    public Uri? BaseAddress { get; private set; }

    public string Output => string.Join("\n", _output);

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The operating system's id of the process (it appears in the leases it takes).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the process; returns once it listens, or once it has exited (a start-up failure).</summary>
    public static async Task<BridgeProcess> StartAsync(string directory, IDictionary<string, string?> settings)
    {
        var bridge = new BridgeProcess(directory, settings);
        bridge._process.Start();
        bridge._process.BeginOutputReadLine();
        bridge._process.BeginErrorReadLine();
        var exited = bridge._process.WaitForExitAsync();
        var first = await Task.WhenAny(bridge._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first == bridge._listening.Task)
            bridge.BaseAddress = new Uri(await bridge._listening.Task);
        else if (first == exited)
            await bridge._process.WaitForExitAsync(); // drains the output
        else
            throw new TimeoutException("the bridge process neither listened nor exited within 60 s:\n" + bridge.Output);
        return bridge;
    }

    /// <summary>Runs one of the binary's commands (<c>RetirementBridge migrate</c>) to its end, configured the same way.</summary>
    public static async Task<CommandResult> RunCommandAsync(string directory, IDictionary<string, string?> settings, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(directory, settings, [.. arguments, $"--contentRoot={directory}"]))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"RetirementBridge {string.Join(' ', arguments)} did not exit within 60 s");
        }
        return new CommandResult(process.ExitCode, await output, await error);
    }

    public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public string[] OutputLines => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string[] ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The published dll under <c>dotnet</c>, with the settings as environment variables, as an operator sets them.</summary>
    private static ProcessStartInfo StartInfo(string directory, IDictionary<string, string?> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RetirementBridge.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; the way a crash or an OOM kill ends it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        if (line.Contains("Now listening on") && ListeningAddress().Match(line) is { Success: true } match)
            _listening.TrySetResult(match.Value);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningAddress();
}
