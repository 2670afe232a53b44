using Microsoft.Data.Sqlite;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Sqlite;

// What operators do: replay a delivery, close one (or a whole retirement) by hand, and the retention sweep.
public sealed partial class SqliteRetirementStore
{
    public Task<ReplayResult> ReplayAsync(string deliveryId, DateTimeOffset now, DateTimeOffset newDeadline, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var updated = await ExecuteAsync(connection, transaction,
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = $now, deadline_at = $deadline, updated_at = $now, completed_at = NULL,
                                      job_deadline_at = NULL, job_checks = 0
                WHERE id = $id AND status IN ('dead', 'failed_will_retry');
                """,
                cancellationToken, ("$now", Ms(now)), ("$deadline", Ms(newDeadline)), ("$id", deliveryId));
            if (updated == 1)
                return ReplayResult.Replayed;
            var exists = await ScalarAsync(connection, transaction, "SELECT 1 FROM deliveries WHERE id = $id;", cancellationToken, ("$id", deliveryId));
            return exists is null ? ReplayResult.NotFound : ReplayResult.NotReplayable;
        }, cancellationToken);

    public Task<CloseOutcome> CloseDeliveryAsync(string deliveryId, DeliveryClosure closure, CancellationToken cancellationToken) =>
        CloseAsync(wholeRetirement: false, deliveryId, closure, cancellationToken);

    public Task<CloseOutcome> CloseRetirementAsync(string retirementId, DeliveryClosure closure, CancellationToken cancellationToken) =>
        CloseAsync(wholeRetirement: true, retirementId, closure, cancellationToken);

    /// <summary>Closes one delivery, or every closable delivery of a retirement (all or nothing), then purges the
    /// identity if nothing else still needs it.</summary>
    private Task<CloseOutcome> CloseAsync(bool wholeRetirement, string key, DeliveryClosure closure, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var where = wholeRetirement ? "d.retirement_id = $key" : "d.id = $key";
            var deliveries = new List<(string Id, string Status)>();
            string? retirementId = null, username = null, email = null;
            await using (var query = Command(connection, transaction,
                $"SELECT d.id, d.status, d.retirement_id, r.username, r.email FROM deliveries d JOIN retirements r ON r.id = d.retirement_id WHERE {where};",
                ("$key", key)))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    deliveries.Add((reader.GetString(0), reader.GetString(1)));
                    retirementId = reader.GetString(2);
                    username = reader.IsDBNull(3) ? null : reader.GetString(3);
                    email = reader.IsDBNull(4) ? null : reader.GetString(4);
                }
            }
            if (retirementId is null)
            {
                // A retirement with no delivery yet (no deleter was enabled) has nothing to close: it gets a delivery
                // when a deleter is enabled.
                var exists = wholeRetirement
                    && await ScalarAsync(connection, transaction, "SELECT 1 FROM retirements WHERE id = $key;", cancellationToken, ("$key", key)) is not null;
                return new CloseOutcome(exists ? CloseResult.NothingToClose : CloseResult.NotFound, exists ? key : null);
            }
            if (deliveries.Any(d => d.Status == DeliveryStatus.InProgress))
                return new CloseOutcome(CloseResult.Running, retirementId);
            var closable = deliveries.Where(d => DeliveryStatus.Closable.Contains(d.Status)).ToList();
            if (closable.Count == 0)
                return new CloseOutcome(CloseResult.NothingToClose, retirementId);
            if (CloseReason.NamesLearner(closure.Reason, username, email))
                return new CloseOutcome(CloseResult.ReasonNamesLearner, retirementId);

            foreach (var (id, _) in closable)
            {
                await ExecuteAsync(connection, transaction,
                    """
                    UPDATE deliveries SET status = 'closed', next_attempt_at = NULL, closed_by = $by, closed_at = $at, close_reason = $reason,
                                          updated_at = $at, completed_at = $at
                    WHERE id = $id;
                    """,
                    cancellationToken, ("$by", closure.ClosedBy), ("$at", Ms(closure.ClosedAt)), ("$reason", closure.Reason), ("$id", id));
            }
            await EraseIfFinishedAsync(connection, transaction, retirementId, closure.ClosedAt, cancellationToken);
            return new CloseOutcome(CloseResult.Closed, retirementId);
        }, cancellationToken);

    public async Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // In slices, so a large first sweep never holds the write lock long enough to make the webhook answer 503.
        const int slice = 500;
        var total = 0;
        while (true)
        {
            var deleted = await WriteAsync(async (connection, transaction) =>
            {
                var ids = new List<string>();
                await using (var query = Command(connection, transaction,
                    "SELECT id FROM retirements WHERE completed_at IS NOT NULL AND completed_at < $cutoff LIMIT $slice;",
                    ("$cutoff", Ms(cutoff)), ("$slice", slice)))
                await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                        ids.Add(reader.GetString(0));
                }
                foreach (var id in ids)
                {
                    await ExecuteAsync(connection, transaction, "DELETE FROM deliveries WHERE retirement_id = $id;", cancellationToken, ("$id", id));
                    await ExecuteAsync(connection, transaction, "DELETE FROM retirements WHERE id = $id;", cancellationToken, ("$id", id));
                }
                return ids.Count;
            }, cancellationToken);
            total += deleted;
            if (deleted < slice)
                return total;
        }
    }
}
