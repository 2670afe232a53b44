using Microsoft.Data.Sqlite;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Sqlite;

// The way in: each notification's retirement row and one delivery per deleter, written as one unit (a savepoint in
// the writer's transaction, which concurrent notifications share: one commit, one fsync, for all of them).
public sealed partial class SqliteRetirementStore
{
    public Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            // The writer's kept statements: this runs for every notification.
            var existing = Prepared(transaction, FindByWebhookId, ("$webhook_id", incoming.WebhookId));
            await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                    return new AcceptResult(reader.GetString(0), Duplicate: true, DuplicateWithDifferentBody: reader.GetString(1) != incoming.BodySha256);
            }

            var retirementId = NewId("ret");
            var learner = incoming.Learner;
            await Prepared(transaction, InsertRetirement,
                ("$id", retirementId), ("$webhook_id", incoming.WebhookId), ("$sha", incoming.BodySha256),
                ("$lms_user_id", learner.LmsUserId), ("$username", learner.Username), ("$email", learner.Email),
                ("$retired_username", learner.RetiredUsername), ("$retired_email", learner.RetiredEmail),
                ("$site", learner.Site), ("$identity_source", incoming.IdentitySource),
                ("$event_timestamp", incoming.EventTimestamp is { } t ? Ms(t) : null), ("$received_at", Ms(incoming.ReceivedAt)))
                .ExecuteNonQueryAsync(cancellationToken);

            foreach (var deleter in deleters)
                await Prepared(transaction, InsertDelivery, DeliveryValues(retirementId, deleter, incoming.ReceivedAt, incoming.Deadline))
                    .ExecuteNonQueryAsync(cancellationToken);

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
        ExecuteAsync(connection, transaction, InsertDelivery, cancellationToken, DeliveryValues(retirementId, deleter, now, deadline));

    private static (string, object?)[] DeliveryValues(string retirementId, string deleter, DateTimeOffset now, DateTimeOffset deadline) =>
        [("$id", NewId("dlv")), ("$retirement_id", retirementId), ("$deleter", deleter), ("$now", Ms(now)), ("$deadline", Ms(deadline))];

    /// <summary>The writer's kept statement for <paramref name="sql"/>, with these values bound.</summary>
    private SqliteCommand Prepared(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _writer.Statement(transaction, sql);
        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name))
                command.Parameters[name].Value = value ?? DBNull.Value;
            else
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private const string FindByWebhookId = "SELECT id, body_sha256 FROM retirements WHERE webhook_id = $webhook_id;";

    private const string InsertRetirement =
        """
        INSERT INTO retirements (id, webhook_id, body_sha256, lms_user_id, username, email, retired_username, retired_email,
                                 site, identity_source, event_timestamp, received_at)
        VALUES ($id, $webhook_id, $sha, $lms_user_id, $username, $email, $retired_username, $retired_email,
                $site, $identity_source, $event_timestamp, $received_at);
        """;

    private const string InsertDelivery =
        """
        INSERT INTO deliveries (id, retirement_id, deleter, status, attempts, next_attempt_at, deadline_at, created_at, updated_at)
        VALUES ($id, $retirement_id, $deleter, 'pending', 0, $now, $deadline, $now, $now);
        """;
}
