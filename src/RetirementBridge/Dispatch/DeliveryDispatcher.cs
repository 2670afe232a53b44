using RetirementBridge.Deleters;
using RetirementBridge.Hosting;
using RetirementBridge.Storage;

namespace RetirementBridge.Dispatch;

/// <summary>
/// Claims due deliveries from the store and runs each through its own deleter. Work starts as soon as a
/// notification is committed (the endpoint rings <see cref="DispatchSignal"/>), and the dispatcher sleeps until the
/// next retry is due. Deleters are called one by one, never through <c>IMediator.Publish</c>: Publish runs every
/// handler in turn and stops at the first exception, exactly the coupling between providers this must avoid.
/// </summary>
public sealed partial class DeliveryDispatcher(
    IDeliveryQueue store,
    ICallSlots slots,
    LeaseHeartbeat heartbeat,
    IServiceProvider services,
    IEnumerable<DeleterRegistration> deleters,
    DispatchSignal signal,
    RetrySchedule schedule,
    DispatchOptions options,
    TimeProvider clock,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private readonly IReadOnlyList<DeleterLane> _lanes = deleters.Select(d => new DeleterLane(d)).ToList();
    /// <summary>How soon a lane whose slots are all taken by other replicas looks for a free one again.</summary>
    private static readonly TimeSpan SlotRetry = TimeSpan.FromMilliseconds(500);

    private string Owner => heartbeat.Owner;
    private readonly HashSet<Task> _inFlight = [];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Enabled || _lanes.Count == 0)
        {
            // The start-up lines (StoreStartup) already say so, once, in words that agree with each other.
            return;
        }
        await Task.Yield();
        var renewing = heartbeat.RunAsync(stopping);
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await ClaimAndStartAsync(stopping);
                wait = await TimeUntilNextWorkAsync(stopping);
            }
            catch (StoreUnavailableException ex)
            {
                LogStoreUnavailable(ex.Message);
                wait = TimeSpan.FromSeconds(5);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await signal.WaitAsync(wait, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Attempts in flight see the cancellation and unwind; their leases lapse (or, on SQLite, are recovered at the
        // next start).
        Task[] remaining;
        lock (_inFlight)
            remaining = [.. _inFlight];
        await Task.WhenAll(remaining);
        await renewing;
    }

    /// <summary>Fills each lane's free slots: one slot is one call, carrying up to the deleter's batch of deliveries. A
    /// slot is the deployment's (<see cref="ICallSlots"/>), so replicas together run no more calls than the provider allows.</summary>
    private async Task ClaimAndStartAsync(CancellationToken stopping)
    {
        foreach (var lane in _lanes)
        {
            while (lane.CanClaim(clock.GetUtcNow()))
            {
                if (await slots.TryTakeAsync(lane.Name, lane.MaxConcurrency, Owner, heartbeat.NextExpiry(), stopping) is not { } slot)
                {
                    // Every slot of the deployment is taken. When this process runs some of them, the first to finish
                    // wakes this lane; when it runs none, nothing here will, so it looks again shortly.
                    if (!lane.TryWaitForOwnCalls())
                        lane.PauseUntil(clock.GetUtcNow() + SlotRetry);
                    break;
                }
                IReadOnlyList<ClaimedDelivery> claimed;
                try
                {
                    claimed = await store.ClaimDueAsync(lane.Name, lane.BatchSize, Owner, clock.GetUtcNow(), options.Lease, stopping);
                }
                catch
                {
                    await ReleaseAsync(slot);
                    throw;
                }
                if (claimed.Count == 0)
                {
                    await ReleaseAsync(slot);
                    break;
                }
                heartbeat.Hold(slot);
                heartbeat.Hold(claimed);
                lane.Started();
                var task = RunAsync(lane, slot, claimed, stopping);
                lock (_inFlight)
                    _inFlight.Add(task);
                _ = task.ContinueWith(t => { lock (_inFlight) _inFlight.Remove(t); }, TaskScheduler.Default);
                if (claimed.Count < lane.BatchSize)
                    break; // nothing more is due now
            }
        }
    }

    /// <summary>Gives a slot back; if the store does not answer, the slot's lease lapses instead.</summary>
    private async Task ReleaseAsync(CallSlot slot)
    {
        heartbeat.Drop(slot);
        try
        {
            await slots.ReleaseAsync(slot, CancellationToken.None);
        }
        catch (StoreUnavailableException ex)
        {
            LogSlotReleaseFailed(slot.Deleter, ex.Message);
        }
    }

    private async Task<TimeSpan> TimeUntilNextWorkAsync(CancellationToken stopping)
    {
        var now = clock.GetUtcNow();
        var wait = options.IdlePoll;
        var ready = new List<string>();
        foreach (var lane in _lanes)
        {
            if (lane.CanClaim(now))
                ready.Add(lane.Name);
            else if (lane.FreeSlots > 0 && lane.PausedUntil - now < wait)
                wait = lane.PausedUntil - now;
            // A full lane is woken by its own attempts finishing.
        }
        if (ready.Count > 0 && await store.NextDueAsync(ready, stopping) is { } due && due - now < wait)
            wait = due - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>One slot's work: the claimed job checks in one call, the claimed erasures in another; then, while a full
    /// batch keeps coming, the next batch on the same slot, without giving it back and taking it again in between.</summary>
    private async Task RunAsync(DeleterLane lane, CallSlot slot, IReadOnlyList<ClaimedDelivery> claimed, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                foreach (var group in claimed.GroupBy(d => d.ChecksJob))
                    await CallAsync(lane, group.ToList(), stopping);
                heartbeat.Drop(claimed);
                if (claimed.Count < lane.BatchSize || stopping.IsCancellationRequested || lane.PausedUntil > clock.GetUtcNow())
                    break; // nothing more was due, the host stops, or the provider asked to wait
                claimed = await store.ClaimDueAsync(lane.Name, lane.BatchSize, Owner, clock.GetUtcNow(), options.Lease, stopping);
                if (claimed.Count == 0)
                    break;
                heartbeat.Hold(claimed);
            }
        }
        catch (StoreUnavailableException ex)
        {
            LogStoreUnavailable(ex.Message); // the next claim runs from the dispatcher's loop, which waits for the store
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            heartbeat.Drop(claimed);
            await ReleaseAsync(slot);
            lane.Finished();
            signal.Ring();
        }
    }

    private async Task CallAsync(DeleterLane lane, IReadOnlyList<ClaimedDelivery> deliveries, CancellationToken stopping)
    {
        try
        {
            var items = deliveries.Select(d => new ErasureItem(d.DeliveryId, d.RetirementId, d.Attempts + 1, d.Learner, d.ProviderReference)).ToList();
            DeleterRequest request = deliveries[0].ChecksJob ? new CheckErasureJobs(lane.Name, items) : new EraseLearners(lane.Name, items);
            var results = await SendAsync(request, stopping);
            heartbeat.Drop(deliveries);

            var now = clock.GetUtcNow();
            var records = deliveries.Select((d, i) => schedule.Decide(d, Owner, results.For(items[i])!, now, lane.Options)).ToList();
            // A provider's "wait" applies to the account, so it pauses the whole lane.
            if (items.Select(results.For).Any(o => o!.RetryAfter is not null) && records.Max(r => r.NextAttemptAt) is { } resume)
                lane.PauseUntil(resume);
            // Not cancellable: a call that ran must be recorded even while the host stops.
            var recorded = await store.RecordAttemptsAsync(records, CancellationToken.None);
            for (var i = 0; i < deliveries.Count; i++)
                Log(lane, deliveries[i], records[i], recorded[i]);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            LogInterrupted(deliveries.Count, deliveries[0].DeliveryId, lane.Name);
        }
        catch (Exception ex)
        {
            // Only a store failure can land here (the pipeline turns every deleter failure into outcomes): the
            // deliveries stay leased and run again when the lease lapses.
            LogRecordFailed(deliveries.Count, deliveries[0].DeliveryId, lane.Name, ex.GetType().Name);
        }
    }

    private async Task<DeletionResults> SendAsync(DeleterRequest request, CancellationToken stopping)
    {
        await using var scope = services.CreateAsyncScope();
        return request switch
        {
            CheckErasureJobs check => await DeleterPipeline.SendAsync(scope.ServiceProvider, check, stopping),
            EraseLearners erase => await DeleterPipeline.SendAsync(scope.ServiceProvider, erase, stopping),
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        };
    }

    private void Log(DeleterLane lane, ClaimedDelivery delivery, AttemptRecord record, bool recorded)
    {
        var what = delivery.ChecksJob ? $"job check {delivery.JobChecks + 1}" : $"attempt {delivery.Attempts + 1}";
        LogAttempt(delivery.DeliveryId, delivery.RetirementId, lane.Name, what, record.Outcome, record.Status,
            record.NextAttemptAt is { } next ? LogTime.Iso(next) : "none", record.LastError ?? "none", recorded);
        if (record.Status == DeliveryStatus.Dead && recorded)
            LogDead(delivery.DeliveryId, delivery.RetirementId, lane.Name, delivery.Attempts + (record.CountsAsAttempt ? 1 : 0), record.LastError);
    }

    // An Error like the endpoint's: while the store does not answer, nothing is being erased.
    [LoggerMessage(Level = LogLevel.Error, Message = "Store unavailable while dispatching ({Error:l}); retrying in 5 s")]
    private partial void LogStoreUnavailable(string error);

    // ":l" renders a string without quotes, so ids and times in the line can be copied as they are.
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery {DeliveryId:l} (retirement {RetirementId:l}) to {Deleter:l}: {Attempt:l} {Outcome:l}, now {Status:l}, next attempt {NextAttemptAt:l}, error {Error:l}, recorded {Recorded}")]
    private partial void LogAttempt(string deliveryId, string retirementId, string deleter, string attempt, string? outcome, string status, string nextAttemptAt, string error, bool recorded);

    // The one line an operator must alert on: this learner is not erased in this system until someone acts.
    [LoggerMessage(Level = LogLevel.Error,
        Message = "Delivery {DeliveryId:l} (retirement {RetirementId:l}) to {Deleter:l} is DEAD after {Attempt} attempts: {Error:l}. Fix the cause, then POST /v1/deliveries/{DeliveryId:l}/replay (or close it: POST /v1/deliveries/{DeliveryId:l}/close)")]
    private partial void LogDead(string deliveryId, string retirementId, string deleter, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give back a call slot of {Deleter:l} ({Error:l}); it comes free when its lease lapses")]
    private partial void LogSlotReleaseFailed(string deleter, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "A call of {Count} deliveries (first {DeliveryId:l}) to {Deleter:l} was interrupted by shutdown; it runs again after restart")]
    private partial void LogInterrupted(int count, string deliveryId, string deleter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a call of {Count} deliveries (first {DeliveryId:l}) to {Deleter:l} ({ErrorType:l}); they run again when their lease lapses")]
    private partial void LogRecordFailed(int count, string deliveryId, string deleter, string errorType);
}
