using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Brevo;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.Brevo;

/// <summary>Every scenario of the conformance kit, against Brevo's real path, query, header and answers.</summary>
public sealed class BrevoConformanceTests : DeleterConformanceTests
{
    private BrevoFake Brevo => new(Provider);

    protected override string DeleterName => BrevoRegistration.Name;

    protected override string SectionName => "Brevo";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddBrevoDeleter(configuration.GetSection("Deleters:Brevo"));

    protected override IDictionary<string, string?> ProviderSettings() => new Dictionary<string, string?>
    {
        ["ApiKey"] = BrevoFake.ApiKey,
    };

    /// <summary>The sample learners type their addresses in mixed case: Brevo deletes the lower-cased form, and has
    /// nothing under the form as typed. Both requests are arranged exactly; any other is a failure (418).</summary>
    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            Brevo.StoredLowerCased(item.Learner.Email);
    }

    /// <summary>Brevo's 404 document_not_found for both forms of each address.</summary>
    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        foreach (var item in items)
            Brevo.Unknown(item.Learner.Email);
        return true;
    }

    /// <summary>Brevo's own way: x-sib-ratelimit-reset (seconds), never Retry-After.</summary>
    protected override void ArrangeRateLimited(TimeSpan? wait) =>
        Brevo.Everything(BrevoFake.RateLimited(wait is { } w ? $"{w.TotalSeconds:0}" : null));
}
