using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Brevo;

/// <summary>
/// The one Brevo API v3 call the deleter makes. It returns an <see cref="IApiResponse"/> so that status codes and
/// transport failures come back as values to classify, never as exceptions that carry the request URL (which holds
/// the email address).
/// </summary>
internal interface IBrevoApi
{
    /// <summary>
    /// Deletes the contact whose EMAIL attribute is <paramref name="email"/>: 204 when deleted, 404
    /// <c>document_not_found</c> when Brevo has no such contact. Refit escapes <paramref name="email"/> as one path
    /// segment (<c>@</c> as <c>%40</c>, <c>/</c> as <c>%2F</c>, <c>?</c> as <c>%3F</c>, <c>+</c> as <c>%2B</c>, ...), so
    /// it cannot end the path early or push <c>identifierType</c> out of the query. <c>identifierType=email_id</c> makes
    /// Brevo read the segment as an email address, never as a contact id or an EXT_ID.
    /// </summary>
    [Delete("/v3/contacts/{email}?identifierType=email_id")]
    Task<IApiResponse> DeleteContactByEmailAsync(string email, CancellationToken cancellationToken);
}

/// <summary>
/// The part of Brevo's error body (<c>{"code":"document_not_found","message":"…"}</c>) the deleter reads: the code
/// only. The message is provider text that can quote what was asked for (the email), so it is not even bound.
/// </summary>
internal sealed class BrevoError
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }
}
