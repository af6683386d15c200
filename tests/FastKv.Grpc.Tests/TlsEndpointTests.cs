// An endpoint with a certificate speaks TLS, and ALPN picks h2 for gRPC or http/1.1 for plain
// requests on the same port.
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastKv.Grpc.Client;

namespace FastKv.Grpc.Tests;

public sealed class TlsEndpointTests
{
    private static X509Certificate2 SelfSigned(string subject = "CN=fastkv-test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    private static SocketsHttpHandler Trusting(X509Certificate2 certificate) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
        },
    };

    [Fact]
    public async Task Grpc_and_http1_share_a_tls_port_through_alpn()
    {
        using var certificate = SelfSigned();
        await using var server = await TestServer.StartAsync(certificate: certificate);
        var address = new Uri($"https://127.0.0.1:{server.EndPoint.Port}");

        using var client = new GrpcClient(address, Trusting(certificate));
        await client.AssertServesAsync();

        using var http = new HttpClient(Trusting(certificate));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/health"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        Assert.Equal("http:HTTP/1.1:/health", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cleartext_client_cannot_talk_to_a_tls_port()
    {
        using var certificate = SelfSigned();
        await using var server = await TestServer.StartAsync(certificate: certificate);
        using var client = new GrpcClient(server.Address, new GrpcClientOptions { ConnectTimeout = TimeSpan.FromSeconds(5) });
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetAsync("k", new CallOptions { Timeout = TimeSpan.FromSeconds(10) }));
        Assert.Contains(error.Code, new[] { FastKv.Api.StatusCode.Unavailable, FastKv.Api.StatusCode.Internal, FastKv.Api.StatusCode.DeadlineExceeded });
    }

    [Fact]
    public async Task Endpoint_tls_options_can_require_a_client_certificate_that_handlers_see()
    {
        using var certificate = SelfSigned();
        using var clientCertificate = SelfSigned("CN=root");
        await using var server = await TestServer.StartAsync(certificate: certificate, configureTls: tls =>
        {
            tls.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
            tls.ClientCertificateValidation = (presented, _, _) => presented.GetCertHashString() == clientCertificate.GetCertHashString();
        });
        var address = new Uri($"https://127.0.0.1:{server.EndPoint.Port}");

        var handler = Trusting(certificate);
        handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
        using var client = new GrpcClient(address, handler);
        var response = await client.UnaryAsync($"/{ProbeService.Service}/ClientCertificate", new FastKv.Api.Etcdserverpb.RangeRequest(),
            FastKv.Api.Etcdserverpb.RangeResponse.Parser, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("CN=root", response.Kvs.Single().Key.ToStringUtf8());

        using var anonymous = new GrpcClient(address, Trusting(certificate));
        await Assert.ThrowsAsync<RpcException>(() => anonymous.GetAsync("k", new CallOptions { Timeout = TimeSpan.FromSeconds(10) }));
    }
}
