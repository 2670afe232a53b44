using Npgsql;
using static RetirementBridge.Storage.StoreRows;

namespace RetirementBridge.Storage.Postgres;

// What operators read through the admin API. No query here selects the email or the username.
public sealed partial class PostgresRetirementStore
{
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
                    rows.Add(StoreRows.Retirement(reader));
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
            result.Add(StoreRows.Delivery(reader));
        return result;
    }
}
