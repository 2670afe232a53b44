using Microsoft.Data.Sqlite;

namespace RetirementBridge.Storage.Sqlite;

// Connection, transaction and command plumbing. Every database error leaves here as StoreUnavailableException,
// whose message carries SQLite's error code only (never parameter values).
public sealed partial class SqliteRetirementStore
{
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        // FULL: the WAL is fsynced at every commit, so an acknowledged notification survives power loss.
        // secure_delete: erased emails and usernames are overwritten with zeros, not left in free pages.
        pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction?, Task<T>> work, CancellationToken cancellationToken, bool beginTransaction = true)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            if (!beginTransaction)
                return await work(connection, null);
            // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock upgrade.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"SQLite error {ex.SqliteErrorCode} ({ex.SqliteExtendedErrorCode})", ex);
        }
        catch (IOException ex)
        {
            throw new StoreUnavailableException($"store I/O error ({ex.GetType().Name})", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection);
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"SQLite error {ex.SqliteErrorCode} ({ex.SqliteExtendedErrorCode})", ex);
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
