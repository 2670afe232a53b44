using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

namespace RetirementBridge.Deleters.Tests;

/// <summary>Fakes listen on 127.0.0.1 only; "refused" is a loopback port nothing listens on.</summary>
internal static class Loopback
{
    public static WireMockServer StartFake() =>
        WireMockServer.Start(new WireMockServerSettings
        {
            // Port 0: the system picks a free port and the server reports it in Url.
            Urls = ["http://127.0.0.1:0"],
            // Keep request bodies as the raw bytes received, so signatures are checked over exactly those.
            DisableJsonBodyParsing = true,
        });

    /// <summary>An address where the connection is refused: a port that was free a moment ago and is closed again.</summary>
    public static string RefusedUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
