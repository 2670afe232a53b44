using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.SendGrid;

/// <summary>
/// The Twilio SendGrid Marketing Campaigns contacts calls the deleter makes (v3 API, Bearer API key). Every call
/// returns an <see cref="IApiResponse{T}"/>, so status codes and transport failures come back as values to classify,
/// never as exceptions; every body is read as a <see cref="JsonElement"/> and its shape checked by hand, because the
/// search answer is keyed by email address and SendGrid's reference types some fields loosely (<c>job_id</c> as
/// "object").
/// </summary>
internal interface ISendGridApi
{
    /// <summary>
    /// "Get Contacts by Emails": up to 100 addresses (primary or alternate), case-insensitive. 200
    /// <c>{"result":{"&lt;address&gt;":{"contact":{"id":...}}, "&lt;other&gt;":{"error":"contact not found"}}}</c> when
    /// any matches; 404 when none does; 400 when any address is invalid. The body holds the learners' addresses: it is
    /// sent (buffered, with a Content-Length), never logged.
    /// </summary>
    [Post("/v3/marketing/contacts/search/emails")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> SearchByEmailsAsync([Body(buffered: true)] SendGridEmailSearch body, CancellationToken cancellationToken);

    /// <summary>
    /// "Delete Contacts" by id: <c>DELETE /v3/marketing/contacts?ids=id1,id2</c>, answered 202 <c>{"job_id":...}</c>
    /// and processed asynchronously. Only ever <c>ids</c>: the same endpoint deletes every contact of the account
    /// with <c>delete_all_contacts=true</c>, which this interface deliberately cannot send.
    /// </summary>
    [Delete("/v3/marketing/contacts")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> DeleteContactsByIdAsync([Query(CollectionFormat.Csv)] [AliasAs("ids")] IEnumerable<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// "Get Total Contact Count": 200 <c>{"contact_count":N,...}</c>. Asked only when a search finds nobody, to tell
    /// SendGrid's "none of these addresses is a contact" 404 from a 404 for a path that is not there (a wrong BaseUrl).
    /// </summary>
    [Get("/v3/marketing/contacts/count")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> CountContactsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// "Import Contacts Status", which also reports deletion jobs: 200 <c>{"id":...,"status":"pending|completed|errored|failed","job_type":"delete",...}</c>.
    /// </summary>
    [Get("/v3/marketing/contacts/imports/{jobId}")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> GetJobAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>The body of <c>POST /v3/marketing/contacts/search/emails</c>: <c>{"emails":[...]}</c>.</summary>
internal sealed class SendGridEmailSearch
{
    [JsonPropertyName("emails")]
    public required IReadOnlyList<string> Emails { get; init; }

    /// <summary>Never the addresses themselves.</summary>
    public override string ToString() => $"SendGridEmailSearch(emails={Emails.Count})";
}
