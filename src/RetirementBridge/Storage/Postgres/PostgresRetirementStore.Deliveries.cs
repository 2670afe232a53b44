using Npgsql;
using RetirementBridge.Deleters;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Postgres;

// The dispatcher's side: leasing due work, recording attempts, and erasing the learner's identity from this
// store once every deleter has succeeded (the bridge must not become the last place that remembers them).
public sealed partial class PostgresRetirementStore
{
    private const string DueCondition =
        """
        ((d.status IN ('pending', 'failed_will_retry', 'waiting_on_provider') AND d.next_attempt_at <= @now)
          OR (d.status = 'in_progress' AND d.lease_expires_at <= @now))
        """;

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(string deleter, int max, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<ClaimedDelivery>>(async (connection, transaction) =>
        {
            // SKIP LOCKED: rows another claim (of this replica or another) is leasing right now are passed over, so two
            // claims never lease the same delivery and never wait for each other.
            await using var claim = Command(connection, transaction,
                $"""
                WITH due AS (
                    SELECT d.id FROM deliveries d
                    WHERE d.deleter = @deleter AND {DueCondition}
                    ORDER BY d.next_attempt_at, d.id
                    LIMIT @max
                    FOR UPDATE OF d SKIP LOCKED
                ), leased AS (
                    UPDATE deliveries d SET status = 'in_progress', lease_owner = @owner, lease_expires_at = @expires, updated_at = @now
                    FROM due WHERE d.id = due.id
                    RETURNING d.id, d.retirement_id, d.attempts, d.deadline_at, d.provider_reference, d.job_deadline_at, d.job_checks, d.next_attempt_at
                )
                SELECT l.id, l.retirement_id, l.attempts, l.deadline_at, l.provider_reference,
                       r.lms_user_id, r.username, r.email, r.retired_username, r.retired_email, r.site, l.job_deadline_at, l.job_checks
                FROM leased l JOIN retirements r ON r.id = l.retirement_id
                ORDER BY l.next_attempt_at, l.id;
                """,
                ("deleter", deleter), ("now", Ms(now)), ("max", max), ("owner", owner), ("expires", Ms(now + lease)));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            var claimed = new List<ClaimedDelivery>();
            while (await reader.ReadAsync(cancellationToken))
                claimed.Add(StoreRows.Claimed(reader, deleter));
            return claimed;
        }, cancellationToken);

    public Task<int> RenewLeasesAsync(string owner, IReadOnlyCollection<string> deliveryIds, DateTimeOffset expires, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            $"UPDATE deliveries SET lease_expires_at = @expires WHERE id IN ({Locked("id = ANY(@ids) AND status = 'in_progress' AND lease_owner = @owner")});",
            cancellationToken, ("expires", Ms(expires)), ("ids", deliveryIds.ToArray()), ("owner", owner)), cancellationToken);

    /// <summary>The deliveries matching <paramref name="where"/>, locked in id order (the lock order) before a
    /// statement updates them; a plain UPDATE would lock them in whatever order its plan reads them.</summary>
    private static string Locked(string where) => $"SELECT id FROM deliveries WHERE {where} ORDER BY id FOR UPDATE";

    public Task<IReadOnlyList<bool>> RecordAttemptsAsync(IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<bool>>(async (connection, transaction) =>
        {
            var recorded = new bool[records.Count];
            if (records.Count == 0)
                return recorded;
            // One transaction and one round trip for a whole batch's outcomes, in delivery id order (the lock order).
            var order = Enumerable.Range(0, records.Count).OrderBy(i => records[i].DeliveryId, StringComparer.Ordinal).ToList();
            var succeeded = new Dictionary<string, DateTimeOffset>();
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var i in order)
                    batch.BatchCommands.Add(RecordCommand(records[i]));
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                foreach (var i in order)
                {
                    // A row back: the lease was still held and the outcome is recorded.
                    if (await reader.ReadAsync(cancellationToken))
                    {
                        recorded[i] = true;
                        // A retirement finishes when the last of its deliveries does.
                        var retirementId = reader.GetString(0);
                        if (records[i].Status == DeliveryStatus.Succeeded && (!succeeded.TryGetValue(retirementId, out var at) || records[i].FinishedAt > at))
                            succeeded[retirementId] = records[i].FinishedAt;
                    }
                    await reader.NextResultAsync(cancellationToken);
                }
            }
            await EraseIfFinishedAsync(connection, transaction, succeeded, cancellationToken);
            return recorded;
        }, cancellationToken);

    private static NpgsqlBatchCommand RecordCommand(AttemptRecord record)
    {
        var finished = record.Status is DeliveryStatus.Succeeded or DeliveryStatus.Dead;
        var command = new NpgsqlBatchCommand(
            """
            UPDATE deliveries
            SET status = @status, attempts = attempts + @attempt, job_checks = job_checks + @check,
                next_attempt_at = @next, lease_owner = NULL, lease_expires_at = NULL,
                outcome = @outcome, last_error = @error, provider_reference = COALESCE(@reference, provider_reference),
                job_deadline_at = @job_deadline, updated_at = @now, completed_at = @completed
            WHERE id = @id AND status = 'in_progress' AND lease_owner = @owner
            RETURNING retirement_id;
            """);
        (string, object?)[] parameters =
        [
            ("status", record.Status), ("attempt", record.CountsAsAttempt ? 1 : 0), ("check", record.IsJobCheck ? 1 : 0),
            ("next", Ms(record.NextAttemptAt)), ("outcome", record.Outcome), ("error", record.LastError), ("reference", record.ProviderReference),
            ("job_deadline", Ms(record.JobDeadline)), ("now", Ms(record.FinishedAt)), ("completed", finished ? Ms(record.FinishedAt) : null),
            ("id", record.DeliveryId), ("owner", record.Owner),
        ];
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Deliveries left in dry run by a deleter that now runs for real become due at once.</summary>
    public Task<int> ReleaseDryRunsAsync(IReadOnlyCollection<string> liveDeleters, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var released = await ExecuteAsync(connection, transaction,
                $"UPDATE deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now WHERE id IN ({Locked("deleter = ANY(@deleters) AND status = 'dry_run'")});",
                cancellationToken, ("now", Ms(now)), ("deleters", liveDeleters.ToArray()));
            if (released > 0)
                await NotifyWorkAsync(connection, transaction, cancellationToken);
            return released;
        }, cancellationToken);

    /// <summary>
    /// Once every delivery of a retirement succeeded or was closed by an operator, the original email and username are
    /// no longer needed: erase them, keeping only the pseudonymous record of what was done.
    /// Two replicas may finish the last two deliveries of one retirement at once, each seeing the other's delivery as
    /// unfinished. So each first locks the retirement rows (in id order) and only then checks, in a new statement:
    /// whichever gets the lock second sees the first's committed work, and erases.
    /// </summary>
    private static async Task EraseIfFinishedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyDictionary<string, DateTimeOffset> finishedAt, CancellationToken cancellationToken)
    {
        if (finishedAt.Count == 0)
            return;
        var ids = finishedAt.Keys.ToArray();
        await ExecuteAsync(connection, transaction, "SELECT 1 FROM retirements WHERE id = ANY(@ids) ORDER BY id FOR UPDATE;", cancellationToken, ("ids", ids));
        await ExecuteAsync(connection, transaction,
            """
            UPDATE retirements r SET username = NULL, email = NULL, completed_at = e.at, pii_erased_at = e.at
            FROM unnest(@ids::text[], @ats::bigint[]) AS e (id, at)
            WHERE r.id = e.id AND r.pii_erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = r.id AND d.status NOT IN ('succeeded', 'closed'));
            """,
            cancellationToken, ("ids", ids), ("ats", ids.Select(id => Ms(finishedAt[id])).ToArray()));
    }

    public Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<string> deleters, CancellationToken cancellationToken) =>
        ReadAsync(async connection => Time(await ScalarAsync(connection, null,
            """
            SELECT LEAST(
              (SELECT MIN(next_attempt_at) FROM deliveries
               WHERE deleter = ANY(@deleters) AND status IN ('pending', 'failed_will_retry', 'waiting_on_provider')),
              (SELECT MIN(lease_expires_at) FROM deliveries WHERE deleter = ANY(@deleters) AND status = 'in_progress'));
            """, cancellationToken, ("deleters", deleters.ToArray()))), cancellationToken);
}
