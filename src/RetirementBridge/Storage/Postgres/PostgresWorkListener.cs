using Npgsql;
using RetirementBridge.Dispatch;

namespace RetirementBridge.Storage.Postgres;

/// <summary>
/// Wakes this replica's dispatcher when any replica commits new work: the store sends <c>NOTIFY</c> on
/// <see cref="PostgresRetirementStore.WorkChannel"/> in the transaction that accepts a notification (or replays, or adds deliveries), and PostgreSQL
/// delivers it to every listening replica at commit. Retries still wake at their own time (the dispatcher's timer), and
/// the idle poll remains the safety net for a notification lost while the listening connection was down.
/// </summary>
public sealed partial class PostgresWorkListener(NpgsqlDataSource database, DispatchSignal signal, ILogger<PostgresWorkListener> logger) : BackgroundService
{
    /// <summary>How long to wait for a notification before checking that the connection still answers.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var retry = TimeSpan.FromSeconds(1);
        var down = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stopping);
                connection.Notification += (_, _) => signal.Ring();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresRetirementStore.WorkChannel};", connection))
                    await listen.ExecuteNonQueryAsync(stopping);
                if (down)
                    LogListening();
                down = false;
                retry = TimeSpan.FromSeconds(1);
                // Whatever was committed while not listening is looked for now.
                signal.Ring();
                while (!stopping.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(KeepAlive, stopping))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                        await ping.ExecuteScalarAsync(stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                if (!down)
                    LogNotListening(PostgresErrors.Describe(ex));
                down = true;
                try
                {
                    await Task.Delay(retry, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not listening for new work from other replicas ({Error:l}): new work is found at the next poll until the connection is back")]
    private partial void LogNotListening(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for new work from other replicas again")]
    private partial void LogListening();
}
