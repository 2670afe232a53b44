using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Postgres;

// What operators do: replay a delivery, close one (or a whole retirement) by hand, and the retention sweep.
public sealed partial class PostgresRetirementStore
{
    public Task<ReplayResult> ReplayAsync(string deliveryId, DateTimeOffset now, DateTimeOffset newDeadline, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var updated = await ExecuteAsync(connection, transaction,
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = @now, deadline_at = @deadline, updated_at = @now, completed_at = NULL,
                                      job_deadline_at = NULL, job_checks = 0
                WHERE id = @id AND status IN ('dead', 'failed_will_retry');
                """,
                cancellationToken, ("now", Ms(now)), ("deadline", Ms(newDeadline)), ("id", deliveryId));
            if (updated == 1)
            {
                await NotifyWorkAsync(connection, transaction, cancellationToken);
                return ReplayResult.Replayed;
            }
            var exists = await ScalarAsync(connection, transaction, "SELECT 1 FROM deliveries WHERE id = @id;", cancellationToken, ("id", deliveryId));
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
            // Locked before their states are read, so that no replica claims one of them between the check and the
            // update; deliveries first, then the retirement (the lock order).
            var where = wholeRetirement ? "retirement_id = @key" : "id = @key";
            var deliveries = new List<(string Id, string Status)>();
            string? retirementId = wholeRetirement ? key : null;
            await using (var query = Command(connection, transaction,
                $"SELECT id, status, retirement_id FROM deliveries WHERE {where} ORDER BY id FOR UPDATE;", ("key", key)))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    deliveries.Add((reader.GetString(0), reader.GetString(1)));
                    retirementId = reader.GetString(2);
                }
            }
            string? username = null, email = null;
            var found = false;
            if (retirementId is not null)
            {
                await using var identity = Command(connection, transaction, "SELECT username, email FROM retirements WHERE id = @id FOR UPDATE;", ("id", retirementId));
                await using var reader = await identity.ExecuteReaderAsync(cancellationToken);
                if (found = await reader.ReadAsync(cancellationToken))
                {
                    username = reader.IsDBNull(0) ? null : reader.GetString(0);
                    email = reader.IsDBNull(1) ? null : reader.GetString(1);
                }
            }
            if (!found)
                return new CloseOutcome(CloseResult.NotFound, null);
            if (deliveries.Any(d => d.Status == DeliveryStatus.InProgress))
                return new CloseOutcome(CloseResult.Running, retirementId);
            var closable = deliveries.Where(d => DeliveryStatus.Closable.Contains(d.Status)).Select(d => d.Id).ToArray();
            // Also a retirement with no delivery yet (no deleter was enabled): it gets one when a deleter is enabled.
            if (closable.Length == 0)
                return new CloseOutcome(CloseResult.NothingToClose, retirementId);
            if (CloseReason.NamesLearner(closure.Reason, username, email))
                return new CloseOutcome(CloseResult.ReasonNamesLearner, retirementId);

            await ExecuteAsync(connection, transaction,
                """
                UPDATE deliveries SET status = 'closed', next_attempt_at = NULL, closed_by = @by, closed_at = @at, close_reason = @reason,
                                      updated_at = @at, completed_at = @at
                WHERE id = ANY(@ids);
                """,
                cancellationToken, ("by", closure.ClosedBy), ("at", Ms(closure.ClosedAt)), ("reason", closure.Reason), ("ids", closable));
            await EraseIfFinishedAsync(connection, transaction, new Dictionary<string, DateTimeOffset> { [retirementId!] = closure.ClosedAt }, cancellationToken);
            return new CloseOutcome(CloseResult.Closed, retirementId);
        }, cancellationToken);

    public async Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // In slices, so that a large first sweep never holds its locks long.
        const int slice = 500;
        var total = 0;
        while (true)
        {
            var deleted = await WriteAsync(async (connection, transaction) =>
            {
                // A finished retirement never becomes unfinished, so these can be read without a lock; their deliveries
                // are deleted first (the lock order), then the retirements.
                var ids = (await StringsAsync(connection, transaction,
                    "SELECT id FROM retirements WHERE completed_at IS NOT NULL AND completed_at < @cutoff ORDER BY id LIMIT @slice;",
                    cancellationToken, ("cutoff", Ms(cutoff)), ("slice", slice))).ToArray();
                if (ids.Length == 0)
                    return 0;
                await ExecuteAsync(connection, transaction, $"DELETE FROM deliveries WHERE id IN ({Locked("retirement_id = ANY(@ids)")});", cancellationToken, ("ids", ids));
                return await ExecuteAsync(connection, transaction, "DELETE FROM retirements WHERE id = ANY(@ids);", cancellationToken, ("ids", ids));
            }, cancellationToken);
            total += deleted;
            if (deleted < slice)
                return total;
        }
    }
}
