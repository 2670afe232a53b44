using Microsoft.Data.Sqlite;
using RetirementBridge.Deleters;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Sqlite;

// The dispatcher's side: leasing due work, recording attempts, and erasing the learner's identity from this
// store once every deleter has succeeded (the bridge must not become the last place that remembers them).
public sealed partial class SqliteRetirementStore
{
    private const string DueCondition =
        """
        ((d.status IN ('pending', 'failed_will_retry', 'waiting_on_provider') AND d.next_attempt_at <= $now)
          OR (d.status = 'in_progress' AND d.lease_expires_at <= $now))
        """;

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string deleter, int max, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<ClaimedDelivery>>(async (connection, transaction) =>
        {
            var claimed = new List<ClaimedDelivery>();
            await using (var query = Command(connection, transaction,
                $"""
                SELECT d.id, d.retirement_id, d.attempts, d.deadline_at, d.provider_reference,
                       r.lms_user_id, r.username, r.email, r.retired_username, r.retired_email, r.site, d.job_deadline_at, d.job_checks
                FROM deliveries d JOIN retirements r ON r.id = d.retirement_id
                WHERE d.deleter = $deleter AND {DueCondition}
                ORDER BY d.next_attempt_at, d.id
                LIMIT $max;
                """,
                ("$deleter", deleter), ("$now", Ms(now)), ("$max", max)))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    claimed.Add(StoreRows.Claimed(reader, deleter));
            }
            // One prepared statement for the whole batch: a claim can hold thousands of deliveries.
            await using var leaseCommand = Command(connection, transaction,
                "UPDATE deliveries SET status = 'in_progress', lease_owner = $owner, lease_expires_at = $expires, updated_at = $now WHERE id = $id;",
                ("$owner", owner), ("$expires", Ms(now + lease)), ("$now", Ms(now)), ("$id", ""));
            foreach (var delivery in claimed)
            {
                leaseCommand.Parameters["$id"].Value = delivery.DeliveryId;
                await leaseCommand.ExecuteNonQueryAsync(cancellationToken);
            }
            return claimed;
        }, cancellationToken);

    public Task<int> RenewLeasesAsync(string owner, IReadOnlyCollection<string> deliveryIds, DateTimeOffset expires, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var renew = Command(connection, transaction,
                "UPDATE deliveries SET lease_expires_at = $expires WHERE id = $id AND status = 'in_progress' AND lease_owner = $owner;",
                ("$expires", Ms(expires)), ("$owner", owner), ("$id", ""));
            var held = 0;
            foreach (var id in deliveryIds)
            {
                renew.Parameters["$id"].Value = id;
                held += await renew.ExecuteNonQueryAsync(cancellationToken);
            }
            return held;
        }, cancellationToken);

    public Task<IReadOnlyList<bool>> RecordAttemptsAsync(IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<bool>>(async (connection, transaction) =>
        {
            // One transaction (one fsync) for a whole batch's outcomes.
            await using var update = Command(connection, transaction,
                """
                UPDATE deliveries
                SET status = $status, attempts = attempts + $attempt, job_checks = job_checks + $check,
                    next_attempt_at = $next, lease_owner = NULL, lease_expires_at = NULL,
                    outcome = $outcome, last_error = $error, provider_reference = COALESCE($reference, provider_reference),
                    job_deadline_at = $job_deadline, updated_at = $now, completed_at = $completed
                WHERE id = $id AND status = 'in_progress' AND lease_owner = $owner
                RETURNING retirement_id;
                """,
                ("$status", ""), ("$attempt", 0), ("$check", 0), ("$next", null), ("$outcome", null), ("$error", null), ("$reference", null),
                ("$job_deadline", null), ("$now", 0L), ("$completed", null), ("$id", ""), ("$owner", ""));
            var recorded = new List<bool>(records.Count);
            foreach (var record in records)
            {
                var finished = record.Status is DeliveryStatus.Succeeded or DeliveryStatus.Dead;
                Set(update, "$status", record.Status);
                Set(update, "$attempt", record.CountsAsAttempt ? 1 : 0);
                Set(update, "$check", record.IsJobCheck ? 1 : 0);
                Set(update, "$next", record.NextAttemptAt is { } n ? Ms(n) : null);
                Set(update, "$outcome", record.Outcome);
                Set(update, "$error", record.LastError);
                Set(update, "$reference", record.ProviderReference);
                Set(update, "$job_deadline", record.JobDeadline is { } j ? Ms(j) : null);
                Set(update, "$now", Ms(record.FinishedAt));
                Set(update, "$completed", finished ? Ms(record.FinishedAt) : null);
                Set(update, "$id", record.DeliveryId);
                Set(update, "$owner", record.Owner);
                var retirementId = await update.ExecuteScalarAsync(cancellationToken) as string;
                recorded.Add(retirementId is not null);
                if (retirementId is not null && record.Status == DeliveryStatus.Succeeded)
                    await EraseIfFinishedAsync(connection, transaction, retirementId, record.FinishedAt, cancellationToken);
            }
            return recorded;
        }, cancellationToken);

    /// <summary>Deliveries left in dry run by a deleter that now runs for real become due at once.</summary>
    public Task<int> ReleaseDryRunsAsync(IReadOnlyCollection<string> liveDeleters, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var released = 0;
            foreach (var deleter in liveDeleters)
            {
                released += await ExecuteAsync(connection, transaction,
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = $now, updated_at = $now WHERE deleter = $deleter AND status = 'dry_run';",
                    cancellationToken, ("$now", Ms(now)), ("$deleter", deleter));
            }
            return released;
        }, cancellationToken);

    private static void Set(SqliteCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    /// <summary>Once every delivery of a retirement succeeded or was closed by an operator, the original email and
    /// username are no longer needed: erase them, keeping only the pseudonymous record of what was done.</summary>
    private static Task<int> EraseIfFinishedAsync(SqliteConnection connection, SqliteTransaction? transaction, string retirementId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction,
            """
            UPDATE retirements SET username = NULL, email = NULL, completed_at = $now, pii_erased_at = $now
            WHERE id = $retirement_id AND pii_erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = retirements.id AND d.status NOT IN ('succeeded', 'closed'));
            """,
            cancellationToken, ("$now", Ms(now)), ("$retirement_id", retirementId));

    public Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> deleters, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            if (deleters.Count == 0)
                return (DateTimeOffset?)null;
            var names = deleters.Select((name, i) => ($"$d{i}", (object?)name)).ToArray();
            var list = string.Join(", ", names.Select(n => n.Item1));
            var value = await ScalarAsync(connection, null,
                $"""
                SELECT MIN(t) FROM (
                  SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE deleter IN ({list}) AND status IN ('pending', 'failed_will_retry', 'waiting_on_provider')
                  UNION ALL
                  SELECT MIN(lease_expires_at) FROM deliveries WHERE deleter IN ({list}) AND status = 'in_progress');
                """, cancellationToken, names);
            return Time(value!);
        }, cancellationToken);
}
