using Npgsql;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Postgres;

// The way in, with group commit: concurrent notifications are queued and written together, a batch per transaction
// (three statements whatever its size, one commit), and each caller's task completes once that commit is durable
// (synchronous_commit, on by default).
public sealed partial class PostgresRetirementStore
{
    private const int MaxAcceptBatch = 256;

    // Two transactions in flight: one forms while the other commits. Batches never wait on each other (see AcceptAllAsync).
    private const int AcceptCommitters = 2;

    private readonly BatchingQueue<PendingAccept> _accepts;

    public Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken)
    {
        var pending = new PendingAccept(incoming, deleters, cancellationToken);
        if (!_accepts.TryEnqueue(pending))
            throw new StoreUnavailableException("the store is shutting down");
        return pending.Completion.Task;
    }

    private async Task AcceptBatchAsync(List<PendingAccept> queued)
    {
        // A caller that gave up before its turn (the sender hung up) is not written at all; it will send again.
        queued.RemoveAll(pending => pending.Cancellation.IsCancellationRequested && pending.Completion.TrySetCanceled(pending.Cancellation));
        if (queued.Count == 0)
            return;
        try
        {
            Complete(queued, await WriteAsync((connection, transaction) => AcceptAllAsync(connection, transaction, queued), CancellationToken.None));
        }
        catch (StoreUnavailableException ex) when (queued.Count > 1 && ex.InnerException is PostgresException)
        {
            // The server refused a statement (one value it would not take, say): the whole batch was rolled back. Each
            // notification again alone, so only the one at fault is refused.
            foreach (var pending in queued)
            {
                try
                {
                    Complete([pending], await WriteAsync((connection, transaction) => AcceptAllAsync(connection, transaction, [pending]), CancellationToken.None));
                }
                catch (Exception alone)
                {
                    pending.Completion.TrySetException(alone);
                }
            }
        }
        catch (Exception ex)
        {
            // Lost connection, unreachable server, a failed commit: nothing of the batch landed, every caller hears it.
            foreach (var pending in queued)
                pending.Completion.TrySetException(ex);
        }

        static void Complete(List<PendingAccept> queued, AcceptResult[] results)
        {
            for (var i = 0; i < queued.Count; i++)
                queued[i].Completion.TrySetResult(results[i]);
        }
    }

    /// <summary>
    /// Records a batch: results in the order of <paramref name="batch"/>. One webhook-id twice in a batch is recorded
    /// once (the first; the other is its duplicate). Rows are inserted in webhook-id order, so two batches (of this
    /// replica or another) that share ids lock them in the same order and never deadlock; a shared id waits for the
    /// other transaction, then counts as a duplicate.
    /// </summary>
    private static async Task<AcceptResult[]> AcceptAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAccept> batch)
    {
        var firsts = new Dictionary<string, PendingAccept>(StringComparer.Ordinal);
        foreach (var pending in batch)
            firsts.TryAdd(pending.Incoming.WebhookId, pending);
        // webhook-id → (retirement id, body hash, inserted by this batch)
        var stored = new Dictionary<string, (string Id, string Sha, bool New)>(StringComparer.Ordinal);
        var toInsert = firsts.Values.OrderBy(p => p.Incoming.WebhookId, StringComparer.Ordinal).ToList();
        while (toInsert.Count > 0)
        {
            foreach (var (webhookId, id) in await InsertRetirementsAsync(connection, transaction, toInsert))
                stored[webhookId] = (id, firsts[webhookId].Incoming.BodySha256, true);
            var conflicting = toInsert.Select(p => p.Incoming.WebhookId).Where(id => !stored.ContainsKey(id)).ToArray();
            if (conflicting.Length > 0)
            {
                // A new statement, so it sees the rows the other transactions committed.
                await using var existing = Command(connection, transaction,
                    "SELECT webhook_id, id, body_sha256 FROM retirements WHERE webhook_id = ANY(@webhook_ids);", ("webhook_ids", conflicting));
                await using var reader = await existing.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    stored[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2), false);
            }
            // A conflicting row deleted in between (the retention sweep) is found by neither: insert those again.
            toInsert = [.. toInsert.Where(p => !stored.ContainsKey(p.Incoming.WebhookId))];
        }

        var inserted = firsts.Values.Where(p => stored[p.Incoming.WebhookId].New).ToList();
        var pairs = inserted.SelectMany(p => p.Deleters.Select(deleter => (Pending: p, Deleter: deleter))).ToList();
        await InsertDeliveriesAsync(connection, transaction,
            [.. pairs.Select(x => stored[x.Pending.Incoming.WebhookId].Id)], [.. pairs.Select(x => x.Deleter)],
            [.. pairs.Select(x => Ms(x.Pending.Incoming.ReceivedAt))], [.. pairs.Select(x => Ms(x.Pending.Incoming.Deadline))], CancellationToken.None);
        if (inserted.Count > 0)
            await NotifyWorkAsync(connection, transaction, CancellationToken.None);

        return [.. batch.Select(p =>
        {
            var (id, sha, isNew) = stored[p.Incoming.WebhookId];
            return isNew && ReferenceEquals(firsts[p.Incoming.WebhookId], p)
                ? new AcceptResult(id, Duplicate: false, DuplicateWithDifferentBody: false)
                : new AcceptResult(id, Duplicate: true, DuplicateWithDifferentBody: sha != p.Incoming.BodySha256);
        })];
    }

    /// <summary>One statement for the batch; returns the (webhook-id, retirement id) of the rows it inserted (not those
    /// whose webhook-id was already there).</summary>
    private static async Task<List<(string WebhookId, string Id)>> InsertRetirementsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PendingAccept> batch)
    {
        var incoming = batch.Select(p => p.Incoming).ToList();
        await using var insert = Command(connection, transaction,
            """
            INSERT INTO retirements (id, webhook_id, body_sha256, lms_user_id, username, email, retired_username, retired_email,
                                     site, identity_source, event_timestamp, received_at)
            SELECT * FROM unnest(@ids::text[], @webhook_ids::text[], @shas::text[], @lms_user_ids::bigint[], @usernames::text[],
                                 @emails::text[], @retired_usernames::text[], @retired_emails::text[], @sites::text[],
                                 @identity_sources::text[], @event_timestamps::bigint[], @received_ats::bigint[])
            ON CONFLICT (webhook_id) DO NOTHING
            RETURNING webhook_id, id;
            """,
            ("ids", incoming.Select(_ => NewId("ret")).ToArray()), ("webhook_ids", incoming.Select(i => i.WebhookId).ToArray()),
            ("shas", incoming.Select(i => i.BodySha256).ToArray()), ("lms_user_ids", incoming.Select(i => i.Learner.LmsUserId).ToArray()),
            ("usernames", incoming.Select(i => i.Learner.Username).ToArray()), ("emails", incoming.Select(i => i.Learner.Email).ToArray()),
            ("retired_usernames", incoming.Select(i => i.Learner.RetiredUsername).ToArray()),
            ("retired_emails", incoming.Select(i => i.Learner.RetiredEmail).ToArray()), ("sites", incoming.Select(i => i.Learner.Site).ToArray()),
            ("identity_sources", incoming.Select(i => i.IdentitySource).ToArray()),
            ("event_timestamps", incoming.Select(i => Ms(i.EventTimestamp)).ToArray()), ("received_ats", incoming.Select(i => Ms(i.ReceivedAt)).ToArray()));
        var inserted = new List<(string, string)>(batch.Count);
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            inserted.Add((reader.GetString(0), reader.GetString(1)));
        return inserted;
    }

    /// <summary>A notification waiting for its batch; completed when the batch's transaction has committed (or failed).</summary>
    private sealed record PendingAccept(IncomingRetirement Incoming, IReadOnlyCollection<string> Deleters, CancellationToken Cancellation)
    {
        public TaskCompletionSource<AcceptResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
            var added = await InsertDeliveriesAsync(connection, transaction, [.. retirementIds], [.. missing],
                [.. missing.Select(_ => Ms(now))], [.. missing.Select(_ => Ms(deadline))], cancellationToken);
            if (added > 0)
                await NotifyWorkAsync(connection, transaction, cancellationToken);
            return added;
        }, cancellationToken);

    /// <summary>One pending delivery per (retirement, deleter) pair, in one statement. A pair another replica added
    /// meanwhile is skipped, not an error (replicas starting together each add the missing deliveries).</summary>
    private static async Task<int> InsertDeliveriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] retirementIds, string[] deleters,
        long[] createdAt, long[] deadlines, CancellationToken cancellationToken)
    {
        if (retirementIds.Length == 0)
            return 0;
        return await ExecuteAsync(connection, transaction,
            """
            INSERT INTO deliveries (id, retirement_id, deleter, status, attempts, next_attempt_at, deadline_at, created_at, updated_at)
            SELECT n.id, n.retirement_id, n.deleter, 'pending', 0, n.created_at, n.deadline_at, n.created_at, n.created_at
            FROM unnest(@ids::text[], @retirement_ids::text[], @deleters::text[], @created_at::bigint[], @deadlines::bigint[])
                 AS n (id, retirement_id, deleter, created_at, deadline_at)
            ON CONFLICT (retirement_id, deleter) DO NOTHING;
            """,
            cancellationToken,
            ("ids", retirementIds.Select(_ => NewId("dlv")).ToArray()), ("retirement_ids", retirementIds), ("deleters", deleters),
            ("created_at", createdAt), ("deadlines", deadlines));
    }
}
