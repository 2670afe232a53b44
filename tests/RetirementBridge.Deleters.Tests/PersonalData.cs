using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests;

/// <summary>Every test passes each outcome it gets through this: no outcome may carry who the learner is.</summary>
internal static class PersonalData
{
    public static readonly string[] OfSampleLearner =
    [
        SampleRetirement.Email,
        SampleRetirement.Email.ToLowerInvariant(),
        SampleRetirement.Username,
        SubscriberHash.Of(SampleRetirement.Email),
    ];

    public static DeletionOutcome AssertNone(DeletionOutcome outcome)
    {
        foreach (var text in new[] { outcome.Reason, outcome.ProviderReference })
        {
            if (text is null)
                continue;
            foreach (var value in OfSampleLearner)
                Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("@", text);
        }
        return outcome;
    }

    /// <summary>
    /// A whole call's outcomes: each learner has one, and none carries any learner's email or username (or an @), nor
    /// the mark the pipeline leaves where it had to withhold such text.
    /// </summary>
    public static DeletionResults AssertNone(DeletionResults results, IReadOnlyList<ErasureItem> items)
    {
        Assert.All(items, item => Assert.NotNull(results.For(item)));
        var identities = items.SelectMany(item => new[] { item.Learner.Email, item.Learner.Username }).Where(id => id.Length > 0).ToList();
        foreach (var outcome in results.Outcomes.Values)
        {
            AssertNone(outcome);
            foreach (var text in new[] { outcome.Reason, outcome.ProviderReference }.OfType<string>())
            {
                Assert.DoesNotContain(identities, identity => text.Contains(identity, StringComparison.OrdinalIgnoreCase));
                Assert.NotEqual(OutcomeGuardBehavior<EraseLearners>.Withheld, text);
            }
        }
        return results;
    }
}
