using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Mailchimp;

internal static class MailchimpRegistration
{
    public const string Name = "mailchimp";

    public static void AddMailchimpDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<MailchimpDeleter, MailchimpOptions>(Name, section);
        if (options is null)
            return;

        // Mailchimp accepts any user name with the key as password.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"retirementbridge:{options.ApiKey}"));
        services.AddDeleterRefitClient<IMailchimpApi>(MailchimpJsonContext.Default, options.EffectiveBaseUrl!, options,
            new AuthenticationHeaderValue("Basic", basic));
    }
}
