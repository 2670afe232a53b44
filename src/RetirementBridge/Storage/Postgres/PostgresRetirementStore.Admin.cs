using Npgsql;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Postgres;

// What operators read through the admin API. No query here selects the email or the username.
public sealed partial class PostgresRetirementStore
{
    private const string RetirementColumns =
        "id, webhook_id, lms_user_id, retired_username, site, identity_source, received_at, completed_at, pii_erased_at";

    private const string DeliveryColumns =
        "id, retirement_id, deleter, status, attempts, outcome, next_attempt_at, deadline_at, last_error, provider_reference, " +
        "created_at, updated_at, completed_at, closed_by, closed_at, close_reason, job_deadline_at, job_checks";

    public async Task<RetirementView?> GetRetirementAsync(string retirementId, CancellationToken cancellationToken) =>
        (await ReadRetirementsAsync("WHERE id = @id", cancellationToken, ("id", retirementId))).SingleOrDefault();

    public Task<IReadOnlyList<RetirementView>> FindRetirementsAsync(RetirementQuery query, CancellationToken cancellationToken) =>
        ReadRetirementsAsync(
            """
            WHERE (@lms_user_id::bigint IS NULL OR lms_user_id = @lms_user_id) AND (@site::text IS NULL OR site = @site)
              AND (@webhook_id::text IS NULL OR webhook_id = @webhook_id)
            ORDER BY id LIMIT @limit
            """,
            cancellationToken,
            ("lms_user_id", query.LmsUserId), ("site", query.Site), ("webhook_id", query.WebhookId), ("limit", query.Limit));

    private Task<IReadOnlyList<RetirementView>> ReadRetirementsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        ReadAsync<IReadOnlyList<RetirementView>>(async connection =>
        {
            var rows = new List<RetirementView>();
            await using (var query = Command(connection, null, $"SELECT {RetirementColumns} FROM retirements {where};", parameters))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(new RetirementView(
                        reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetInt64(6)),
                        Time(reader.GetValue(7)), !reader.IsDBNull(8), []));
                }
            }
            if (rows.Count == 0)
                return rows;
            // Every listed retirement's deliveries in one query.
            var deliveries = (await ReadDeliveriesAsync(connection,
                    $"SELECT {DeliveryColumns} FROM deliveries WHERE retirement_id = ANY(@ids) ORDER BY deleter;",
                    cancellationToken, ("ids", rows.Select(r => r.RetirementId).ToArray())))
                .ToLookup(d => d.RetirementId);
            return rows.Select(row => row with { Deliveries = [.. deliveries[row.RetirementId]] }).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<DeliveryView>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken) =>
        ReadAsync(connection => ReadDeliveriesAsync(connection,
            $"""
            SELECT {DeliveryColumns} FROM deliveries
            WHERE (@status::text IS NULL OR status = @status) AND (@deleter::text IS NULL OR deleter = @deleter)
              AND (@after::text IS NULL OR id > @after)
            ORDER BY id LIMIT @limit;
            """,
            cancellationToken, ("status", query.Status), ("deleter", query.Deleter), ("after", query.After), ("limit", query.Limit)),
            cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> CountOrphanedDeliveriesAsync(IReadOnlyCollection<string> enabled, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, int>>(async connection =>
        {
            var counts = new Dictionary<string, int>();
            await using var query = Command(connection, null,
                """
                SELECT deleter, COUNT(*) FROM deliveries
                WHERE status IN ('pending', 'failed_will_retry', 'in_progress', 'waiting_on_provider', 'dry_run') AND NOT (deleter = ANY(@enabled))
                GROUP BY deleter;
                """, ("enabled", enabled.ToArray()));
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                counts[reader.GetString(0)] = Convert.ToInt32(reader.GetInt64(1));
            return counts;
        }, cancellationToken);

    public Task<int> CountDeadHoldingIdentityAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection => Convert.ToInt32(await ScalarAsync(connection, null,
            """
            SELECT COUNT(*) FROM retirements r
            WHERE r.pii_erased_at IS NULL AND EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = r.id AND d.status = 'dead');
            """, cancellationToken)), cancellationToken);

    private static async Task<IReadOnlyList<DeliveryView>> ReadDeliveriesAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var result = new List<DeliveryView>();
        await using var query = Command(connection, null, sql, parameters);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var closure = reader.IsDBNull(13) ? null
                : new DeliveryClosure(reader.GetString(13), Time(reader.GetInt64(14)), reader.GetString(15));
            result.Add(new DeliveryView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetValue(6)), Time(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                Time(reader.GetInt64(10)), Time(reader.GetInt64(11)), Time(reader.GetValue(12)), closure,
                Time(reader.GetValue(16)), reader.GetInt32(17)));
        }
        return result;
    }
}
