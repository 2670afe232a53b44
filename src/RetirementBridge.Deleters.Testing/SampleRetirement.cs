namespace RetirementBridge.Deleters.Testing;

/// <summary>
/// A made-up learner and notification for tests. The email has mixed case on purpose: providers that key on email
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

    /// <param name="deliveryId">Stable across the attempts of one delivery; a fresh id when omitted.</param>
    public static UserRetired Notification(
        RetiredLearner? learner = null, int attempt = 1, string? deliveryId = null, string? retirementId = null) =>
        new(retirementId ?? $"ret_{Guid.NewGuid():N}", deliveryId ?? $"dlv_{Guid.NewGuid():N}", attempt, learner ?? Learner());
}
