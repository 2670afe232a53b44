namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>
/// Combines the per-audience outcomes of one attempt into the attempt's outcome. Any transient wins (re-running is
/// safe: audiences already done answer 404); then any permanent; then all not-there is Gone; else Deleted.
/// </summary>
internal static class AudienceTally
{
    public static DeletionOutcome Combine(IReadOnlyList<DeletionOutcome> perAudience, int audienceCount)
    {
        var deleted = perAudience.Count(o => o.Kind == DeletionOutcomeKind.Deleted);
        var progress = $"deleted in {deleted} of {audienceCount} audiences";

        var transient = perAudience.Where(o => o.Kind == DeletionOutcomeKind.Transient).ToList();
        if (transient.Count > 0)
            return DeletionOutcome.Transient(transient[0].Reason!, transient.Max(o => o.RetryAfter), progress);

        var permanent = perAudience.FirstOrDefault(o => o.Kind == DeletionOutcomeKind.Permanent);
        if (permanent is not null)
            return DeletionOutcome.Permanent(permanent.Reason!, progress);

        return deleted == 0
            ? DeletionOutcome.Gone($"not in any of {audienceCount} audiences")
            : DeletionOutcome.Deleted(progress);
    }
}
