using Npgsql;
using RetirementBridge.Storage;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests.Storage;

/// <summary>The store contract on PostgreSQL: a fresh database per test on the shared throwaway server. A "second
/// process" is a second store instance with its own connection pool, as a second replica has.</summary>
public sealed partial class PostgresStoreContractTests : StoreContractTests
{
    private readonly List<NpgsqlDataSource> _dataSources = [];

    protected override string ExpectedKind => "PostgreSQL";

    protected override async Task<string> CreateDatabaseAsync() =>
        await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    protected override IRetirementStore Open(string database) => Open(database, commandTimeoutSeconds: 30, out _);

    private PostgresRetirementStore Open(string database, int commandTimeoutSeconds, out NpgsqlDataSource dataSource, int maxPoolSize = 100)
    {
        // Pooled, as the bridge runs it (the test server's own connection strings are not).
        var connectionString = new NpgsqlConnectionStringBuilder(database) { Pooling = true, MaxPoolSize = maxPoolSize }.ToString();
        dataSource = PostgresRetirementStore.CreateDataSource(new PostgresStoreOptions { ConnectionString = connectionString, CommandTimeoutSeconds = commandTimeoutSeconds });
        lock (_dataSources)
            _dataSources.Add(dataSource);
        return new PostgresRetirementStore(dataSource);
    }

    protected override IRetirementStore OpenPeer() => Open(Database);

    protected override async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    protected override async Task<int> ReadSchemaVersionAsync(string database) =>
        await ScalarAsync(database, "SELECT to_regclass('schema_version') IS NOT NULL;") is true
            ? Convert.ToInt32(await ScalarAsync(database, "SELECT version FROM schema_version;"))
            : 0;

    protected override Task WriteSchemaVersionAsync(string database, int version) =>
        ScalarAsync(database, $"UPDATE schema_version SET version = {version};");

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
            await dataSource.DisposeAsync();
    }
}
