using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.HubSpot;

/// <summary>
/// The two HubSpot CRM v3 calls the deleter makes. Every call returns an <see cref="IApiResponse"/> so that status
/// codes and transport failures come back as values to classify, never as exceptions that carry the request URL
/// (the lookup's URL holds the email address).
/// </summary>
internal interface IHubSpotApi
{
    /// <summary>
    /// Finds a contact by its email address: 200 with the contact, 404 (category <c>OBJECT_NOT_FOUND</c>) when there
    /// is none. Refit escapes <paramref name="email"/> as one path segment (<c>@</c> as <c>%40</c>, <c>/</c> as
    /// <c>%2F</c>, <c>?</c> as <c>%3F</c>, ...), so it cannot end the path early or push <c>idProperty</c> out of the
    /// query, which would make HubSpot read the address as a record id and answer 404.
    /// </summary>
    [Get("/crm/v3/objects/contacts/{email}?idProperty=email")]
    Task<IApiResponse<HubSpotContact>> GetContactByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>
    /// Permanently deletes the contact with this email and everything associated with it (204). HubSpot adds an
    /// email that matches no contact to a blocklist: call this only after <see cref="GetContactByEmailAsync"/> found one.
    /// </summary>
    [Post("/crm/v3/objects/contacts/gdpr-delete")]
    Task<IApiResponse> GdprDeleteAsync([Body(buffered: true)] HubSpotGdprDelete body, CancellationToken cancellationToken);
}

/// <summary>The part of <c>GET /crm/v3/objects/contacts/{email}?idProperty=email</c>'s body the deleter reads.</summary>
internal sealed class HubSpotContact
{
    /// <summary>HubSpot's record id (<c>hs_object_id</c>), a number sent as a string.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}

/// <summary>The body of <c>POST /crm/v3/objects/contacts/gdpr-delete</c>, identifying the contact by email.</summary>
internal sealed class HubSpotGdprDelete(string email)
{
    [JsonPropertyName("objectId")]
    public string ObjectId { get; } = email;

    [JsonPropertyName("idProperty")]
    public string IdProperty { get; } = "email";
}
