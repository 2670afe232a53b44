using Microsoft.Data.Sqlite;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Sqlite;

// The way in: one transaction per notification (retirement row + one delivery per deleter). Kept to a single
// store call so that concurrent requests' commits can later be grouped into one transaction behind it.
public sealed partial class SqliteRetirementStore
{
    public Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using (var existing = Command(connection, transaction,
                "SELECT id, body_sha256 FROM retirements WHERE webhook_id = $webhook_id;", ("$webhook_id", incoming.WebhookId)))
            await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                    return new AcceptResult(reader.GetString(0), Duplicate: true, DuplicateWithDifferentBody: reader.GetString(1) != incoming.BodySha256);
            }

            var retirementId = NewId("ret");
            var learner = incoming.Learner;
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO retirements (id, webhook_id, body_sha256, lms_user_id, username, email, retired_username, retired_email,
                                         site, identity_source, event_timestamp, received_at)
                VALUES ($id, $webhook_id, $sha, $lms_user_id, $username, $email, $retired_username, $retired_email,
                        $site, $identity_source, $event_timestamp, $received_at);
                """,
                cancellationToken,
                ("$id", retirementId), ("$webhook_id", incoming.WebhookId), ("$sha", incoming.BodySha256),
                ("$lms_user_id", learner.LmsUserId), ("$username", learner.Username), ("$email", learner.Email),
                ("$retired_username", learner.RetiredUsername), ("$retired_email", learner.RetiredEmail),
                ("$site", learner.Site), ("$identity_source", incoming.IdentitySource),
                ("$event_timestamp", incoming.EventTimestamp is { } t ? Ms(t) : null), ("$received_at", Ms(incoming.ReceivedAt)));

            foreach (var deleter in deleters)
                await InsertDeliveryAsync(connection, transaction, retirementId, deleter, incoming.ReceivedAt, incoming.Deadline, cancellationToken);

            return new AcceptResult(retirementId, Duplicate: false, DuplicateWithDifferentBody: false);
        }, cancellationToken);

    public Task<int> AddMissingDeliveriesAsync(IReadOnlyCollection<string> deleters, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var added = 0;
            foreach (var deleter in deleters)
            {
                var missing = new List<string>();
                await using (var query = Command(connection, transaction,
                    """
                    SELECT r.id FROM retirements r
                    WHERE r.pii_erased_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.retirement_id = r.id AND d.deleter = $deleter);
                    """, ("$deleter", deleter)))
                await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                        missing.Add(reader.GetString(0));
                }
                foreach (var retirementId in missing)
                    await InsertDeliveryAsync(connection, transaction, retirementId, deleter, now, deadline, cancellationToken);
                added += missing.Count;
            }
            return added;
        }, cancellationToken);

    private static Task<int> InsertDeliveryAsync(SqliteConnection connection, SqliteTransaction? transaction, string retirementId, string deleter,
        DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction,
            """
            INSERT INTO deliveries (id, retirement_id, deleter, status, attempts, next_attempt_at, deadline_at, created_at, updated_at)
            VALUES ($id, $retirement_id, $deleter, 'pending', 0, $now,
                    $deadline, $now, $now);
            """,
            cancellationToken,
            ("$id", NewId("dlv")), ("$retirement_id", retirementId), ("$deleter", deleter),
            ("$now", Ms(now)), ("$deadline", Ms(deadline)));
}
