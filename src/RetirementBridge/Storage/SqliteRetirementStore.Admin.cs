using Microsoft.Data.Sqlite;

namespace RetirementBridge.Storage;

// What operators read and do through the admin API. No query here selects the email or the username.
public sealed partial class SqliteRetirementStore
{
    private const string DeliveryColumns =
        "id, retirement_id, deleter, status, attempts, outcome, next_attempt_at, deadline_at, last_error, provider_reference, created_at, updated_at, completed_at";

    public Task<RetirementView?> GetRetirementAsync(string retirementId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            await using var query = Command(connection, null,
                """
                SELECT id, webhook_id, lms_user_id, retired_username, site, identity_source, received_at, completed_at, pii_erased_at
                FROM retirements WHERE id = $id;
                """, ("$id", retirementId));
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            var deliveries = await ReadDeliveriesAsync(connection,
                $"SELECT {DeliveryColumns} FROM deliveries WHERE retirement_id = $id ORDER BY deleter;", cancellationToken, ("$id", retirementId));
            return new RetirementView(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetInt64(6)),
                Time(reader.GetValue(7)), !reader.IsDBNull(8), deliveries);
        }, cancellationToken);

    public Task<IReadOnlyList<DeliveryView>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken) =>
        ReadAsync(connection => ReadDeliveriesAsync(connection,
            $"""
            SELECT {DeliveryColumns} FROM deliveries
            WHERE ($status IS NULL OR status = $status) AND ($deleter IS NULL OR deleter = $deleter) AND ($after IS NULL OR id > $after)
            ORDER BY id LIMIT $limit;
            """,
            cancellationToken, ("$status", query.Status), ("$deleter", query.Deleter), ("$after", query.After), ("$limit", query.Limit)),
            cancellationToken);

    public Task<ReplayResult> ReplayAsync(string deliveryId, DateTimeOffset now, DateTimeOffset newDeadline, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var updated = await ExecuteAsync(connection, transaction,
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = $now, deadline_at = $deadline, updated_at = $now, completed_at = NULL
                WHERE id = $id AND status IN ('dead', 'failed_will_retry');
                """,
                cancellationToken, ("$now", Ms(now)), ("$deadline", Ms(newDeadline)), ("$id", deliveryId));
            if (updated == 1)
                return ReplayResult.Replayed;
            var exists = await ScalarAsync(connection, transaction, "SELECT 1 FROM deliveries WHERE id = $id;", cancellationToken, ("$id", deliveryId));
            return exists is null ? ReplayResult.NotFound : ReplayResult.NotReplayable;
        }, cancellationToken);

    private static async Task<IReadOnlyList<DeliveryView>> ReadDeliveriesAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var result = new List<DeliveryView>();
        await using var query = Command(connection, null, sql, parameters);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new DeliveryView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetValue(6)), Time(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                Time(reader.GetInt64(10)), Time(reader.GetInt64(11)), Time(reader.GetValue(12))));
        }
        return result;
    }
}
