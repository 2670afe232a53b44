using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>Registers the Salesforce deleter (stable name "salesforce", section <c>Deleters:Salesforce</c>). Public so that
/// tests and hosts can register it on its own; the host calls it through <c>AddBuiltInDeleters</c>.</summary>
public static class SalesforceRegistration
{
    public const string Name = "salesforce";

    public static void AddSalesforceDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<SalesforceDeleter, SalesforceOptions>(Name, section);
        if (options is null)
            return;

        // One token for every call of the deleter, renewed only when Salesforce refuses it.
        services.TryAddSingleton<SalesforceTokenCache>();
        // No fixed Authorization header: the token changes (each data call carries the current one, the token request
        // carries none).
        services.AddDeleterRefitClient<ISalesforceApi>(SalesforceJsonContext.Default, options.EffectiveBaseUrl()!, options, credentials: null);
    }
}
