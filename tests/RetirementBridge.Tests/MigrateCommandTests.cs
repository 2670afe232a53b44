using System.Net;
using System.Net.Sockets;
using Npgsql;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Storage.Sqlite;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>
/// <c>RetirementBridge migrate</c>, run as its own process the way an operator runs it, for deployments that start the
/// bridge with Store:ApplyMigrations=false and apply schema changes by hand.
/// </summary>
public sealed class MigrateCommandTests : IDisposable
{
    private const string Password = "pg-migrate-s3cret";
    private static readonly int Postgres = PostgresSchema.Migrations.Length;
    private static readonly int Sqlite = SqliteSchema.Migrations.Length;
    private readonly string _directory = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string?> Settings(string? connectionString, bool applyMigrations = true)
    {
        var settings = TestBridge.BaseSettings(_directory);
        settings["Dispatch:Enabled"] = "false";
        settings["Store:ApplyMigrations"] = applyMigrations ? "true" : "false";
        if (connectionString is not null)
        {
            settings["Store:Provider"] = "Postgres";
            settings["Store:Postgres:ConnectionString"] = new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ToString();
        }
        return settings;
    }

    [Fact]
    public async Task Migrate_brings_a_fresh_PostgreSQL_database_to_the_latest_schema_and_a_bridge_that_does_not_migrate_then_starts()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

        var first = await BridgeProcess.RunCommandAsync(_directory, Settings(database), "migrate");
        Assert.Equal((0, ""), (first.ExitCode, first.StandardError));
        Assert.Equal([$"RetirementBridge: PostgreSQL schema migrated from version 0 to {Postgres}"], first.OutputLines);

        var again = await BridgeProcess.RunCommandAsync(_directory, Settings(database), "migrate");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal([$"RetirementBridge: PostgreSQL schema is at version {Postgres}, nothing to do"], again.OutputLines);

        await using var bridge = await BridgeProcess.StartAsync(_directory, Settings(database, applyMigrations: false));
        Assert.True(bridge.BaseAddress is not null, bridge.Output);
        using var client = new HttpClient { BaseAddress = bridge.BaseAddress };
        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.DoesNotContain(Password, first.StandardOutput + again.StandardOutput + bridge.Output);
    }

    [Fact]
    public async Task A_bridge_that_does_not_migrate_refuses_an_unmigrated_database_with_one_line_naming_the_migrate_command()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

        await using var bridge = await BridgeProcess.StartAsync(_directory, Settings(database, applyMigrations: false));

        Assert.Null(bridge.BaseAddress);
        Assert.Equal(74, bridge.ExitCode);
        var line = Assert.Single(bridge.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith('{'));
        Assert.StartsWith($"RetirementBridge: cannot open the store: the PostgreSQL schema is version 0 and this bridge needs {Postgres}", line);
        Assert.Contains("run `RetirementBridge migrate` with the same settings first", line);
        // Refused, not half-done: nothing was created.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var tables = new NpgsqlCommand("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public';", connection);
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_works_on_SQLite_too()
    {
        var first = await BridgeProcess.RunCommandAsync(_directory, Settings(null), "migrate");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal([$"RetirementBridge: SQLite schema migrated from version 0 to {Sqlite}"], first.OutputLines);
        var again = await BridgeProcess.RunCommandAsync(_directory, Settings(null), "migrate");
        Assert.Equal([$"RetirementBridge: SQLite schema is at version {Sqlite}, nothing to do"], again.OutputLines);

        await using var bridge = await BridgeProcess.StartAsync(_directory, Settings(null, applyMigrations: false));
        Assert.True(bridge.BaseAddress is not null, bridge.Output);
    }

    [Theory]
    [InlineData(null, "Store:Postgres:ConnectionString is required when Store:Provider is Postgres")]
    [InlineData("Host=127.0.0.1;Passwrd=" + Password, "Store:Postgres:ConnectionString is not a valid Npgsql connection string")]
    public async Task Migrate_with_a_wrong_configuration_exits_78_with_one_line(string? connectionString, string message)
    {
        var settings = Settings(null);
        settings["Store:Provider"] = "Postgres";
        if (connectionString is not null)
            settings["Store:Postgres:ConnectionString"] = connectionString;

        var result = await BridgeProcess.RunCommandAsync(_directory, settings, "migrate");

        Assert.Equal(78, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.StartsWith($"RetirementBridge: configuration error: {message}", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain(Password, result.StandardError);
    }

    [Fact]
    public async Task Migrate_against_a_server_that_does_not_answer_exits_74_with_one_line()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await BridgeProcess.RunCommandAsync(_directory, Settings($"Host=127.0.0.1;Port={closedPort};Database=bridge;Username=bridge"), "migrate");

        Assert.Equal(74, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.StartsWith("RetirementBridge: cannot migrate the store: cannot get a PostgreSQL connection (", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain(Password, result.StandardError);
    }
}
