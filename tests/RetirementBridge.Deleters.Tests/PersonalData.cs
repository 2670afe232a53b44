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
}
