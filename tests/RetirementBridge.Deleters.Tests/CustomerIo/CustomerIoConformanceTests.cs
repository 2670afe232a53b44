using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.CustomerIo;
using RetirementBridge.Deleters.Testing.Conformance;

namespace RetirementBridge.Deleters.Tests.CustomerIo;

/// <summary>
/// Every scenario of the conformance kit, against Customer.io's real paths and answers, with the default settings:
/// the LMS user id as the identifier, no suppression.
/// </summary>
public class CustomerIoConformanceTests : DeleterConformanceTests
{
    private CustomerIoFake CustomerIo => new(Provider);

    /// <summary>True: <c>Identifier: Email</c> (the address, then its lower-case form when that differs).</summary>
    protected virtual bool ByEmail => false;

    /// <summary>True: <c>Suppress: true</c> (each deletion followed by a suppression of the same identifier).</summary>
    protected virtual bool Suppresses => false;

    protected override string DeleterName => CustomerIoRegistration.Name;

    protected override string SectionName => "CustomerIo";

    protected override void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddCustomerIoDeleter(configuration.GetSection("Deleters:CustomerIo"));

    protected override IDictionary<string, string?> ProviderSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["SiteId"] = CustomerIoFake.SiteId,
            ["ApiKey"] = CustomerIoFake.ApiKey,
        };
        if (ByEmail)
            settings["Identifier"] = "Email";
        if (Suppresses)
            settings["Suppress"] = "true";
        return settings;
    }

    /// <summary>Customer.io answers 200 <c>{}</c> to every deletion (and suppression) of exactly these identifiers.</summary>
    protected override void ArrangeErased(IReadOnlyList<ErasureItem> items)
    {
        foreach (var identifier in items.SelectMany(IdentifiersOf))
        {
            CustomerIo.Delete(identifier);
            if (Suppresses)
                CustomerIo.Suppress(identifier);
        }
    }

    /// <summary>
    /// Customer.io answers 200 for people it never had, so this arranges the 404 PROVIDERS.md allows for: the deleter
    /// takes it as "gone" only after the region endpoint shows the fake is the Track API.
    /// </summary>
    protected override bool ArrangeNotThere(IReadOnlyList<ErasureItem> items)
    {
        foreach (var identifier in items.SelectMany(IdentifiersOf))
        {
            CustomerIo.Delete(identifier, CustomerIoFake.NotFound(identifier));
            if (Suppresses)
                CustomerIo.Suppress(identifier, CustomerIoFake.NotFound(identifier));
        }
        CustomerIo.Region();
        return true;
    }

    protected override void ArrangeRateLimited(TimeSpan? wait) => CustomerIo.Everything(CustomerIoFake.RateLimited(wait));

    private IEnumerable<string> IdentifiersOf(ErasureItem item) => ByEmail
        ? new[] { item.Learner.Email, item.Learner.Email.ToLowerInvariant() }.Distinct(StringComparer.Ordinal)
        : [item.Learner.LmsUserId.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>The conformance kit again, with <c>Identifier: Email</c> and <c>Suppress: true</c>: every step of the longer call is put through every scenario.</summary>
public sealed class CustomerIoByEmailWithSuppressionConformanceTests : CustomerIoConformanceTests
{
    protected override bool ByEmail => true;

    protected override bool Suppresses => true;
}
