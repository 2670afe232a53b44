using Npgsql;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Postgres;

// The way in: one transaction per notification (retirement row + one delivery per deleter), committed before the
// webhook answers 202 (synchronous_commit, on by default, makes that commit durable).
public sealed partial class PostgresRetirementStore
{
    public Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var learner = incoming.Learner;
            while (true)
            {
                // Two requests with one webhook-id (a retry racing the original, on two replicas): the second INSERT
                // waits for the first's commit, then inserts nothing.
                var retirementId = await ScalarAsync(connection, transaction,
                    """
                    INSERT INTO retirements (id, webhook_id, body_sha256, lms_user_id, username, email, retired_username, retired_email,
                                             site, identity_source, event_timestamp, received_at)
                    VALUES (@id, @webhook_id, @sha, @lms_user_id, @username, @email, @retired_username, @retired_email,
                            @site, @identity_source, @event_timestamp, @received_at)
                    ON CONFLICT (webhook_id) DO NOTHING
                    RETURNING id;
                    """,
                    cancellationToken,
                    ("id", NewId("ret")), ("webhook_id", incoming.WebhookId), ("sha", incoming.BodySha256),
                    ("lms_user_id", learner.LmsUserId), ("username", learner.Username), ("email", learner.Email),
                    ("retired_username", learner.RetiredUsername), ("retired_email", learner.RetiredEmail),
                    ("site", learner.Site), ("identity_source", incoming.IdentitySource),
                    ("event_timestamp", Ms(incoming.EventTimestamp)), ("received_at", Ms(incoming.ReceivedAt))) as string;
                if (retirementId is not null)
                {
                    await InsertDeliveriesAsync(connection, transaction, [.. deleters.Select(_ => retirementId)], [.. deleters],
                        incoming.ReceivedAt, incoming.Deadline, cancellationToken);
                    await NotifyWorkAsync(connection, transaction, cancellationToken);
                    return new AcceptResult(retirementId, Duplicate: false, DuplicateWithDifferentBody: false);
                }

                // A new statement, so it sees the row the other request committed.
                await using var existing = Command(connection, transaction,
                    "SELECT id, body_sha256 FROM retirements WHERE webhook_id = @webhook_id;", ("webhook_id", incoming.WebhookId));
                await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                    return new AcceptResult(reader.GetString(0), Duplicate: true, DuplicateWithDifferentBody: reader.GetString(1) != incoming.BodySha256);
                // The conflicting row was deleted in between (the retention sweep): insert again.
            }
        }, cancellationToken);

    public Task<int> AddMissingDeliveriesAsync(IReadOnlyCollection<string> deleters, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            // FOR SHARE, in id order: a retirement whose identity is being erased right now is waited for and then
            // skipped (a new pending delivery would need the erased identity); one locked here first holds that erasure
            // back until this commits, and the erasure then sees the new delivery.
            var retirementIds = new List<string>();
            var missing = new List<string>();
            await using (var query = Command(connection, transaction,
                """
                SELECT r.id, x.deleter FROM retirements r CROSS JOIN unnest(@deleters::text[]) AS x (deleter)
                WHERE r.pii_erased_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = r.id AND d.deleter = x.deleter)
                ORDER BY r.id, x.deleter
                FOR SHARE OF r;
                """, ("deleters", deleters.ToArray())))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    retirementIds.Add(reader.GetString(0));
                    missing.Add(reader.GetString(1));
                }
            }
            var added = await InsertDeliveriesAsync(connection, transaction, [.. retirementIds], [.. missing], now, deadline, cancellationToken);
            if (added > 0)
                await NotifyWorkAsync(connection, transaction, cancellationToken);
            return added;
        }, cancellationToken);

    /// <summary>One pending delivery per (retirement, deleter) pair, in one statement. A pair another replica added
    /// meanwhile is skipped, not an error (replicas starting together each add the missing deliveries).</summary>
    private static async Task<int> InsertDeliveriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] retirementIds, string[] deleters,
        DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (retirementIds.Length == 0)
            return 0;
        return await ExecuteAsync(connection, transaction,
            """
            INSERT INTO deliveries (id, retirement_id, deleter, status, attempts, next_attempt_at, deadline_at, created_at, updated_at)
            SELECT n.id, n.retirement_id, n.deleter, 'pending', 0, @now, @deadline, @now, @now
            FROM unnest(@ids::text[], @retirement_ids::text[], @deleters::text[]) AS n (id, retirement_id, deleter)
            ON CONFLICT (retirement_id, deleter) DO NOTHING;
            """,
            cancellationToken,
            ("ids", retirementIds.Select(_ => NewId("dlv")).ToArray()), ("retirement_ids", retirementIds), ("deleters", deleters),
            ("now", Ms(now)), ("deadline", Ms(deadline)));
    }
}
