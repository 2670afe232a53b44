using MediatR;
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
    IRetirementStore store,
    IServiceProvider services,
    IEnumerable<DeleterRegistration> deleters,
    DispatchSignal signal,
    RetrySchedule schedule,
    DispatchOptions options,
    TimeProvider clock,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private readonly IReadOnlyList<DeleterLane> _lanes = deleters.Select(d => new DeleterLane(d)).ToList();
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly HashSet<Task> _inFlight = [];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Enabled || _lanes.Count == 0)
        {
            // The start-up lines (StoreStartup) already say so, once, in words that agree with each other.
            return;
        }
        await Task.Yield();
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
        // Attempts in flight see the cancellation and unwind; their leases are recovered at the next start.
        Task[] remaining;
        lock (_inFlight)
            remaining = [.. _inFlight];
        await Task.WhenAll(remaining);
    }

    private async Task ClaimAndStartAsync(CancellationToken stopping)
    {
        foreach (var lane in _lanes)
        {
            var now = clock.GetUtcNow();
            if (!lane.CanClaim(now))
                continue;
            var claimed = await store.ClaimDueAsync(lane.Name, lane.FreeSlots, _owner, now, lane.Lease, stopping);
            foreach (var delivery in claimed)
            {
                lane.Started();
                var task = RunAsync(lane, delivery, stopping);
                lock (_inFlight)
                    _inFlight.Add(task);
                _ = task.ContinueWith(t => { lock (_inFlight) _inFlight.Remove(t); }, TaskScheduler.Default);
            }
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

    private async Task RunAsync(DeleterLane lane, ClaimedDelivery delivery, CancellationToken stopping)
    {
        var attempt = delivery.Attempts + 1;
        try
        {
            var outcome = await AttemptAsync(lane, delivery, attempt, stopping);
            var record = schedule.Decide(delivery, _owner, attempt, outcome, clock.GetUtcNow());
            if (outcome.RetryAfter is not null && record.NextAttemptAt is { } resume)
                lane.PauseUntil(resume);
            // Not cancellable: an attempt that ran must be recorded even while the host stops.
            var recorded = await store.RecordAttemptAsync(record, CancellationToken.None);
            LogAttempt(delivery.DeliveryId, delivery.RetirementId, lane.Name, attempt, record.Outcome, record.Status,
                record.NextAttemptAt is { } next ? LogTime.Iso(next) : "none", record.LastError ?? "none", recorded);
            if (record.Status == DeliveryStatus.Dead && recorded)
                LogDead(delivery.DeliveryId, delivery.RetirementId, lane.Name, attempt, record.LastError);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            LogInterrupted(delivery.DeliveryId, lane.Name);
        }
        catch (Exception ex)
        {
            // Only a store failure can land here: the delivery stays leased and is retried when the lease lapses.
            LogRecordFailed(delivery.DeliveryId, lane.Name, ex.GetType().Name);
        }
        finally
        {
            lane.Finished();
            signal.Ring();
        }
    }

    private async Task<DeletionOutcome> AttemptAsync(DeleterLane lane, ClaimedDelivery delivery, int attempt, CancellationToken stopping)
    {
        await using var scope = services.CreateAsyncScope();
        INotificationHandler<UserRetired> handler;
        try
        {
            handler = scope.ServiceProvider.GetRequiredKeyedService<INotificationHandler<UserRetired>>(lane.Name);
        }
        catch (Exception ex)
        {
            return DeletionOutcome.Transient($"deleter could not be created ({ex.GetType().Name})");
        }
        var notification = new UserRetired(delivery.RetirementId, delivery.DeliveryId, attempt, delivery.Learner, delivery.ProviderReference);
        return await DeleterInvoker.InvokeAsync(handler, notification, lane.Timeout, stopping);
    }

    // An Error like the endpoint's: while the store does not answer, nothing is being erased.
    [LoggerMessage(Level = LogLevel.Error, Message = "Store unavailable while dispatching ({Error:l}); retrying in 5 s")]
    private partial void LogStoreUnavailable(string error);

    // ":l" renders a string without quotes, so ids and times in the line can be copied as they are.
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery {DeliveryId:l} (retirement {RetirementId:l}) to {Deleter:l}: attempt {Attempt} {Outcome:l}, now {Status:l}, next attempt {NextAttemptAt:l}, error {Error:l}, recorded {Recorded}")]
    private partial void LogAttempt(string deliveryId, string retirementId, string deleter, int attempt, string? outcome, string status, string nextAttemptAt, string error, bool recorded);

    // The one line an operator must alert on: this learner is not erased in this system until someone acts.
    [LoggerMessage(Level = LogLevel.Error,
        Message = "Delivery {DeliveryId:l} (retirement {RetirementId:l}) to {Deleter:l} is DEAD after {Attempt} attempts: {Error:l}. Fix the cause, then POST /v1/deliveries/{DeliveryId:l}/replay (or close it: POST /v1/deliveries/{DeliveryId:l}/close)")]
    private partial void LogDead(string deliveryId, string retirementId, string deleter, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId:l} to {Deleter:l} interrupted by shutdown; it runs again after restart")]
    private partial void LogInterrupted(string deliveryId, string deleter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the attempt of delivery {DeliveryId:l} to {Deleter:l} ({ErrorType:l}); it is retried when its lease lapses")]
    private partial void LogRecordFailed(string deliveryId, string deleter, string errorType);
}
