using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Scenarios;

/// <summary>
/// The bridge as operators run it: its Release build started as its own process from its build folder (so
/// appsettings.json applies as shipped), settings as environment variables, on 127.0.0.1. Its own process, so that
/// its CPU time and resident memory are its own, not the benchmark's or the fakes'.
/// </summary>
internal sealed class BridgeProcess : IAsyncDisposable
{
    private static readonly long ClockTicksPerSecond = 100; // Linux USER_HZ, what /proc/<pid>/stat counts in

    private readonly Process _process;
    private readonly StreamWriter _log;

    private BridgeProcess(Process process, Uri url, StreamWriter log)
    {
        _process = process;
        Url = url;
        _log = log;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string DllPath => Path.Combine(RepositoryRoot, "src", "RetirementBridge", "bin", "Release", "net10.0", "RetirementBridge.dll");

    /// <param name="settings">Configuration keys as in appsettings.json (<c>Deleters:Braze:Enabled</c>).</param>
    /// <param name="logPath">Where its standard output and error go.</param>
    public static async Task<BridgeProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string logPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(DllPath))
            throw new BenchFailure($"{DllPath} is missing: dotnet build -c Release src/RetirementBridge");
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(DllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new BenchFailure("could not start dotnet");
        process.OutputDataReceived += (_, line) => Append(log, line.Data);
        process.ErrorDataReceived += (_, line) => Append(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bridge = new BridgeProcess(process, url, log);
        try
        {
            await bridge.WaitReadyAsync(logPath, cancellationToken);
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
        return bridge;
    }

    /// <summary>Resident memory now and its peak so far (VmRSS, VmHWM), in bytes.</summary>
    public (long Current, long Peak) ResidentMemory()
    {
        long current = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                current = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line) * 1024;
        }
        return (current, peak);
    }

    /// <summary>User + system CPU time of every thread of the process so far.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task WaitReadyAsync(string logPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new BenchFailure($"the bridge exited during start-up (code {_process.ExitCode}); see {logPath}");
            try
            {
                using var response = await client.GetAsync(new Uri(Url, "/readyz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe timed out; try again.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new BenchFailure($"the bridge was not ready within 60 s; see {logPath}");
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }

    private static long Kilobytes(string statusLine) =>
        long.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RetirementBridge.sln")))
                return directory.FullName;
        }
        throw new BenchFailure("cannot find RetirementBridge.sln above " + AppContext.BaseDirectory);
    }
}
