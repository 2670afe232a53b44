using Microsoft.Data.Sqlite;

namespace RetirementBridge.Storage.Sqlite;

// Connection, transaction and command plumbing. Every database error leaves here (or the writer) as
// StoreUnavailableException, whose message carries SQLite's error code only (never parameter values).
public sealed partial class SqliteRetirementStore
{
    /// <summary>Runs <paramref name="work"/> in the writer's next transaction (shared with the writes queued beside it)
    /// and returns once that transaction is durable.</summary>
    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        _writer.WriteAsync(work, cancellationToken);

    /// <summary>Reads on a pooled connection of their own: in WAL mode they see the last commit and never wait on the
    /// writer. (The writer's PRAGMAs concern writing only.)</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw SqliteWriter.Unavailable(ex);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
