using MediatR;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// Erases learners from a Salesforce org: finds their Leads and Contacts by email with one SOQL query per object for
/// the whole batch (<c>SELECT Id, Email FROM Lead WHERE Email IN (…)</c>, then Contact), and deletes every record
/// found with sObject Collections (<c>DELETE /composite/sobjects?ids=…&amp;allOrNone=false</c>, up to 200 ids a
/// request), each record on its own. A learner with no Lead and no Contact is gone; a learner whose records were all
/// deleted (or already were) is erased; a record Salesforce refuses to delete fails its learner alone.
/// </summary>
/// <remarks>
/// Deleted records go to the org's Recycle Bin, which Salesforce empties after 15 days; the REST API has no
/// hard delete.
/// </remarks>
internal sealed class SalesforceDeleter(ISalesforceApi api, SalesforceTokenCache tokens, SalesforceOptions options)
    : IRequestHandler<EraseLearners, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        var client = new SalesforceClient(api, tokens, options);

        // Learners by address, as Salesforce compares it (case aside): two deliveries of one address share its records.
        var learners = new Dictionary<string, Learner>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in request.Items)
        {
            if (SalesforceSoql.WhyNotQueryable(item.Learner.Email) is { } problem)
            {
                results.Set(item, DeletionOutcome.Permanent(problem));
                continue;
            }
            var email = item.Learner.Email.Trim();
            if (!learners.TryGetValue(email, out var learner))
                learners[email] = learner = new Learner(email);
            learner.Items.Add(item);
        }
        if (learners.Count == 0)
            return results;

        // 1. Find: one query per object for the batch (more only when the addresses are too long for one URL).
        var unattributed = 0;
        foreach (var sobject in SalesforceObject.Erased)
        {
            var asked = learners.Values.Where(l => l.Failure is null).Select(l => l.Email).ToList();
            foreach (var group in SalesforceSoql.Group(sobject.Name, asked))
            {
                var soql = SalesforceSoql.FindByEmail(sobject.Name, group.SelectMany(SalesforceSoql.Values));
                var (records, failure) = await client.QueryAsync(sobject, soql, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    // Slowing down (429, quota) or Salesforce unavailable: the rest of the call would only meet the same.
                    if (failure.Kind == DeletionOutcomeKind.Transient)
                        return Everyone(results, learners.Values, failure);
                    foreach (var email in group)
                        learners[email].Failure = failure;
                    continue;
                }
                foreach (var record in records!)
                {
                    // Salesforce matched the record to an address of this query; which one is read from its Email.
                    if (record.Email is { } found && learners.TryGetValue(found.Trim(), out var owner))
                    {
                        if (owner.Failure is null)
                            owner.Records.TryAdd(record.Id!, new FoundRecord(sobject, record.Id!));
                    }
                    else
                        unattributed++;
                }
            }
        }

        // 2. Delete every record found, 200 ids a request, each on its own.
        var toDelete = learners.Values.Where(l => l.Failure is null).SelectMany(l => l.Records.Values)
            .DistinctBy(r => r.Id, StringComparer.Ordinal).ToList();
        var outcomes = new Dictionary<string, RecordOutcome>(StringComparer.Ordinal);
        DeletionOutcome? halted = null;
        foreach (var chunk in toDelete.Chunk(SalesforceOptions.MaxIdsPerDelete))
        {
            var ids = chunk.Select(r => r.Id).ToList();
            var (answer, failure) = halted is null
                ? await client.DeleteAsync(ids, cancellationToken).ConfigureAwait(false)
                : (null, halted);
            if (failure is not null)
            {
                // After a transient answer the next requests would likely get the same; the learners are retried anyway.
                if (failure.Kind == DeletionOutcomeKind.Transient)
                    halted = failure;
                foreach (var record in chunk)
                    outcomes[record.Id] = RecordOutcome.Of(failure);
                continue;
            }
            for (var i = 0; i < chunk.Length; i++)
                outcomes[chunk[i].Id] = RecordOutcome.Of(answer![i]);
        }

        // 3. Each learner's outcome from its records'.
        foreach (var learner in learners.Values)
        {
            var outcome = learner.Failure ?? Combine(learner, outcomes);
            // A record Salesforce found for an address of the batch, but whose Email is none of them as this side
            // compares them (a locale's casing rules): it may be anyone's, so nobody may be reported erased.
            if (unattributed > 0 && outcome.IsSuccess)
                outcome = DeletionOutcome.Transient($"{unattributed} record(s) found could not be matched to one learner's address");
            foreach (var item in learner.Items)
                results.Set(item, outcome);
        }
        return results;
    }

    private static DeletionResults Everyone(DeletionResults results, IEnumerable<Learner> learners, DeletionOutcome outcome)
    {
        foreach (var item in learners.SelectMany(l => l.Items))
            results.Set(item, outcome);
        return results;
    }

    /// <summary>
    /// No record: gone. Any record to retry: transient (the retry finds only what is left). Any record refused:
    /// permanent, naming the objects and Salesforce's codes. Otherwise deleted, or gone when every record already was.
    /// </summary>
    private static DeletionOutcome Combine(Learner learner, Dictionary<string, RecordOutcome> outcomes)
    {
        if (learner.Records.Count == 0)
            return DeletionOutcome.Gone("no Lead or Contact with this email");

        var records = learner.Records.Values.Select(r => (Record: r, Outcome: outcomes[r.Id])).ToList();
        if (records.FirstOrDefault(r => r.Outcome.Kind == DeletionOutcomeKind.Transient) is { Outcome: not null } retry)
            return DeletionOutcome.Transient(retry.Outcome.Reason, retry.Outcome.RetryAfter);

        var refused = records.Where(r => r.Outcome.Kind == DeletionOutcomeKind.Permanent).ToList();
        if (refused.Count > 0)
            return DeletionOutcome.Permanent(
                $"{refused.Count} of {records.Count} record(s) not deleted: " +
                string.Join(", ", refused.Select(r => $"{r.Record.Object.Name} {r.Outcome.Reason}").Distinct()));

        var deleted = records.Where(r => r.Outcome.Kind == DeletionOutcomeKind.Deleted).ToList();
        var already = records.Count - deleted.Count;
        if (deleted.Count == 0)
            return DeletionOutcome.Gone($"{already} record(s) already deleted");
        var counts = string.Join(", ", SalesforceObject.Erased
            .Select(o => (o.Name, Count: deleted.Count(r => r.Record.Object == o)))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Name}"));
        return DeletionOutcome.Deleted(already == 0 ? $"deleted {counts}" : $"deleted {counts}; {already} already deleted");
    }

    private sealed class Learner(string email)
    {
        public string Email { get; } = email;

        public List<ErasureItem> Items { get; } = [];

        /// <summary>Every record found for the address, by id, in the order found.</summary>
        public Dictionary<string, FoundRecord> Records { get; } = new(StringComparer.Ordinal);

        /// <summary>Set when the learner's records cannot be known: nothing is deleted for it.</summary>
        public DeletionOutcome? Failure { get; set; }
    }

    private sealed record FoundRecord(SalesforceObject Object, string Id);

    /// <summary>What happened to one record: Deleted, Gone (already deleted), Transient or Permanent with a reason.</summary>
    private sealed record RecordOutcome(DeletionOutcomeKind Kind, string Reason, TimeSpan? RetryAfter = null)
    {
        public static RecordOutcome Of(DeletionOutcome failure) => new(failure.Kind, failure.Reason ?? "failed", failure.RetryAfter);

        /// <summary>
        /// success: deleted; only ENTITY_IS_DELETED: gone; only UNABLE_TO_LOCK_ROW (another transaction holds the
        /// record): transient; anything else: permanent with its code.
        /// </summary>
        public static RecordOutcome Of(SalesforceDeleteResult result)
        {
            if (result.Success == true)
                return new RecordOutcome(DeletionOutcomeKind.Deleted, "deleted");
            var codes = (result.Errors ?? []).Select(e => SalesforceAnswer.Constant(e?.StatusCode) ?? "an unnamed error").Distinct().ToList();
            if (codes.Count == 0)
                return new RecordOutcome(DeletionOutcomeKind.Permanent, "refused without an error code");
            if (codes.All(c => c == SalesforceAnswer.EntityIsDeleted))
                return new RecordOutcome(DeletionOutcomeKind.Gone, SalesforceAnswer.EntityIsDeleted);
            if (codes.All(c => c == SalesforceAnswer.UnableToLockRow))
                return new RecordOutcome(DeletionOutcomeKind.Transient, $"delete: {SalesforceAnswer.UnableToLockRow}");
            return new RecordOutcome(DeletionOutcomeKind.Permanent,
                string.Join("+", codes.Where(c => c != SalesforceAnswer.EntityIsDeleted && c != SalesforceAnswer.UnableToLockRow)));
        }
    }
}
