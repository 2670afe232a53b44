using System.Security.Cryptography;
using System.Text;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>
/// Mailchimp's member id: lowercase hex MD5 of the lower-cased email. It is as identifying as the email itself
/// (an MD5 of an address is easily reversed by guessing), so treat it as PII: never log it.
/// </summary>
public static class SubscriberHash
{
    public static string Of(string email) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())));
}
