using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

// What operators read and do: lookups, listing, replay, closing, retention, the start-up counts.
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task An_unknown_retirement_is_not_found()
    {
        await AcceptAsync(T0, "webhook");
        Assert.Null(await Store.GetRetirementAsync("ret_unknown", None));
        Assert.Null(await Store.GetRetirementAsync("", None));
    }

    [Fact]
    public async Task Retirements_are_found_by_every_given_criterion_oldest_first()
    {
        var learner = NewLearner();
        var onOtherSite = NewLearner(learner.LmsUserId, "other.example.edu");
        var first = (await Store.AcceptAsync(Incoming(learner, T0, "msg_first"), ["webhook"], None)).RetirementId;
        var second = (await Store.AcceptAsync(Incoming(learner, T0 + TimeSpan.FromSeconds(1), "msg_second"), ["webhook"], None)).RetirementId;
        var other = (await Store.AcceptAsync(Incoming(onOtherSite, T0 + TimeSpan.FromSeconds(2), "msg_other"), ["webhook"], None)).RetirementId;
        await AcceptAsync(T0, "webhook"); // someone else

        async Task<IEnumerable<string>> Find(long? lmsUserId, string? site, string? webhookId, int limit = 50) =>
            (await Store.FindRetirementsAsync(new RetirementQuery(lmsUserId, site, webhookId, limit), None)).Select(r => r.RetirementId);

        var byId = new[] { first, second, other }.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(byId, await Find(learner.LmsUserId, null, null));
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), await Find(learner.LmsUserId, learner.Site, null));
        Assert.Equal([other], await Find(learner.LmsUserId, "other.example.edu", null));
        Assert.Equal([second], await Find(null, null, "msg_second"));
        Assert.Equal([second], await Find(learner.LmsUserId, null, "msg_second"));
        Assert.Empty(await Find(learner.LmsUserId, null, "msg_other_learner"));
        Assert.Empty(await Find(learner.LmsUserId + 1_000_000, null, null));
        Assert.Equal(byId.Take(2), await Find(learner.LmsUserId, null, null, limit: 2));
        Assert.Equal(4, (await Store.FindRetirementsAsync(new RetirementQuery(null, null, null, 50), None)).Count);

        var found = Assert.Single(await Store.FindRetirementsAsync(new RetirementQuery(null, null, "msg_first", 10), None));
        Assert.Equal((first, "msg_first", learner.LmsUserId, T0), (found.RetirementId, found.WebhookId, found.LmsUserId, found.ReceivedAt));
        Assert.Equal("webhook", Assert.Single(found.Deliveries).Deleter);
    }

    [Fact]
    public async Task Deliveries_are_listed_by_status_and_deleter_a_page_at_a_time()
    {
        for (var i = 0; i < 5; i++)
            await AcceptAsync(T0 + TimeSpan.FromMilliseconds(i), "webhook", "mailchimp");
        await ClaimAsync("webhook", T0 + TimeSpan.FromSeconds(1), max: 2);

        async Task<IReadOnlyList<DeliveryView>> List(string? status, string? deleter, int limit = 100, string? after = null) =>
            await Store.ListDeliveriesAsync(new DeliveryQuery(status, deleter, limit, after), None);

        Assert.Equal(10, (await List(null, null)).Count);
        Assert.Equal(8, (await List(DeliveryStatus.Pending, null)).Count);
        Assert.Equal(5, (await List(null, "mailchimp")).Count);
        Assert.All(await List(DeliveryStatus.InProgress, "webhook"), d => Assert.Equal(("webhook", DeliveryStatus.InProgress), (d.Deleter, d.Status)));
        Assert.Equal(2, (await List(DeliveryStatus.InProgress, "webhook")).Count);
        Assert.Empty(await List(DeliveryStatus.InProgress, "mailchimp"));
        Assert.Empty(await List(DeliveryStatus.Dead, null));

        // Pages of 3 by id: each page starts after the last id of the one before.
        var all = (await List(null, null)).Select(d => d.DeliveryId).ToList();
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        var paged = new List<string>();
        var sizes = new List<int>();
        string? after = null;
        // Bounded, so that a store whose pages do not advance fails here instead of running forever.
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await List(null, null, limit: 3, after: after);
            sizes.Add(page.Count);
            if (page.Count == 0)
                break;
            paged.AddRange(page.Select(d => d.DeliveryId));
            after = page[^1].DeliveryId;
        }
        Assert.Equal([3, 3, 3, 1, 0], sizes);
        Assert.Equal(all, paged);
        Assert.Equal(4, (await List(DeliveryStatus.Pending, null, after: all[5])).Count(d => string.CompareOrdinal(d.DeliveryId, all[5]) > 0));
    }

    [Fact]
    public async Task Replay_makes_a_dead_or_waiting_delivery_due_now_with_a_fresh_deadline()
    {
        var retirement = await AcceptAsync(T0, "segment", "webhook", "mailchimp");
        // Dead after a provider's job failed: the replay starts over with a fresh erase, not a status check.
        Assert.True(await RecordAsync(new AttemptRecord((await ClaimOneAsync("segment", T0)).DeliveryId, OwnerA, DeliveryStatus.WaitingOnProvider,
            T0, T0 + TimeSpan.FromMinutes(1), "job_accepted", null, "job-1", JobDeadline: T0 + TimeSpan.FromDays(1))));
        var check = await ClaimOneAsync("segment", T0 + TimeSpan.FromMinutes(1));
        Assert.True(await RecordAsync(new AttemptRecord(check.DeliveryId, OwnerA, DeliveryStatus.Dead, T0 + TimeSpan.FromMinutes(1), null,
            "job_failed", "the provider's job failed", null, CountsAsAttempt: false, JobDeadline: T0 + TimeSpan.FromDays(1))));
        Assert.True(await RecordAsync(WillRetry(await ClaimOneAsync("webhook", T0), T0, T0 + TimeSpan.FromHours(1))));

        var now = T0 + TimeSpan.FromDays(2);
        var deadline = now + RetryDeadline;
        Assert.Equal(ReplayResult.Replayed, await Store.ReplayAsync(check.DeliveryId, now, deadline, None));
        var replayed = await DeliveryAsync(retirement, "segment");
        Assert.Equal((DeliveryStatus.Pending, now, deadline, null as DateTimeOffset?, null as DateTimeOffset?, 0, 1, now),
            (replayed.Status, replayed.NextAttemptAt, replayed.Deadline, replayed.CompletedAt, replayed.JobDeadline, replayed.JobChecks, replayed.Attempts, replayed.UpdatedAt));
        var again = await ClaimOneAsync("segment", now);
        Assert.False(again.ChecksJob);
        Assert.Equal(deadline, again.Deadline);

        var webhook = await DeliveryAsync(retirement, "webhook");
        Assert.Equal(ReplayResult.Replayed, await Store.ReplayAsync(webhook.DeliveryId, now, deadline, None));
        Assert.Equal(now, (await DeliveryAsync(retirement, "webhook")).NextAttemptAt);

        // Pending, running or finished deliveries are not replayable; an unknown id is not found.
        Assert.Equal(ReplayResult.NotReplayable, await Store.ReplayAsync((await DeliveryAsync(retirement, "mailchimp")).DeliveryId, now, deadline, None));
        Assert.Equal(ReplayResult.NotReplayable, await Store.ReplayAsync(again.DeliveryId, now, deadline, None));
        Assert.True(await RecordAsync(Succeeded(again, now)));
        Assert.Equal(ReplayResult.NotReplayable, await Store.ReplayAsync(again.DeliveryId, now, deadline, None));
        Assert.Equal(ReplayResult.NotFound, await Store.ReplayAsync("dlv_unknown", now, deadline, None));
        Assert.Equal(DeliveryStatus.Succeeded, (await DeliveryAsync(retirement, "segment")).Status);
    }

    [Fact]
    public async Task Closing_a_delivery_answers_each_case_and_purges_the_identity_with_the_last_one()
    {
        var learner = NewLearner();
        var retirement = (await Store.AcceptAsync(Incoming(learner, T0), ["webhook", "mailchimp", "braze"], None)).RetirementId;
        var at = T0 + TimeSpan.FromHours(1);
        DeliveryClosure Closure(string reason) => new("token:3f2a", at, reason);

        Assert.Equal(new CloseOutcome(CloseResult.NotFound, null), await Store.CloseDeliveryAsync("dlv_unknown", Closure("gone"), None));

        var running = await ClaimOneAsync("braze", T0);
        Assert.Equal(new CloseOutcome(CloseResult.Running, retirement), await Store.CloseDeliveryAsync(running.DeliveryId, Closure("stuck"), None));
        Assert.True(await RecordAsync(Succeeded(running, T0)));
        Assert.Equal(new CloseOutcome(CloseResult.NothingToClose, retirement), await Store.CloseDeliveryAsync(running.DeliveryId, Closure("done"), None));

        var dead = await ClaimOneAsync("webhook", T0);
        Assert.True(await RecordAsync(Dead(dead, T0)));
        // A reason naming the learner would outlive the erasure of their identity: refused, nothing changes.
        foreach (var reason in new[] { $"asked {learner.Email.ToLowerInvariant()} by mail", $"user {learner.Username} erased by hand" })
            Assert.Equal(new CloseOutcome(CloseResult.ReasonNamesLearner, retirement), await Store.CloseDeliveryAsync(dead.DeliveryId, Closure(reason), None));
        Assert.Equal(DeliveryStatus.Dead, (await DeliveryAsync(retirement, "webhook")).Status);

        Assert.Equal(new CloseOutcome(CloseResult.Closed, retirement), await Store.CloseDeliveryAsync(dead.DeliveryId, Closure("erased by hand, ticket 1234"), None));
        var closed = await DeliveryAsync(retirement, "webhook");
        Assert.Equal((DeliveryStatus.Closed, new DeliveryClosure("token:3f2a", at, "erased by hand, ticket 1234"), null as DateTimeOffset?, at, at),
            (closed.Status, closed.Closure, closed.NextAttemptAt, closed.CompletedAt, closed.UpdatedAt));
        Assert.Equal(new CloseOutcome(CloseResult.NothingToClose, retirement), await Store.CloseDeliveryAsync(dead.DeliveryId, Closure("again"), None));
        await AssertHoldsIdentityAsync(retirement); // mailchimp is still pending

        Assert.Equal(CloseResult.Closed, (await Store.CloseDeliveryAsync((await DeliveryAsync(retirement, "mailchimp")).DeliveryId, Closure("not a subscriber"), None)).Result);
        await AssertErasedAsync(retirement, at);
    }

    [Fact]
    public async Task Closing_a_retirement_closes_every_open_delivery_at_once_or_none()
    {
        var learner = NewLearner();
        var retirement = (await Store.AcceptAsync(Incoming(learner, T0), ["webhook", "mailchimp", "braze", "segment"], None)).RetirementId;
        var at = T0 + TimeSpan.FromHours(1);
        var closure = new DeliveryClosure("token:3f2a", at, "erased by hand, ticket 99");

        Assert.Equal(new CloseOutcome(CloseResult.NotFound, null), await Store.CloseRetirementAsync("ret_unknown", closure, None));
        var empty = await AcceptAsync(T0);
        Assert.Equal(new CloseOutcome(CloseResult.NothingToClose, empty), await Store.CloseRetirementAsync(empty, closure, None));

        var running = await ClaimOneAsync("braze", T0);
        Assert.Equal(new CloseOutcome(CloseResult.Running, retirement), await Store.CloseRetirementAsync(retirement, closure, None));
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(retirement, "webhook")).Status);
        Assert.True(await RecordAsync(Succeeded(running, T0)));
        Assert.True(await RecordAsync(Dead(await ClaimOneAsync("segment", T0), T0)));
        Assert.Equal(new CloseOutcome(CloseResult.ReasonNamesLearner, retirement),
            await Store.CloseRetirementAsync(retirement, closure with { Reason = $"for {learner.Email}" }, None));

        Assert.Equal(new CloseOutcome(CloseResult.Closed, retirement), await Store.CloseRetirementAsync(retirement, closure, None));
        var view = await RetirementAsync(retirement);
        Assert.Equal(["braze:succeeded", "mailchimp:closed", "segment:closed", "webhook:closed"], view.Deliveries.Select(d => $"{d.Deleter}:{d.Status}"));
        Assert.All(view.Deliveries.Where(d => d.Status == DeliveryStatus.Closed), d => Assert.Equal(closure, d.Closure));
        Assert.Null(view.Deliveries.Single(d => d.Deleter == "braze").Closure);
        await AssertErasedAsync(retirement, at);
        Assert.Equal(new CloseOutcome(CloseResult.NothingToClose, retirement), await Store.CloseRetirementAsync(retirement, closure, None));
    }

    [Fact]
    public async Task Retention_deletes_finished_retirements_older_than_the_cutoff_and_nothing_else()
    {
        var old = await AcceptAsync(T0, "webhook");
        await SucceedAsync("webhook", T0 + TimeSpan.FromHours(1));
        var young = await AcceptAsync(T0, "webhook");
        await SucceedAsync("webhook", T0 + TimeSpan.FromHours(3));
        var unfinished = await AcceptAsync(T0, "webhook", "mailchimp");
        await SucceedAsync("webhook", T0 + TimeSpan.FromHours(1));
        Assert.True(await RecordAsync(Dead(await ClaimOneAsync("mailchimp", T0), T0)));
        var neverDelivered = await AcceptAsync(T0);

        Assert.Equal(1, await Store.DeleteFinishedBeforeAsync(T0 + TimeSpan.FromHours(2), None));
        Assert.Null(await Store.GetRetirementAsync(old, None));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM deliveries WHERE retirement_id = '{old}'"));
        // Finished exactly at the cutoff is not before it.
        Assert.Equal(0, await Store.DeleteFinishedBeforeAsync(T0 + TimeSpan.FromHours(3), None));
        Assert.Equal(1, await Store.DeleteFinishedBeforeAsync(T0 + TimeSpan.FromHours(3) + TimeSpan.FromMilliseconds(1), None));
        Assert.Null(await Store.GetRetirementAsync(young, None));

        // Unfinished ones are never swept, however old: that would silently abandon an erasure.
        Assert.Equal(0, await Store.DeleteFinishedBeforeAsync(T0 + TimeSpan.FromDays(10_000), None));
        Assert.NotNull(await Store.GetRetirementAsync(unfinished, None));
        Assert.NotNull(await Store.GetRetirementAsync(neverDelivered, None));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM deliveries"));
    }

    [Fact]
    public async Task Retention_deletes_more_finished_retirements_than_one_slice()
    {
        const int count = 501; // one full slice of 500 and one more
        for (var i = 0; i < count; i++)
            await AcceptAsync(T0, "webhook");
        var claimed = await ClaimAsync("webhook", T0, max: count);
        Assert.All(await Store.RecordAttemptsAsync([.. claimed.Select(d => Succeeded(d, T0))], None), Assert.True);
        var keep = await AcceptAsync(T0, "webhook");

        Assert.Equal(count, await Store.DeleteFinishedBeforeAsync(T0 + TimeSpan.FromDays(1), None));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM deliveries"));
        Assert.NotNull(await Store.GetRetirementAsync(keep, None));
    }

    [Fact]
    public async Task Unfinished_deliveries_of_deleters_not_enabled_are_counted_per_deleter()
    {
        await AcceptAsync(T0, "pending");
        await AcceptAsync(T0, "pending");
        await AcceptAsync(T0, "running");
        await ClaimOneAsync("running", T0);
        await AcceptAsync(T0, "retrying");
        Assert.True(await RecordAsync(WillRetry(await ClaimOneAsync("retrying", T0), T0, T0 + TimeSpan.FromHours(1))));
        await AcceptAsync(T0, "job");
        Assert.True(await RecordAsync(new AttemptRecord((await ClaimOneAsync("job", T0)).DeliveryId, OwnerA, DeliveryStatus.WaitingOnProvider,
            T0, T0 + TimeSpan.FromHours(1), "job_accepted", null, "job-7", JobDeadline: T0 + TimeSpan.FromDays(1))));
        await AcceptAsync(T0, "dry");
        Assert.True(await RecordAsync(DryRun(await ClaimOneAsync("dry", T0), T0)));
        // Finished ones (dead counts as finished here: it waits for an operator, not a deleter) are not counted.
        await AcceptAsync(T0, "dead");
        Assert.True(await RecordAsync(Dead(await ClaimOneAsync("dead", T0), T0)));
        await AcceptAsync(T0, "done");
        await SucceedAsync("done", T0);

        var orphaned = await Store.CountOrphanedDeliveriesAsync(["pending", "webhook"], None);
        Assert.Equal(new Dictionary<string, int> { ["running"] = 1, ["retrying"] = 1, ["job"] = 1, ["dry"] = 1 }, orphaned.OrderBy(p => p.Key).ToDictionary());
        Assert.Equal(2, (await Store.CountOrphanedDeliveriesAsync([], None))["pending"]);
        Assert.Equal(1, await Store.CountDeadHoldingIdentityAsync(None));
    }
}
