namespace RetirementBridge.Deleters.Tests;

/// <summary>The check every deleter test runs on its outcomes must itself catch each kind of leak.</summary>
public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("audience a1: jane.doe@example.com refused")]
    [InlineData("member JANE.DOE@EXAMPLE.COM")]
    [InlineData("user jane_doe_1987 locked")]
    [InlineData("lists/a1/members/0cba00ca3da1b283a57287bcceb17e35")]
    public void The_check_catches_the_email_the_username_and_the_subscriber_hash(string leak)
    {
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PersonalData.AssertNone(DeletionOutcome.Permanent(leak)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PersonalData.AssertNone(DeletionOutcome.Deleted(leak)));
    }

    [Fact]
    public void The_check_passes_an_outcome_without_personal_data() =>
        PersonalData.AssertNone(DeletionOutcome.Transient("audience a1: HTTP 429", TimeSpan.FromSeconds(1), "deleted in 0 of 1 audiences"));
}
