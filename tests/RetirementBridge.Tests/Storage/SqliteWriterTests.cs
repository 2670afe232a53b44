using Microsoft.Data.Sqlite;
using RetirementBridge.Storage;
using RetirementBridge.Storage.Sqlite;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests.Storage;

/// <summary>
/// Group commit on SQLite (<see cref="SqliteWriter"/>): writes that wait together share one transaction, a write that
/// fails is undone alone, and a caller that gave up before its turn writes nothing. Each test makes the writes wait by
/// holding SQLite's write lock from a connection of its own, as another program would.
/// </summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private string _path = null!;
    private SqliteWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _path = Path.Combine(_directory, "writer.db");
        await ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);");
        _writer = new SqliteWriter(new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 30 }.ToString());
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Writes_that_wait_together_are_committed_in_one_transaction()
    {
        List<Task<int>> writes;
        await using (await HoldWriteLockAsync())
        {
            writes = [.. Enumerable.Range(0, 50).Select(i => _writer.WriteAsync((_, transaction) => InsertAsync(transaction, $"note {i}"), CancellationToken.None))];
            Assert.DoesNotContain(writes, w => w.IsCompleted);
        }
        await Task.WhenAll(writes);

        Assert.Equal(50L, await ScalarAsync("SELECT COUNT(*) FROM notes;"));
        // The writes the writer had taken when it met the lock commit first; all the others queued behind them share
        // the next commit. One commit per write would make 50.
        Assert.InRange(_writer.Commits, 1, 2);
    }

    [Fact]
    public async Task A_write_that_fails_is_undone_alone_and_the_writes_beside_it_commit()
    {
        Task<int> before, failing, after;
        await using (await HoldWriteLockAsync())
        {
            before = _writer.WriteAsync((_, transaction) => InsertAsync(transaction, "before"), CancellationToken.None);
            failing = _writer.WriteAsync<int>(async (_, transaction) =>
            {
                await InsertAsync(transaction, "half-done");
                throw new InvalidOperationException("the second statement of this write failed");
            }, CancellationToken.None);
            after = _writer.WriteAsync((_, transaction) => InsertAsync(transaction, "after"), CancellationToken.None);
        }

        await Task.WhenAll(before, after);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("the second statement of this write failed", failure.Message);
        Assert.Equal("after,before", await ScalarAsync("SELECT group_concat(text, ',') FROM (SELECT text FROM notes ORDER BY text);"));
    }

    [Fact]
    public async Task A_database_error_reaches_its_caller_as_store_unavailable_without_the_values()
    {
        var failing = _writer.WriteAsync((_, transaction) => InsertAsync(transaction, null), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => failing);
        Assert.StartsWith("SQLite error 19", failure.Message); // SQLITE_CONSTRAINT: text is NOT NULL
        Assert.Equal(1, await _writer.WriteAsync((_, transaction) => InsertAsync(transaction, "next"), CancellationToken.None));
    }

    [Fact]
    public async Task A_write_whose_caller_gave_up_before_its_turn_writes_nothing()
    {
        using var giveUp = new CancellationTokenSource();
        Task<int> abandoned;
        await using (await HoldWriteLockAsync())
        {
            var first = _writer.WriteAsync((_, transaction) => InsertAsync(transaction, "first"), CancellationToken.None);
            abandoned = _writer.WriteAsync((_, transaction) => InsertAsync(transaction, "abandoned"), giveUp.Token);
            await giveUp.CancelAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM notes WHERE text = 'abandoned';"));
    }

    private static async Task<int> InsertAsync(SqliteTransaction transaction, string? text)
    {
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO notes (text) VALUES ($text);";
        insert.Parameters.AddWithValue("$text", (object?)text ?? DBNull.Value);
        return await insert.ExecuteNonQueryAsync();
    }

    /// <summary>Another connection holding the write lock until disposed: the writer's next transaction waits on it.</summary>
    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var locker = new SqliteConnection($"Data Source={_path};Pooling=False");
        await locker.OpenAsync();
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return locker;
    }

    private async Task ExecuteAsync(string sql) => await ScalarAsync(sql);

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
