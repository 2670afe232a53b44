using System.Net.Sockets;
using Npgsql;

namespace RetirementBridge.Storage.Postgres;

// Connection, transaction and command plumbing. Every database error leaves here as StoreUnavailableException,
// whose message names the SQLSTATE or the error's type only: never a parameter value, never the connection string.
public sealed partial class PostgresRetirementStore
{
    private Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(async (connection, committing) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            committing();
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);

    private Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync((connection, _) => work(connection), cancellationToken);

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Action, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            bool connected = false, committing = false;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                connected = true;
                return await work(connection, () => committing = true);
            }
            catch (NpgsqlException ex) when (attempt == 1 && connected && !committing && IsLostConnection(ex))
            {
                // A pooled connection that died while idle (a server restart, a failover, a terminated backend) fails at
                // its first use, and Npgsql then drops the pool's other idle connections. Nothing was committed: run once
                // more, on a fresh connection. (Not once COMMIT was sent: whether it landed is unknown, and the caller
                // must hear that.)
            }
            catch (PostgresException ex) when (attempt < 3 && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The lock order (deliveries, then retirements by id) should make this impossible; if PostgreSQL still
                // picks this transaction as a deadlock's victim, it was rolled back whole and can run again.
            }
            catch (Exception ex) when (IsDatabaseFailure(ex))
            {
                // Not getting a connection (refused, unreachable, every pooled one busy) is told apart from losing one.
                throw ex switch
                {
                    PostgresException server => new StoreUnavailableException($"PostgreSQL error {server.SqlState}", ex),
                    _ when !connected => new StoreUnavailableException($"cannot get a PostgreSQL connection ({PostgresErrors.Describe(ex)})", ex),
                    _ => new StoreUnavailableException($"PostgreSQL unavailable ({PostgresErrors.Describe(ex)})", ex),
                };
            }
        }
    }

    /// <summary>The connection was cut (an I/O error) or the server ended it (57P01 administrator command or shutdown,
    /// 57P02 crash, class 08 connection failures).</summary>
    private static bool IsLostConnection(NpgsqlException ex) =>
        ex is PostgresException server ? server.SqlState.StartsWith("57P0") || server.SqlState.StartsWith("08") : ex.InnerException is IOException or SocketException;

    // Refused or reset connections, an exhausted pool and command timeouts arrive as NpgsqlException (with a
    // SocketException, IOException or TimeoutException inside); errors the server reports, as PostgresException.
    private static bool IsDatabaseFailure(Exception ex) => ex is NpgsqlException or SocketException or TimeoutException or IOException;

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task<List<string>> StringsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var values = new List<string>();
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            values.Add(reader.GetString(0));
        return values;
    }

    /// <summary>Wakes every replica's dispatcher once this transaction commits (NOTIFY is delivered at commit, and
    /// not at all on rollback).</summary>
    private static Task NotifyWorkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"NOTIFY {WorkChannel};", cancellationToken);
}
