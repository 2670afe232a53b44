using System.Text.Json.Serialization;
using Refit;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// The Salesforce calls the deleter makes: the client credentials token, a SOQL query (and its further pages), and
/// the sObject Collections delete. Every call returns an <see cref="IApiResponse"/> so that status codes and transport
/// failures come back as values to classify, never as exceptions that carry the request URL (a query's URL holds
/// email addresses). The data calls take the access token per call (<c>[Authorize]</c>): it changes when Salesforce
/// refuses it, so it cannot be a fixed header of the client.
/// </summary>
internal interface ISalesforceApi
{
    /// <summary>
    /// The OAuth 2.0 client credentials flow: <c>grant_type=client_credentials&amp;client_id=…&amp;client_secret=…</c>
    /// as a form, answered with <c>{"access_token":…,"instance_url":…,"token_type":"Bearer",…}</c>.
    /// </summary>
    [Post("/services/oauth2/token")]
    Task<IApiResponse<SalesforceToken>> RequestTokenAsync(
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    /// <summary>Runs one SOQL query; Refit escapes it as one query value (spaces as %20, quotes, commas and @ escaped).</summary>
    [Get("/services/data/{apiVersion}/query")]
    Task<IApiResponse<SalesforceQueryResult>> QueryAsync(
        string apiVersion, [AliasAs("q")] string soql, [Authorize("Bearer")] string accessToken, CancellationToken cancellationToken);

    /// <summary>The next page of a query whose answer said <c>done: false</c>, by the locator its <c>nextRecordsUrl</c> names.</summary>
    [Get("/services/data/{apiVersion}/query/{queryLocator}")]
    Task<IApiResponse<SalesforceQueryResult>> QueryMoreAsync(
        string apiVersion, string queryLocator, [Authorize("Bearer")] string accessToken, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to 200 records by id, each on its own (<c>allOrNone=false</c>): 200 with one result per id, in the
    /// order of the ids. <paramref name="ids"/> is the comma-separated list, sent as is (record ids are letters and
    /// digits only, checked before), so the commas stay commas as Salesforce documents them.
    /// </summary>
    [Delete("/services/data/{apiVersion}/composite/sobjects")]
    Task<IApiResponse<List<SalesforceDeleteResult>>> DeleteAsync(
        string apiVersion, [Encoded] string ids, [AliasAs("allOrNone")] string allOrNone, [Authorize("Bearer")] string accessToken,
        CancellationToken cancellationToken);
}

/// <summary>The token endpoint's answer; <c>signature</c>, <c>scope</c>, <c>id</c> and <c>issued_at</c> are not read.</summary>
internal sealed class SalesforceToken
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("instance_url")]
    public string? InstanceUrl { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}

/// <summary><c>{"totalSize":N,"done":true|false,"nextRecordsUrl":"/services/data/vNN.0/query/{locator}","records":[…]}</c>.</summary>
internal sealed class SalesforceQueryResult
{
    [JsonPropertyName("totalSize")]
    public int? TotalSize { get; set; }

    [JsonPropertyName("done")]
    public bool? Done { get; set; }

    [JsonPropertyName("nextRecordsUrl")]
    public string? NextRecordsUrl { get; set; }

    [JsonPropertyName("records")]
    public List<SalesforceRecord?>? Records { get; set; }
}

/// <summary>One row of <c>SELECT Id, Email FROM …</c> (its <c>attributes</c> are not read).</summary>
internal sealed class SalesforceRecord
{
    [JsonPropertyName("Id")]
    public string? Id { get; set; }

    /// <summary>Read only to tell which learner of the batch the record belongs to; never stored or logged.</summary>
    [JsonPropertyName("Email")]
    public string? Email { get; set; }
}

/// <summary>One DeleteResult: <c>{"id":…,"success":true,"errors":[]}</c>, or <c>{"success":false,"errors":[{"statusCode":…}]}</c>.</summary>
internal sealed class SalesforceDeleteResult
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("success")]
    public bool? Success { get; set; }

    [JsonPropertyName("errors")]
    public List<SalesforceDeleteError?>? Errors { get; set; }
}

/// <summary>An error of one DeleteResult. Only <c>statusCode</c> is read: <c>message</c> is provider text that can quote a record.</summary>
internal sealed class SalesforceDeleteError
{
    [JsonPropertyName("statusCode")]
    public string? StatusCode { get; set; }
}
