using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

// The dispatcher's side: claiming, leases, recording attempts, dry runs, the next wake-up.
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_claim_leases_due_deliveries_in_due_order_up_to_max()
    {
        var third = await AcceptAsync(T0 + TimeSpan.FromSeconds(2), "webhook", "mailchimp");
        var first = await AcceptAsync(T0, "webhook", "mailchimp");
        var second = await AcceptAsync(T0 + TimeSpan.FromSeconds(1), "webhook", "mailchimp");
        // Due at the same moment: by delivery id.
        var tied = new List<string>();
        for (var i = 0; i < 4; i++)
            tied.Add((await DeliveryAsync(await AcceptAsync(T0 + TimeSpan.FromSeconds(3), "webhook"), "webhook")).DeliveryId);
        tied.Sort(StringComparer.Ordinal);
        var now = T0 + TimeSpan.FromSeconds(10);

        var claimed = await ClaimAsync("webhook", now, max: 2);

        Assert.Equal([first, second], claimed.Select(c => c.RetirementId));
        var one = claimed[0];
        Assert.Equal(("webhook", 0, T0 + RetryDeadline, null as string, false, 0),
            (one.Deleter, one.Attempts, one.Deadline, one.ProviderReference, one.ChecksJob, one.JobChecks));
        Assert.Equal((await DeliveryAsync(first, "webhook")).DeliveryId, one.DeliveryId);
        Assert.Equal(DeliveryStatus.InProgress, (await DeliveryAsync(first, "webhook")).Status);
        Assert.Equal(now, (await DeliveryAsync(first, "webhook")).UpdatedAt);
        Assert.Equal(1, await CountAsync(
            $"SELECT COUNT(*) FROM deliveries WHERE id = '{one.DeliveryId}' AND lease_owner = '{OwnerA}' AND lease_expires_at = {(now + Lease).ToUnixTimeMilliseconds()}"));
        // Other deleters' deliveries and the rest of this one's stay pending.
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(first, "mailchimp")).Status);
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(third, "webhook")).Status);

        var rest = await ClaimAsync("webhook", now);
        Assert.Equal(third, rest[0].RetirementId);
        Assert.Equal(tied, rest.Skip(1).Select(c => c.DeliveryId));
        Assert.Empty(await ClaimAsync("webhook", now));
    }

    [Fact]
    public async Task Deliveries_not_yet_due_and_finished_ones_are_not_claimed()
    {
        await AcceptAsync(T0, "webhook");
        Assert.Empty(await ClaimAsync("webhook", T0 - TimeSpan.FromMilliseconds(1)));
        var delivery = await ClaimOneAsync("webhook", T0);

        var retryAt = T0 + TimeSpan.FromSeconds(5);
        Assert.True(await RecordAsync(WillRetry(delivery, T0, retryAt)));
        Assert.Empty(await ClaimAsync("webhook", retryAt - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(1, (await ClaimOneAsync("webhook", retryAt)).Attempts);

        // Dead, succeeded, closed and dry-run deliveries are never claimed, however late it is.
        foreach (var finish in new Func<ClaimedDelivery, AttemptRecord>[] { d => Dead(d, T0), d => Succeeded(d, T0), d => DryRun(d, T0) })
        {
            await AcceptAsync(T0, "braze");
            Assert.True(await RecordAsync(finish(await ClaimOneAsync("braze", T0))));
        }
        var closed = await AcceptAsync(T0, "braze");
        Assert.Equal(CloseResult.Closed, (await Store.CloseRetirementAsync(closed, new DeliveryClosure("ops", T0, "erased by hand"), None)).Result);
        Assert.Empty(await ClaimAsync("braze", T0 + TimeSpan.FromDays(365)));
    }

    [Fact]
    public async Task A_lapsed_lease_is_taken_over_by_another_owner_and_a_live_one_is_not()
    {
        var retirement = await AcceptAsync(T0, "webhook");
        var held = await ClaimOneAsync("webhook", T0, OwnerA);

        Assert.Empty(await ClaimAsync("webhook", T0 + Lease - TimeSpan.FromMilliseconds(1), OwnerB));
        var takenOver = await ClaimOneAsync("webhook", T0 + Lease, OwnerB);
        Assert.Equal(held.DeliveryId, takenOver.DeliveryId);
        Assert.Equal(0, takenOver.Attempts);

        // The first owner's late outcome is refused and changes nothing.
        Assert.False(await RecordAsync(Succeeded(held, T0 + Lease + TimeSpan.FromSeconds(1), OwnerA)));
        var delivery = await DeliveryAsync(retirement, "webhook");
        Assert.Equal((DeliveryStatus.InProgress, 0, null as string), (delivery.Status, delivery.Attempts, delivery.Outcome));
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM deliveries WHERE lease_owner = '{OwnerB}'"));
        await AssertHoldsIdentityAsync(retirement);

        Assert.True(await RecordAsync(Succeeded(takenOver, T0 + Lease + TimeSpan.FromSeconds(2), OwnerB)));
        await AssertErasedAsync(retirement, T0 + Lease + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Concurrent_claims_never_lease_one_delivery_twice_and_together_lease_them_all()
    {
        const int count = 120;
        for (var i = 0; i < count; i++)
            await AcceptAsync(T0 + TimeSpan.FromMilliseconds(i % 7), "webhook");
        var peer = OpenPeer();

        // Eight claimers, half on each instance, claiming small batches until none finds anything left.
        var owners = Enumerable.Range(0, 8).Select(i => $"owner-{i}").ToArray();
        var leased = owners.ToDictionary(o => o, _ => new List<string>());
        for (var rounds = 0; rounds < count; rounds++) // bounded: a store handing out the same work again fails, not hangs
        {
            var round = await Task.WhenAll(owners.Select((owner, i) => Task.Run(() =>
                ClaimAsync("webhook", T0 + TimeSpan.FromSeconds(1), owner, max: 7, store: i % 2 == 0 ? Store : peer))));
            for (var i = 0; i < owners.Length; i++)
                leased[owners[i]].AddRange(round[i].Select(c => c.DeliveryId));
            if (round.All(r => r.Count == 0))
                break;
        }

        var all = leased.Values.SelectMany(ids => ids).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
        foreach (var (owner, ids) in leased)
            Assert.Equal(ids.Count, await CountAsync($"SELECT COUNT(*) FROM deliveries WHERE status = 'in_progress' AND lease_owner = '{owner}'"));
    }

    [Fact]
    public async Task Leases_are_renewed_only_for_the_owner_that_holds_them()
    {
        await AcceptAsync(T0, "webhook");
        await AcceptAsync(T0, "webhook");
        var held = (await ClaimAsync("webhook", T0, OwnerA)).Select(c => c.DeliveryId).ToList();
        var renewedTo = T0 + TimeSpan.FromMinutes(5);

        Assert.Equal(2, await Store.RenewLeasesAsync(OwnerA, [.. held, "dlv_unknown"], renewedTo, None));
        Assert.Equal(0, await Store.RenewLeasesAsync(OwnerB, held, T0 + TimeSpan.FromHours(1), None));
        Assert.Equal(0, await Store.RenewLeasesAsync(OwnerA, [], renewedTo, None));

        // Renewed: not taken over when the first lease would have lapsed, only when the renewed one does.
        Assert.Empty(await ClaimAsync("webhook", T0 + Lease, OwnerB));
        Assert.Equal(held.Order(), (await ClaimAsync("webhook", renewedTo, OwnerB)).Select(c => c.DeliveryId).Order());
        // Lost: renewing no longer extends anything.
        Assert.Equal(0, await Store.RenewLeasesAsync(OwnerA, held, T0 + TimeSpan.FromHours(1), None));
    }

    [Fact]
    public async Task A_recorded_attempt_moves_the_delivery_on_and_releases_its_lease()
    {
        var retirement = await AcceptAsync(T0, "webhook");
        var claimed = await ClaimOneAsync("webhook", T0);
        var failedAt = T0 + TimeSpan.FromSeconds(1);
        var retryAt = T0 + TimeSpan.FromSeconds(5);

        Assert.True(await RecordAsync(WillRetry(claimed, failedAt, retryAt) with { ProviderReference = "ref-1" }));
        var waiting = await DeliveryAsync(retirement, "webhook");
        Assert.Equal((DeliveryStatus.FailedWillRetry, 1, "failed", "HTTP 503 from the provider", retryAt, failedAt, null as DateTimeOffset?, "ref-1"),
            (waiting.Status, waiting.Attempts, waiting.Outcome, waiting.LastError, waiting.NextAttemptAt, waiting.UpdatedAt, waiting.CompletedAt, waiting.ProviderReference));
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM deliveries WHERE id = '{claimed.DeliveryId}' AND lease_owner IS NULL AND lease_expires_at IS NULL"));

        var again = await ClaimOneAsync("webhook", retryAt);
        Assert.Equal((1, "ref-1"), (again.Attempts, again.ProviderReference));
        var deadAt = retryAt + TimeSpan.FromSeconds(1);
        Assert.True(await RecordAsync(Dead(again, deadAt)));
        var dead = await DeliveryAsync(retirement, "webhook");
        Assert.Equal((DeliveryStatus.Dead, 2, null as DateTimeOffset?, deadAt, "HTTP 422 from the provider"),
            (dead.Status, dead.Attempts, dead.NextAttemptAt, dead.CompletedAt, dead.LastError));
        Assert.Equal(1, await Store.CountDeadHoldingIdentityAsync(None));
        await AssertHoldsIdentityAsync(retirement);
    }

    [Fact]
    public async Task A_providers_job_is_checked_without_using_up_attempts_and_a_dry_run_counts_as_neither()
    {
        var retirement = await AcceptAsync(T0, "segment");
        var jobDeadline = T0 + TimeSpan.FromDays(30);
        var checkAt = T0 + TimeSpan.FromMinutes(15);

        // The erase call: the provider accepted it as a job.
        Assert.True(await RecordAsync(new AttemptRecord((await ClaimOneAsync("segment", T0)).DeliveryId, OwnerA, DeliveryStatus.WaitingOnProvider,
            T0, checkAt, "job_accepted", null, "job-42", CountsAsAttempt: true, JobDeadline: jobDeadline)));
        var waiting = await DeliveryAsync(retirement, "segment");
        Assert.Equal((DeliveryStatus.WaitingOnProvider, 1, 0, jobDeadline, "job-42", checkAt),
            (waiting.Status, waiting.Attempts, waiting.JobChecks, waiting.JobDeadline, waiting.ProviderReference, waiting.NextAttemptAt));

        // A status check: counted apart from attempts; the job's reference is kept when the check names none.
        var check = await ClaimOneAsync("segment", checkAt);
        Assert.Equal((true, jobDeadline as DateTimeOffset?, 0, "job-42", 1), (check.ChecksJob, check.JobDeadline, check.JobChecks, check.ProviderReference, check.Attempts));
        Assert.True(await RecordAsync(new AttemptRecord(check.DeliveryId, OwnerA, DeliveryStatus.WaitingOnProvider, checkAt, checkAt + TimeSpan.FromMinutes(15),
            "job_pending", null, null, CountsAsAttempt: false, JobDeadline: jobDeadline)));
        waiting = await DeliveryAsync(retirement, "segment");
        Assert.Equal((1, 1, "job-42"), (waiting.Attempts, waiting.JobChecks, waiting.ProviderReference));

        var last = await ClaimOneAsync("segment", checkAt + TimeSpan.FromMinutes(15));
        Assert.Equal(1, last.JobChecks);
        Assert.True(await RecordAsync(new AttemptRecord(last.DeliveryId, OwnerA, DeliveryStatus.Succeeded, checkAt + TimeSpan.FromMinutes(15), null,
            "deleted", null, null, CountsAsAttempt: false)));
        var done = await DeliveryAsync(retirement, "segment");
        Assert.Equal((DeliveryStatus.Succeeded, 1, 2, null as DateTimeOffset?), (done.Status, done.Attempts, done.JobChecks, done.JobDeadline));

        // A dry run: neither an attempt nor a job check.
        var dry = await AcceptAsync(T0, "braze");
        Assert.True(await RecordAsync(DryRun(await ClaimOneAsync("braze", T0), T0)));
        var dryRun = await DeliveryAsync(dry, "braze");
        Assert.Equal((DeliveryStatus.DryRun, 0, 0, "dry_run"), (dryRun.Status, dryRun.Attempts, dryRun.JobChecks, dryRun.Outcome));
        await AssertHoldsIdentityAsync(dry);
    }

    [Fact]
    public async Task A_lost_lease_records_nothing_and_the_batch_answers_in_its_own_order()
    {
        var kept = await AcceptAsync(T0, "webhook");
        var lost = await AcceptAsync(T0 + TimeSpan.FromMilliseconds(1), "webhook");
        var claimed = await ClaimAsync("webhook", T0 + TimeSpan.FromSeconds(1), OwnerA);
        var keptDelivery = claimed.Single(c => c.RetirementId == kept);
        var lostDelivery = claimed.Single(c => c.RetirementId == lost);
        // OwnerB takes over the second one after A's lease lapsed (A renews only the first).
        Assert.Equal(1, await Store.RenewLeasesAsync(OwnerA, [keptDelivery.DeliveryId], T0 + TimeSpan.FromHours(1), None));
        Assert.Equal(lostDelivery.DeliveryId, (await ClaimOneAsync("webhook", T0 + TimeSpan.FromMinutes(2), OwnerB)).DeliveryId);

        var at = T0 + TimeSpan.FromMinutes(3);
        var recorded = await Store.RecordAttemptsAsync([Succeeded(lostDelivery, at), Succeeded(keptDelivery, at)], None);

        Assert.Equal([false, true], recorded);
        Assert.Equal(DeliveryStatus.Succeeded, (await DeliveryAsync(kept, "webhook")).Status);
        var untouched = await DeliveryAsync(lost, "webhook");
        Assert.Equal((DeliveryStatus.InProgress, 0, null as DateTimeOffset?), (untouched.Status, untouched.Attempts, untouched.CompletedAt));
        await AssertErasedAsync(kept, at);
        await AssertHoldsIdentityAsync(lost);
        Assert.Empty(await Store.RecordAttemptsAsync([], None));
    }

    [Fact]
    public async Task The_identity_is_erased_only_once_every_delivery_succeeded_or_was_closed()
    {
        var retirement = await AcceptAsync(T0, "webhook", "mailchimp", "braze");
        var learnerEmail = await ScalarAsync($"SELECT email FROM retirements WHERE id = '{retirement}'");

        await SucceedAsync("webhook", T0 + TimeSpan.FromSeconds(1));
        await AssertHoldsIdentityAsync(retirement);
        Assert.True(await RecordAsync(Dead(await ClaimOneAsync("mailchimp", T0), T0 + TimeSpan.FromSeconds(2))));
        await AssertHoldsIdentityAsync(retirement);
        await SucceedAsync("braze", T0 + TimeSpan.FromSeconds(3));
        // Every other delivery succeeded, but a dead one may still be replayed: it needs the identity.
        await AssertHoldsIdentityAsync(retirement);
        Assert.Equal(1, await Store.CountDeadHoldingIdentityAsync(None));
        Assert.Equal(learnerEmail, await ScalarAsync($"SELECT email FROM retirements WHERE id = '{retirement}'"));

        var closedAt = T0 + TimeSpan.FromMinutes(10);
        var mailchimp = await DeliveryAsync(retirement, "mailchimp");
        Assert.Equal(CloseResult.Closed, (await Store.CloseDeliveryAsync(mailchimp.DeliveryId, new DeliveryClosure("ops", closedAt, "erased by hand"), None)).Result);
        await AssertErasedAsync(retirement, closedAt);
        Assert.Equal(0, await Store.CountDeadHoldingIdentityAsync(None));
        // The pseudonymous record stays.
        Assert.NotNull((await RetirementAsync(retirement)).RetiredUsername);
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM retirements WHERE id = '{retirement}' AND retired_email IS NOT NULL"));

        // All succeeded: erased at the moment the last one finished.
        var other = await AcceptAsync(T0, "webhook", "mailchimp");
        await SucceedAsync("mailchimp", T0 + TimeSpan.FromSeconds(4));
        await AssertHoldsIdentityAsync(other);
        await SucceedAsync("webhook", T0 + TimeSpan.FromSeconds(5));
        await AssertErasedAsync(other, T0 + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Two_processes_finishing_the_last_two_deliveries_of_a_retirement_at_once_erase_its_identity()
    {
        // Each process records its batch in one transaction, both released at the same moment; for every retirement
        // each batch holds one of its last two deliveries. Many small rounds: each is one chance for the two
        // transactions to overlap, which is when a store that checks without locking leaves the identity behind.
        var peer = OpenPeer();
        for (var round = 0; round < 40; round++)
        {
            var retirements = new List<string>();
            for (var i = 0; i < 3; i++)
                retirements.Add(await AcceptAsync(T0, "webhook", "mailchimp"));
            var now = T0 + TimeSpan.FromSeconds(round + 1);
            var webhook = await ClaimAsync("webhook", now, OwnerA, store: Store);
            var mailchimp = await ClaimAsync("mailchimp", now, OwnerB, store: peer);
            Assert.Equal(3, webhook.Count);
            Assert.Equal(3, mailchimp.Count);

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var recording = new[]
            {
                Task.Run(async () => { await start.Task; return await Store.RecordAttemptsAsync([.. webhook.Select(d => Succeeded(d, now, OwnerA))], None); }),
                Task.Run(async () => { await start.Task; return await peer.RecordAttemptsAsync([.. mailchimp.Reverse().Select(d => Succeeded(d, now, OwnerB))], None); }),
            };
            start.SetResult();
            Assert.All((await Task.WhenAll(recording)).SelectMany(r => r), Assert.True);

            var ids = string.Join(", ", retirements.Select(r => $"'{r}'"));
            Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM retirements WHERE id IN ({ids}) AND (email IS NOT NULL OR username IS NOT NULL OR pii_erased_at IS NULL)"));
        }
    }

    [Fact]
    public async Task Dry_runs_are_released_when_their_deleter_runs_for_real()
    {
        var retirement = await AcceptAsync(T0, "braze", "webhook");
        Assert.True(await RecordAsync(DryRun(await ClaimOneAsync("braze", T0), T0)));
        Assert.Empty(await ClaimAsync("braze", T0 + TimeSpan.FromDays(1)));
        Assert.Null(await Store.NextDueAsync(["braze"], None));

        Assert.Equal(0, await Store.ReleaseDryRunsAsync(["webhook", "mailchimp"], T0, None));
        Assert.Equal(0, await Store.ReleaseDryRunsAsync([], T0, None));
        var now = T0 + TimeSpan.FromHours(1);
        Assert.Equal(1, await Store.ReleaseDryRunsAsync(["braze", "webhook"], now, None));

        var released = await DeliveryAsync(retirement, "braze");
        Assert.Equal((DeliveryStatus.Pending, now, 0, now), (released.Status, released.NextAttemptAt, released.Attempts, released.UpdatedAt));
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(retirement, "webhook")).Status);
        Assert.Equal(released.DeliveryId, (await ClaimOneAsync("braze", now)).DeliveryId);
        Assert.Equal(0, await Store.ReleaseDryRunsAsync(["braze"], now, None));
    }

    [Fact]
    public async Task Next_due_is_the_earliest_attempt_or_lease_expiry_of_the_given_deleters()
    {
        Assert.Null(await Store.NextDueAsync(["webhook"], None));
        await AcceptAsync(T0 + TimeSpan.FromSeconds(5), "webhook");
        await AcceptAsync(T0 + TimeSpan.FromSeconds(3), "mailchimp");

        Assert.Null(await Store.NextDueAsync([], None));
        Assert.Null(await Store.NextDueAsync(["braze"], None));
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), await Store.NextDueAsync(["webhook"], None));
        Assert.Equal(T0 + TimeSpan.FromSeconds(3), await Store.NextDueAsync(["webhook", "mailchimp"], None));

        // A running delivery is due again when its lease lapses.
        var running = await ClaimOneAsync("mailchimp", T0 + TimeSpan.FromSeconds(3));
        Assert.Equal(T0 + TimeSpan.FromSeconds(3) + Lease, await Store.NextDueAsync(["mailchimp"], None));
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), await Store.NextDueAsync(["webhook", "mailchimp"], None));

        Assert.True(await RecordAsync(WillRetry(running, T0 + TimeSpan.FromSeconds(4), T0 + TimeSpan.FromSeconds(4.5))));
        Assert.Equal(T0 + TimeSpan.FromSeconds(4.5), await Store.NextDueAsync(["webhook", "mailchimp"], None));
        Assert.True(await RecordAsync(Succeeded(await ClaimOneAsync("mailchimp", T0 + TimeSpan.FromSeconds(5)), T0 + TimeSpan.FromSeconds(5))));
        Assert.Null(await Store.NextDueAsync(["mailchimp"], None));
    }
}
