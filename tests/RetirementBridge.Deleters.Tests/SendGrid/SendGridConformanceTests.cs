using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.SendGrid;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.SendGrid;

/// <summary>
/// The conformance kit against SendGrid's fake: learners are found by email, deleted by contact id in one job, and
/// the job is followed until it completes. "Not there" is SendGrid's own 404 for a search that finds nobody; "one
/// refused" is a search SendGrid answers 400 because one address in it is invalid.
/// </summary>
public sealed class SendGridConformanceTests : DeleterConformanceTests
{
    private SendGridFake? _fake;

    /// <summary>One fake for the whole test: its directory of contacts outlives the kit's mapping resets.</summary>
    private SendGridFake SendGrid => _fake ??= new SendGridFake(Provider);

    protected override string DeleterName => SendGridRegistration.Name;

    protected override string SectionName => "SendGrid";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddSendGridDeleter(configuration.GetSection("Deleters:SendGrid"));

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["ApiKey"] = SendGridFake.ApiKey };

    protected override bool IsAsynchronous => true;

    protected override string JobReference => SendGridFake.JobId;

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        SendGrid.Contacts(items);
        SendGrid.SearchAnswers();
        SendGrid.DeleteAccepts(items.Select(SendGridFake.ContactId), JobReference);
    }

    /// <summary>No learner is a contact: SendGrid answers the search 404 (and the contact count, which the deleter asks then, 200).</summary>
    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        SendGrid.SearchAnswers();
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait) =>
        SendGrid.SearchAnswers(SendGridFake.TooManyRequests(wait));

    /// <summary>Every learner is a contact, but SendGrid refuses <paramref name="bad"/>'s address as invalid (400 for any search holding it).</summary>
    protected override bool ArrangeOneRefused(IReadOnlyList<ErasureItem> items, ErasureItem bad)
    {
        SendGrid.Contacts(items);
        SendGrid.Refuses(bad.Learner.Email);
        SendGrid.SearchAnswers();
        SendGrid.DeleteAccepts(items.Where(item => item != bad).Select(SendGridFake.ContactId), JobReference);
        return true;
    }

    protected override void ArrangeJob(string reference, JobState state) =>
        SendGrid.Job(reference, state switch
        {
            JobState.Running => "pending",
            JobState.Finished => "completed",
            _ => "failed",
        });
}
