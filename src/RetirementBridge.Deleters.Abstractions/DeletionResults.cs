namespace RetirementBridge.Deleters;

/// <summary>
/// A deleter's answer: one outcome per learner of its request, by delivery id. A learner the deleter gives no outcome
/// is never counted as erased: the pipeline records it as a transient failure.
/// </summary>
public sealed class DeletionResults
{
    private readonly Dictionary<string, DeletionOutcome> _outcomes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DeletionOutcome> Outcomes => _outcomes;

    /// <summary>Sets <paramref name="item"/>'s outcome (the last one set wins). Returns this, so calls chain.</summary>
    public DeletionResults Set(ErasureItem item, DeletionOutcome outcome)
    {
        _outcomes[item.DeliveryId] = outcome ?? throw new ArgumentNullException(nameof(outcome));
        return this;
    }

    public DeletionOutcome? For(ErasureItem item) => _outcomes.GetValueOrDefault(item.DeliveryId);

    /// <summary>The same outcome for every learner (one provider call that succeeded or failed as a whole).</summary>
    public static DeletionResults ForAll(IEnumerable<ErasureItem> items, DeletionOutcome outcome)
    {
        var results = new DeletionResults();
        foreach (var item in items)
            results.Set(item, outcome);
        return results;
    }

    /// <summary>Each learner's outcome from <paramref name="outcome"/>.</summary>
    public static DeletionResults Each(IEnumerable<ErasureItem> items, Func<ErasureItem, DeletionOutcome> outcome)
    {
        var results = new DeletionResults();
        foreach (var item in items)
            results.Set(item, outcome(item));
        return results;
    }

    public override string ToString() =>
        $"DeletionResults({string.Join(", ", _outcomes.GroupBy(o => o.Value.Kind).Select(g => $"{g.Key}={g.Count()}"))})";
}
