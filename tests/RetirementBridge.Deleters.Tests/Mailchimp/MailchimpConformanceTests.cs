using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Testing.Conformance;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Mailchimp.MailchimpFake;

namespace RetirementBridge.Deleters.Tests.Mailchimp;

/// <summary>
/// The conformance kit against Mailchimp's real paths and problem+json bodies, as operators run it by default: no
/// Audiences configured, so each call lists the account's audiences (<c>GET /3.0/lists</c>) first.
/// </summary>
public class MailchimpConformanceTests : DeleterConformanceTests
{
    /// <summary>The account's audiences, in both set-ups.</summary>
    protected static readonly string[] Audiences = ["a1", "b2"];

    protected override string DeleterName => "mailchimp";

    protected override string SectionName => "Mailchimp";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        BuiltIn.Deleters(services, configuration);

    protected override IDictionary<string, string?> ProviderSettings() =>
        new Dictionary<string, string?> { ["ApiKey"] = ApiKey };

    /// <summary>Whatever Mailchimp needs to answer before the member deletes: here, the list of audiences.</summary>
    protected virtual void ArrangeAudiences() =>
        Provider.Given(ListAudiences(offset: 0)).RespondWith(AudiencePage(Audiences, Audiences.Length));

    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        ArrangeAudiences();
        foreach (var item in items)
            foreach (var audience in Audiences)
                Provider.Given(Request.Create().UsingPost().WithPath(DeletePath(audience, SubscriberHash.Of(item.Learner.Email))))
                    .RespondWith(NoContent());
    }

    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        ArrangeAudiences();
        foreach (var item in items)
            foreach (var audience in Audiences)
                Provider.Given(Request.Create().UsingPost().WithPath(DeletePath(audience, SubscriberHash.Of(item.Learner.Email))))
                    .RespondWith(NotFound());
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait)
    {
        ArrangeAudiences();
        var tooMany = Problem(429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.");
        if (wait is { } delay)
            tooMany = tooMany.WithHeader("Retry-After", $"{delay.TotalSeconds:0}");
        Provider.Given(Request.Create().UsingPost()
                .WithPath(new RegexMatcher("^/3\\.0/lists/[A-Za-z0-9]+/members/[0-9a-f]{32}/actions/delete-permanent$")))
            .RespondWith(tooMany);
    }
}

/// <summary>The same scenarios with Audiences configured: no listing, and a 404 is checked against the audience.</summary>
public sealed class MailchimpConfiguredAudiencesConformanceTests : MailchimpConformanceTests
{
    protected override IDictionary<string, string?> ProviderSettings()
    {
        var settings = base.ProviderSettings();
        for (var i = 0; i < Audiences.Length; i++)
            settings[$"Audiences:{i}"] = Audiences[i];
        return settings;
    }

    /// <summary>Each configured audience exists (<c>GET /3.0/lists/{id}?fields=id</c>): asked only after a 404.</summary>
    protected override void ArrangeAudiences()
    {
        foreach (var audience in Audiences)
            Provider.Given(Request.Create().UsingGet().WithPath($"/3.0/lists/{audience}").WithParam("fields", "id"))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody(JsonSerializer.Serialize(new { id = audience })));
    }
}
