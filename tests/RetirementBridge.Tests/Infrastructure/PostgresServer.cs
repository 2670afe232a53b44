using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server from Debian's package: a throwaway cluster (initdb + pg_ctl, as the postgres user when the
/// tests run as root) on a free 127.0.0.1 port, removed when the test run ends. Every test takes its own fresh
/// database from it (<see cref="CreateDatabaseAsync"/>), so tests never see each other's rows.
/// Set RB_TEST_POSTGRES to a connection string (a role that may CREATE DATABASE) to use an existing server instead.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ExistingServerVariable = "RB_TEST_POSTGRES";
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartSharedAsync);

    private readonly string? _dataDirectory;
    private readonly string? _runAs;
    private int _databases;

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? runAs, int port)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _runAs = runAs;
        Port = port;
    }

    /// <summary>The server the whole test run shares (started on first use).</summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    /// <summary>A superuser (or CREATEDB role) connection to the maintenance database.</summary>
    public string AdminConnectionString { get; }

    public int Port { get; }

    /// <summary>True for a cluster these tests started (and so may stop and start again).</summary>
    public bool IsOwnCluster => _dataDirectory is not null;

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"rb_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        // Pooled, with Npgsql's default connect timeout, as a bridge runs in production (the admin connection is not
        // pooled so that nothing holds the cluster open). Unpooled bridges opened a backend for every statement and, on a
        // loaded machine, a connect could outlast the admin's short timeout and fail an accept.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, Timeout = 15 }.ToString();
    }

    /// <summary>A cluster of the test's own (for tests that stop the server under a running bridge).</summary>
    public static async Task<PostgresServer> StartOwnClusterAsync()
    {
        if (Environment.GetEnvironmentVariable(ExistingServerVariable) is { Length: > 0 })
            throw new InvalidOperationException($"this test stops and starts its own PostgreSQL cluster; unset {ExistingServerVariable} to run it");
        var binaries = FindBinaries();
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var directory = Path.Combine(TestPaths.NewTempDirectory(), "pgdata");
        Directory.CreateDirectory(directory);
        if (runAs is not null)
            await RunAsync("chown", null, runAs, directory);
        await RunAsync(Path.Combine(binaries, "initdb"), runAs, "-D", directory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8");
        var port = FreePort();
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5", directory, runAs, port);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the cluster (again) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        RequireOwnCluster();
        // fsync off: a throwaway test cluster; commits are still synchronous (synchronous_commit stays on), which is
        // what the bridge's "committed before 202" relies on. Benchmarks start their own cluster with fsync on.
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' -c fsync=off -c full_page_writes=off -c max_connections=300";
        await RunAsync(Path.Combine(FindBinaries(), "pg_ctl"), _runAs, "-D", _dataDirectory!, "-l", Path.Combine(_dataDirectory!, "server.log"),
            "-o", options, "-w", "-t", "60", "start");
    }

    /// <summary>Stops the cluster at once (connections are cut, as when a database host goes away).</summary>
    public Task StopAsync()
    {
        RequireOwnCluster();
        return RunAsync(Path.Combine(FindBinaries(), "pg_ctl"), _runAs, "-D", _dataDirectory!, "-m", "immediate", "-w", "stop");
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null)
            return;
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable(ExistingServerVariable) is { Length: > 0 } existing)
        {
            var builder = new NpgsqlConnectionStringBuilder(existing);
            return new PostgresServer(existing, null, null, builder.Port);
        }
        var server = await StartOwnClusterAsync();
        // xunit has no assembly-wide teardown: the shared cluster goes when the test process exits.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    private void RequireOwnCluster()
    {
        if (_dataDirectory is null)
            throw new InvalidOperationException("an existing server (RB_TEST_POSTGRES) is not stopped or started by the tests");
    }

    /// <summary>Debian installs the server's binaries under /usr/lib/postgresql/{major}/bin, off PATH.</summary>
    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            $"PostgreSQL's server binaries are not under {root}: install Debian's postgresql package (scripts/install-test-deps.sh does), or set {ExistingServerVariable}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string? runAs, params string[] arguments)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited {process.ExitCode}: {await output}{await error}");
    }
}
