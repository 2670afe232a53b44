using Microsoft.Data.Sqlite;
using RetirementBridge.Storage;
using RetirementBridge.Storage.Sqlite;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests.Storage;

/// <summary>The store contract on SQLite: one file per test. The store is single-process, so a "second process" is
/// the same instance (a second one would be refused the file).</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private readonly List<SqliteRetirementStore> _stores = [];

    protected override string ExpectedKind => "SQLite";

    protected override Task<string> CreateDatabaseAsync() =>
        Task.FromResult(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"));

    protected override IRetirementStore Open(string database)
    {
        var store = new SqliteRetirementStore(database, busyTimeoutSeconds: 5);
        _stores.Add(store);
        return store;
    }

    protected override IRetirementStore OpenPeer() => Store;

    protected override async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    protected override async Task<int> ReadSchemaVersionAsync(string database) =>
        Convert.ToInt32(await ScalarAsync(database, "PRAGMA user_version;"));

    protected override Task WriteSchemaVersionAsync(string database, int version) =>
        ScalarAsync(database, $"PRAGMA user_version = {version};");

    public override Task DisposeAsync()
    {
        foreach (var store in _stores)
            store.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
