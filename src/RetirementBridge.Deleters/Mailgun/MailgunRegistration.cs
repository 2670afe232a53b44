using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Mailgun;

public static class MailgunRegistration
{
    /// <summary>The stable name stored with every delivery: never renamed.</summary>
    public const string Name = "mailgun";

    /// <summary>Registers the Mailgun deleter when <paramref name="section"/> (<c>Deleters:Mailgun</c>) says <c>Enabled: true</c>.</summary>
    public static void AddMailgunDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<MailgunDeleter, MailgunOptions>(Name, section);
        if (options is null)
            return;

        // Mailgun's Basic auth: user name "api", the key as password.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"api:{options.ApiKey}"));
        services.AddDeleterRefitClient<IMailgunApi>(MailgunJsonContext.Default, options.EffectiveBaseUrl()!, options,
            new AuthenticationHeaderValue("Basic", basic));
    }
}
