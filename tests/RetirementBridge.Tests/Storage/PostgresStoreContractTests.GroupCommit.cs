using RetirementBridge.Deleters;
using Npgsql;
using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

// Group commit on PostgreSQL: notifications that wait together share a transaction, and one the server refuses does
// not take its neighbours down with it.
public sealed partial class PostgresStoreContractTests
{
    [Fact]
    public async Task Notifications_that_wait_together_are_committed_in_one_transaction()
    {
        List<Task<AcceptResult>> accepts;
        await using (await HoldInsertsAsync())
        {
            // Queued while the first batches wait on the lock: they form the next batch together.
            accepts = [.. Enumerable.Range(0, 30).Select(i => Store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None))];
            Assert.DoesNotContain(accepts, a => a.IsCompleted);
        }
        var results = await Task.WhenAll(accepts);

        Assert.All(results, r => Assert.False(r.Duplicate));
        Assert.Equal(30, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(30, await CountAsync("SELECT COUNT(*) FROM deliveries"));
        // Rows written by one transaction share its id (xmin). One transaction per notification would show 30. Grouped:
        // the committers' first batches, caught by the lock, and one batch of everything queued behind them, show 1 to 4
        // (1 when all 30 were queued before a committer woke).
        Assert.InRange(await CountAsync("SELECT COUNT(DISTINCT xmin::text) FROM retirements"), 1, 4);
    }

    [Fact]
    public async Task A_notification_the_server_refuses_fails_alone_and_the_ones_committed_with_it_are_recorded()
    {
        List<Task<AcceptResult>> accepts;
        await using (await HoldInsertsAsync())
        {
            // PostgreSQL's text cannot hold U+0000 (the webhook refuses control characters; the store must still not
            // let one bad row fail the batch it shares).
            accepts = [.. Enumerable.Range(0, 10).Select(i =>
            {
                var learner = NewLearner();
                if (i == 5)
                    learner = new RetiredLearner(learner.LmsUserId, "bad\0name", learner.Email, learner.RetiredUsername, learner.RetiredEmail, learner.Site);
                return Store.AcceptAsync(Incoming(learner, T0, $"msg_poison_{i}"), ["webhook"], None);
            })];
        }

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => accepts[5]);
        Assert.DoesNotContain("bad", refused.Message);
        foreach (var accept in accepts.Where((_, i) => i != 5))
            Assert.False((await accept).Duplicate);
        Assert.Equal(9, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM retirements WHERE webhook_id = 'msg_poison_5'"));
        Assert.Equal(9, await CountAsync("SELECT COUNT(*) FROM deliveries"));
    }

    /// <summary>Holds a lock that makes every INSERT into retirements wait, until disposed.</summary>
    private async Task<NpgsqlConnection> HoldInsertsAsync()
    {
        var locker = new NpgsqlConnection(Database);
        await locker.OpenAsync();
        await using var begin = new NpgsqlCommand("BEGIN; LOCK TABLE retirements IN SHARE ROW EXCLUSIVE MODE;", locker);
        await begin.ExecuteNonQueryAsync();
        return locker;
    }
}
