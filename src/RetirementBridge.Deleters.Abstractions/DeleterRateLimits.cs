using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace RetirementBridge.Deleters;

/// <summary>
/// Where each deleter's request budget (<c>Deleters:{Name}:RateLimit</c>) is kept. A provider counts requests per
/// account, not per process: one process keeps the budget in memory (<see cref="ProcessRateLimits"/>), and several
/// bridge replicas share one kept in their shared store, so together they never exceed it.
/// </summary>
public interface IDeleterRateLimits
{
    /// <summary>The limiter every HTTP request of this deleter's calls waits on; null when it has no limit.</summary>
    RateLimiter? For(DeleterRegistration deleter);
}

/// <summary>The budget of a single process: one sliding window per deleter, in memory.</summary>
public sealed class ProcessRateLimits : IDeleterRateLimits, IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new();

    public RateLimiter? For(DeleterRegistration deleter) =>
        deleter.Options.RateLimit.Requests is { } requests
            ? _limiters.GetOrAdd(deleter.Name, _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = requests,
                Window = deleter.Options.RateLimit.Per,
                // A sliding window, not a fixed one: a fixed window lets 2× the limit through around its boundary,
                // which a provider counting over a rolling window answers with 429.
                SegmentsPerWindow = 10,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }))
            : null;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
            limiter.Dispose();
    }
}
