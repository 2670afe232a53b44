using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>
/// The two Mailchimp Marketing API v3 calls the deleter needs. Every call returns an <see cref="IApiResponse"/> so that
/// status codes and transport failures come back as values to classify, never as exceptions that carry the request
/// URL (which holds the subscriber hash).
/// </summary>
internal interface IMailchimpApi
{
    /// <summary>
    /// Permanently erases one member from one audience (204). Deliberately not <c>DELETE /lists/{id}/members/{hash}</c>:
    /// that only archives the member, which is not an erasure.
    /// </summary>
    [Post("/3.0/lists/{listId}/members/{subscriberHash}/actions/delete-permanent")]
    Task<IApiResponse> DeletePermanentAsync(string listId, string subscriberHash, CancellationToken cancellationToken);

    /// <summary>One page of the account's audiences, ids only.</summary>
    [Get("/3.0/lists?fields=lists.id,total_items")]
    Task<IApiResponse<MailchimpAudiencePage>> ListAudiencesAsync(int count, int offset, CancellationToken cancellationToken);

    /// <summary>Whether one audience exists (200) or not (404): tells "member not there" from "audience id wrong".</summary>
    [Get("/3.0/lists/{listId}?fields=id")]
    Task<IApiResponse> GetAudienceAsync(string listId, CancellationToken cancellationToken);
}

/// <summary>The body of <c>GET /3.0/lists?fields=lists.id,total_items</c>.</summary>
internal sealed class MailchimpAudiencePage
{
    [JsonPropertyName("lists")]
    public List<MailchimpAudience> Lists { get; set; } = [];

    [JsonPropertyName("total_items")]
    public int? TotalItems { get; set; }
}

internal sealed class MailchimpAudience
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}
