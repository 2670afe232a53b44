using Microsoft.Data.Sqlite;
using static RetirementBridge.Storage.StoreRows;

namespace RetirementBridge.Storage.Sqlite;

// What operators read through the admin API. No query here selects the email or the username.
public sealed partial class SqliteRetirementStore
{
    public async Task<RetirementView?> GetRetirementAsync(string retirementId, CancellationToken cancellationToken) =>
        (await ReadRetirementsAsync("WHERE id = $id", cancellationToken, ("$id", retirementId))).SingleOrDefault();

    public Task<IReadOnlyList<RetirementView>> FindRetirementsAsync(RetirementQuery query, CancellationToken cancellationToken) =>
        ReadRetirementsAsync(
            """
            WHERE ($lms_user_id IS NULL OR lms_user_id = $lms_user_id) AND ($site IS NULL OR site = $site)
              AND ($webhook_id IS NULL OR webhook_id = $webhook_id)
            ORDER BY id LIMIT $limit
            """,
            cancellationToken,
            ("$lms_user_id", query.LmsUserId), ("$site", query.Site), ("$webhook_id", query.WebhookId), ("$limit", query.Limit));

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
            var result = new List<RetirementView>(rows.Count);
            foreach (var row in rows)
            {
                var deliveries = await ReadDeliveriesAsync(connection,
                    $"SELECT {DeliveryColumns} FROM deliveries WHERE retirement_id = $id ORDER BY deleter;", cancellationToken, ("$id", row.RetirementId));
                result.Add(row with { Deliveries = deliveries });
            }
            return result;
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

    public Task<IReadOnlyDictionary<string, int>> CountOrphanedDeliveriesAsync(IReadOnlyCollection<string> enabled, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, int>>(async connection =>
        {
            var counts = new Dictionary<string, int>();
            await using var query = Command(connection, null,
                "SELECT deleter, COUNT(*) FROM deliveries WHERE status IN ('pending', 'failed_will_retry', 'in_progress', 'waiting_on_provider', 'dry_run') GROUP BY deleter;");
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!enabled.Contains(reader.GetString(0)))
                    counts[reader.GetString(0)] = reader.GetInt32(1);
            }
            return counts;
        }, cancellationToken);

    public Task<int> CountDeadHoldingIdentityAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection => Convert.ToInt32(await ScalarAsync(connection, null,
            """
            SELECT COUNT(*) FROM retirements r
            WHERE r.pii_erased_at IS NULL AND EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = r.id AND d.status = 'dead');
            """, cancellationToken)), cancellationToken);

    private static async Task<IReadOnlyList<DeliveryView>> ReadDeliveriesAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var result = new List<DeliveryView>();
        await using var query = Command(connection, null, sql, parameters);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(StoreRows.Delivery(reader));
        return result;
    }
}
