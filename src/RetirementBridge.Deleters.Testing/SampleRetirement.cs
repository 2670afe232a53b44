namespace RetirementBridge.Deleters.Testing;

/// <summary>
/// Made-up learners and erasure items for tests. The email has mixed case on purpose: providers that key on email
/// usually want it lower-cased, and a test with an already lower-case address cannot tell.
/// </summary>
public static class SampleRetirement
{
    public const string Email = "Jane.Doe@Example.COM";
    public const string Username = "jane_doe_1987";

    public static RetiredLearner Learner(
        string email = Email,
        string username = Username,
        long lmsUserId = 4242,
        string retiredUsername = "retired__user_2f0c1e",
        string retiredEmail = "retired__user_2f0c1e@retired.invalid",
        string site = "courses.example.org") =>
        new(lmsUserId, username, email, retiredUsername, retiredEmail, site);

    /// <summary>The <paramref name="n"/>th of a batch of distinct learners (ids 5001, 5002, ...; emails learner-n@...).</summary>
    public static RetiredLearner NthLearner(int n) =>
        Learner($"Learner.{n}@Example.COM", $"learner_{n}", 5000 + n, $"retired__user_{n:x6}", $"retired__user_{n:x6}@retired.invalid");

    /// <param name="deliveryId">Stable across the attempts of one delivery; a fresh id when omitted.</param>
    /// <param name="providerReference">What an earlier call reported (a job reference, for a job check).</param>
    public static ErasureItem Item(
        RetiredLearner? learner = null, int attempt = 1, string? deliveryId = null, string? retirementId = null, string? providerReference = null) =>
        new(deliveryId ?? $"dlv_{Guid.NewGuid():N}", retirementId ?? $"ret_{Guid.NewGuid():N}", attempt, learner ?? Learner(), providerReference);

    /// <summary>One item per learner 1..<paramref name="count"/>.</summary>
    public static IReadOnlyList<ErasureItem> Batch(int count) =>
        Enumerable.Range(1, count).Select(n => Item(NthLearner(n))).ToList();
}
