namespace RetirementBridge.Storage;

/// <summary>Taking notifications in: what the webhook endpoint and start-up write.</summary>
public interface IRetirementInbox
{
    /// <summary>
    /// Durably records a notification and one pending delivery per deleter, in one transaction; returns only after
    /// the commit is durable. A repeated webhook id creates nothing and returns the first retirement's id. A shared
    /// store wakes every replica's dispatcher when the commit lands.
    /// </summary>
    Task<AcceptResult> AcceptAsync(IncomingRetirement incoming, IReadOnlyCollection<string> deleters, CancellationToken cancellationToken);

    /// <summary>Adds a pending delivery for each enabled deleter to every unfinished retirement that lacks one
    /// (a deleter enabled after notifications arrived). Returns how many were added.</summary>
    Task<int> AddMissingDeliveriesAsync(IReadOnlyCollection<string> deleters, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken);
}
