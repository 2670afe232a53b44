using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

// Taking notifications in: AcceptAsync and AddMissingDeliveriesAsync.
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Accept_records_the_retirement_and_one_pending_delivery_per_deleter()
    {
        var learner = NewLearner();
        var incoming = Incoming(learner, T0);
        var accepted = await Store.AcceptAsync(incoming, ["webhook", "mailchimp"], None);

        Assert.False(accepted.Duplicate);
        Assert.False(accepted.DuplicateWithDifferentBody);
        Assert.StartsWith("ret_", accepted.RetirementId);
        var view = await RetirementAsync(accepted.RetirementId);
        Assert.Equal(incoming.WebhookId, view.WebhookId);
        Assert.Equal(learner.LmsUserId, view.LmsUserId);
        Assert.Equal(learner.RetiredUsername, view.RetiredUsername);
        Assert.Equal(learner.Site, view.Site);
        Assert.Equal("user_retirement_status", view.IdentitySource);
        Assert.Equal(T0, view.ReceivedAt);
        Assert.Null(view.CompletedAt);
        Assert.False(view.PersonalDataErased);
        // Deliveries by deleter name.
        Assert.Equal(["mailchimp", "webhook"], view.Deliveries.Select(d => d.Deleter));
        foreach (var delivery in view.Deliveries)
        {
            Assert.StartsWith("dlv_", delivery.DeliveryId);
            Assert.Equal(accepted.RetirementId, delivery.RetirementId);
            Assert.Equal(DeliveryStatus.Pending, delivery.Status);
            Assert.Equal(0, delivery.Attempts);
            Assert.Equal(T0, delivery.NextAttemptAt);
            Assert.Equal(T0 + RetryDeadline, delivery.Deadline);
            Assert.Equal(T0, delivery.CreatedAt);
            Assert.Equal(T0, delivery.UpdatedAt);
            Assert.Null(delivery.CompletedAt);
            Assert.Null(delivery.Closure);
            Assert.Null(delivery.JobDeadline);
            Assert.Equal(0, delivery.JobChecks);
        }
        // The identity is kept (the deleters need it) and read back intact by a claim.
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM retirements WHERE email = '{learner.Email}' AND username = '{learner.Username}'"));
        var claimed = await ClaimOneAsync("webhook", T0);
        Assert.Equal((learner.LmsUserId, learner.Username, learner.Email, learner.RetiredUsername, learner.RetiredEmail, learner.Site),
            (claimed.Learner.LmsUserId, claimed.Learner.Username, claimed.Learner.Email, claimed.Learner.RetiredUsername, claimed.Learner.RetiredEmail, claimed.Learner.Site));
    }

    [Fact]
    public async Task A_repeated_webhook_id_records_nothing_and_names_the_first_retirement()
    {
        var first = await Store.AcceptAsync(Incoming(NewLearner(), T0, "msg_repeated", "sha-1"), ["webhook"], None);

        var same = await Store.AcceptAsync(Incoming(NewLearner(), T0 + TimeSpan.FromSeconds(1), "msg_repeated", "sha-1"), ["webhook", "mailchimp"], None);
        Assert.Equal(new AcceptResult(first.RetirementId, Duplicate: true, DuplicateWithDifferentBody: false), same);

        var different = await Store.AcceptAsync(Incoming(NewLearner(), T0 + TimeSpan.FromSeconds(2), "msg_repeated", "sha-2"), ["webhook"], None);
        Assert.Equal(new AcceptResult(first.RetirementId, Duplicate: true, DuplicateWithDifferentBody: true), different);

        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM deliveries"));
        Assert.Equal(T0, (await RetirementAsync(first.RetirementId)).ReceivedAt);
    }

    [Fact]
    public async Task Concurrent_notifications_with_one_webhook_id_record_one_retirement()
    {
        var peer = OpenPeer();
        var learner = NewLearner();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Store : peer).AcceptAsync(Incoming(learner, T0, "msg_raced"), ["webhook", "mailchimp"], None))));

        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(results.Select(r => r.RetirementId).Distinct());
        Assert.DoesNotContain(results, r => r.DuplicateWithDifferentBody);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM deliveries"));
    }

    [Fact]
    public async Task Notifications_committed_together_are_each_recorded_once_and_their_repeats_named()
    {
        // 40 notifications and 40 repeats of them (every fourth with another body), all at once: they share
        // transactions (group commit), and a repeat may sit in the same transaction as its original.
        var originals = Enumerable.Range(0, 40).Select(i => Incoming(NewLearner(), T0, $"msg_group_{i:D2}", "sha-a")).ToList();
        var repeats = originals.Select((o, i) => o with { BodySha256 = i % 4 == 0 ? "sha-b" : "sha-a" }).ToList();
        var all = originals.Zip(repeats, (o, r) => new[] { o, r }).SelectMany(pair => pair).ToList();

        var results = await Task.WhenAll(all.Select(incoming => Task.Run(() => Store.AcceptAsync(incoming, ["webhook", "mailchimp"], None))));

        Assert.Equal(40, await CountAsync("SELECT COUNT(*) FROM retirements"));
        Assert.Equal(80, await CountAsync("SELECT COUNT(*) FROM deliveries"));
        foreach (var (original, i) in originals.Select((o, i) => (o, i)))
        {
            var answers = all.Select((incoming, n) => (incoming, result: results[n])).Where(x => x.incoming.WebhookId == original.WebhookId).ToList();
            var first = Assert.Single(answers, a => !a.result.Duplicate);
            Assert.Single(answers.Select(a => a.result.RetirementId).Distinct());
            Assert.Equal(original.WebhookId, (await RetirementAsync(first.result.RetirementId)).WebhookId);
            // A repeat with another body than the one recorded is named as such, whichever of the two came first.
            Assert.Equal(i % 4 == 0 ? 1 : 0, answers.Count(a => a.result.DuplicateWithDifferentBody));
        }
    }

    [Fact]
    public async Task Missing_deliveries_are_added_to_unfinished_retirements_only()
    {
        var none = await AcceptAsync(T0);                     // accepted while no deleter was enabled
        var some = await AcceptAsync(T0, "webhook");          // unfinished, lacks mailchimp
        var finished = await AcceptAsync(T0, "braze");
        await SucceedAsync("braze", T0);                      // finished: its identity is gone, nothing more is sent

        var now = T0 + TimeSpan.FromHours(1);
        var added = await Store.AddMissingDeliveriesAsync(["webhook", "mailchimp"], now, now + RetryDeadline, None);

        Assert.Equal(3, added);
        Assert.Equal(["mailchimp", "webhook"], (await RetirementAsync(none)).Deliveries.Select(d => d.Deleter));
        Assert.Equal(["mailchimp", "webhook"], (await RetirementAsync(some)).Deliveries.Select(d => d.Deleter));
        Assert.Equal(["braze"], (await RetirementAsync(finished)).Deliveries.Select(d => d.Deleter));
        var fresh = await DeliveryAsync(some, "mailchimp");
        Assert.Equal((DeliveryStatus.Pending, 0, now, now + RetryDeadline, now), (fresh.Status, fresh.Attempts, fresh.NextAttemptAt, fresh.Deadline, fresh.CreatedAt));
        // The delivery that was already there is untouched.
        Assert.Equal(T0, (await DeliveryAsync(some, "webhook")).CreatedAt);

        Assert.Equal(0, await Store.AddMissingDeliveriesAsync(["webhook", "mailchimp"], now, now + RetryDeadline, None));
        Assert.Equal(0, await Store.AddMissingDeliveriesAsync([], now, now + RetryDeadline, None));
        Assert.Equal(5, await CountAsync("SELECT COUNT(*) FROM deliveries"));
    }
}
