using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>
/// The Customer.io Track API (v1) calls the deleter makes, with Basic <c>site_id:api_key</c>. Every call returns an
/// <see cref="IApiResponse{T}"/> so that status codes and transport failures come back as values to classify, never
/// as exceptions that carry the request URL (which holds the email address when <c>Identifier</c> is <c>Email</c>).
/// Bodies are read as a <see cref="JsonElement"/>: Customer.io documents only "an empty object response" (<c>{}</c>),
/// so the deleter checks the shape by hand. Refit escapes <c>identifier</c> as one path segment (<c>@</c> as
/// <c>%40</c>, <c>/</c> as <c>%2F</c>, <c>?</c> as <c>%3F</c>, ...).
/// </summary>
internal interface ICustomerIoTrackApi
{
    /// <summary>
    /// Deletes the person and all their data. Customer.io answers 200 <c>{}</c>, for a person it never had as well
    /// (the Track API says nothing about whether the person existed).
    /// </summary>
    [Delete("/api/v1/customers/{identifier}")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> DeleteCustomerAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the person (again) and puts the identifier in the path on the workspace's suppression list, so that
    /// later calls with it are ignored instead of creating the person anew. 200 <c>{}</c>. The reference documents no
    /// request body; the body is the empty JSON object Customer.io's own Node and Python clients send, buffered so
    /// that it goes with a Content-Length rather than chunked.
    /// </summary>
    [Post("/api/v1/customers/{identifier}/suppress")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> SuppressCustomerAsync(
        string identifier, [Body(BodySerializationMethod.Serialized, buffered: true)] CustomerIoEmptyBody body, CancellationToken cancellationToken);

    /// <summary>
    /// The workspace's region for these credentials: 200 <c>{"url":"https://track.customer.io","region":"us","environment_id":3}</c>.
    /// The deleter asks it only to confirm that a 404 came from Customer.io's Track API, not from a wrong BaseUrl.
    /// </summary>
    [Get("/api/v1/accounts/region")]
    [Headers("Accept: application/json")]
    Task<IApiResponse<JsonElement>> GetRegionAsync(CancellationToken cancellationToken);
}

/// <summary>The empty JSON object, <c>{}</c>: the body of a suppression.</summary>
internal sealed class CustomerIoEmptyBody
{
    public static readonly CustomerIoEmptyBody Instance = new();
}
