using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>
/// The Mailgun API v3 calls the deleter makes. Every call returns an <see cref="IApiResponse"/> so that status codes
/// and transport failures come back as values to classify, never as exceptions that carry the request URL (most of
/// these URLs hold the learner's email address). Refit escapes each <c>{…}</c> value as one path segment (<c>@</c> as
/// <c>%40</c>, <c>/</c> as <c>%2F</c>, <c>?</c> as <c>%3F</c>, ...), so an address can neither end the path early nor
/// reach another resource; <c>MailgunWireTests</c> checks the bytes on the wire.
/// </summary>
internal interface IMailgunApi
{
    /// <summary>
    /// One page of the account's mailing lists (in the base URL's region). The first page is asked for with
    /// <paramref name="page"/> and <paramref name="address"/> null (Refit leaves null values out of the query);
    /// the following ones with the <c>page</c> and <c>address</c> of the previous page's <c>paging.next</c>.
    /// </summary>
    [Get("/v3/lists/pages")]
    Task<IApiResponse<MailgunListPage>> ListMailingListsAsync(
        [AliasAs("limit")] int limit, [AliasAs("page")] string? page, [AliasAs("address")] string? address,
        CancellationToken cancellationToken);

    /// <summary>One mailing list (200 <c>{"list":{…}}</c>) or 404: tells "not a member" from "no such list".</summary>
    [Get("/v3/lists/{listAddress}")]
    Task<IApiResponse<MailgunListInfo>> GetMailingListAsync(string listAddress, CancellationToken cancellationToken);

    /// <summary>Removes a member from a mailing list: 200 <c>{"member":{"address":…},"message":…}</c>, 404 when not a member.</summary>
    [Delete("/v3/lists/{listAddress}/members/{memberAddress}")]
    Task<IApiResponse<MailgunMessage>> DeleteListMemberAsync(string listAddress, string memberAddress, CancellationToken cancellationToken);

    /// <summary>Removes an address from a sending domain's unsubscribes (every tag): 200 <c>{"message":…,"address":…}</c>, 404 when absent.</summary>
    [Delete("/v3/{domain}/unsubscribes/{address}")]
    Task<IApiResponse<MailgunMessage>> DeleteUnsubscribeAsync(string domain, string address, CancellationToken cancellationToken);

    /// <summary>Removes an address from a sending domain's bounces: 200 <c>{"message":…,"address":…}</c>, 404 when absent.</summary>
    [Delete("/v3/{domain}/bounces/{address}")]
    Task<IApiResponse<MailgunMessage>> DeleteBounceAsync(string domain, string address, CancellationToken cancellationToken);

    /// <summary>Removes an address from a sending domain's complaints: 200 <c>{"message":…,"address":…}</c>, 404 when absent.</summary>
    [Delete("/v3/{domain}/complaints/{address}")]
    Task<IApiResponse<MailgunMessage>> DeleteComplaintAsync(string domain, string address, CancellationToken cancellationToken);

    /// <summary>
    /// The first entry of a sending domain's unsubscribes: 200 <c>{"items":[…],"paging":{…}}</c> when the domain
    /// exists in this region. Asked only after a suppression answered 404, to tell "not suppressed" from "no such domain".
    /// </summary>
    [Get("/v3/{domain}/unsubscribes?limit=1")]
    Task<IApiResponse<MailgunItemsPage>> PeekUnsubscribesAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>The part of <c>GET /v3/lists/pages</c>' body the deleter reads.</summary>
internal sealed class MailgunListPage
{
    /// <summary>Null when the body has no <c>items</c> (not Mailgun's answer: never read as "no lists").</summary>
    [JsonPropertyName("items")]
    public List<MailgunList>? Items { get; set; }

    [JsonPropertyName("paging")]
    public MailgunPaging? Paging { get; set; }
}

internal sealed class MailgunList
{
    [JsonPropertyName("address")]
    public string? Address { get; set; }
}

/// <summary>Mailgun's paging links: absolute URLs (<c>https://api.mailgun.net/v3/lists/pages?page=next&amp;address=…&amp;limit=100</c>).</summary>
internal sealed class MailgunPaging
{
    [JsonPropertyName("next")]
    public string? Next { get; set; }
}

/// <summary>The body of <c>GET /v3/lists/{list_address}</c>.</summary>
internal sealed class MailgunListInfo
{
    [JsonPropertyName("list")]
    public MailgunList? List { get; set; }
}

/// <summary>
/// What every deletion answers: <c>message</c> (and <c>member</c> or <c>address</c>, which echo the learner's
/// address and are never read). Only the presence of <c>message</c> is checked, never its text.
/// </summary>
internal sealed class MailgunMessage
{
    [JsonPropertyName("message")]
    public JsonElement? Message { get; set; }

    public bool HasMessage => Message is { ValueKind: JsonValueKind.String };
}

/// <summary>A page of a suppression table: only whether <c>items</c> is there is read, never an entry.</summary>
internal sealed class MailgunItemsPage
{
    [JsonPropertyName("items")]
    public JsonElement? Items { get; set; }

    public bool HasItems => Items is { ValueKind: JsonValueKind.Array };
}
