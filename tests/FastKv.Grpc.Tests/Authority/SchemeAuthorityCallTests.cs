// A grpc-go client dialing "passthrough:///http://host:port" sends that whole target as :authority;
// Kestrel alone resets such streams (PROTOCOL_ERROR). Hand-made HTTP/2 connections, cleartext and
// TLS with ALPN h2, show the host serving two calls with such an authority, the second one built
// from the client's HPACK dynamic table, exactly like calls with a valid authority.
using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Hosting;
using Google.Protobuf;

namespace FastKv.Grpc.Tests.Authority;

public sealed class SchemeAuthorityCallTests
{
    private sealed record StreamOutcome(List<string> Headers, List<byte> Data, string? Reset);

    [Theory]
    [InlineData("http://127.0.0.1:{0}")]
    [InlineData("127.0.0.1:{0}")]
    public async Task Cleartext_calls_succeed(string authorityFormat)
    {
        await using var server = await TestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.EndPoint.Port);
        await AssertTwoCallsSucceedAsync(tcp.GetStream(), string.Format(System.Globalization.CultureInfo.InvariantCulture, authorityFormat, server.EndPoint.Port));
    }

    [Fact]
    public async Task Tls_calls_with_a_scheme_in_the_authority_succeed()
    {
        using var certificate = SelfSigned();
        await using var server = await TestServer.StartAsync(certificate: certificate);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.EndPoint.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
        });
        Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);
        await AssertTwoCallsSucceedAsync(tls, $"https://127.0.0.1:{server.EndPoint.Port}", tls: true);
    }

    private static async Task AssertTwoCallsSucceedAsync(Stream connection, string authority, bool tls = false)
    {
        var first = new List<byte>();
        Http2TestFrames.Reference(first, 3); // :method POST
        var scheme = tls ? 7 : 6; // :scheme https / http (Kestrel requires the transport's)
        Http2TestFrames.Reference(first, scheme);
        Http2TestFrames.Indexed(first, ":path", $"/{ProbeService.Service}/Metadata");
        Http2TestFrames.Indexed(first, ":authority", authority);
        Http2TestFrames.Indexed(first, "content-type", "application/grpc");
        Http2TestFrames.Indexed(first, "te", "trailers");
        Http2TestFrames.Indexed(first, "token", "secret-token");
        var second = new List<byte>();
        Http2TestFrames.Reference(second, 3);
        Http2TestFrames.Reference(second, scheme);
        foreach (var index in new[] { 66, 65, 64, 63, 62 }) Http2TestFrames.Reference(second, index);
        var request = Http2TestFrames.GrpcMessage(new RangeRequest().ToByteArray());
        byte[] bytes =
        [
            .. Http2TestFrames.Preface,
            .. Http2TestFrames.Settings(),
            .. Http2TestFrames.HeaderFrames(1, first.ToArray(), endStream: false, chunk: 30, padding: 2, priority: true),
            .. Http2TestFrames.Data(1, request, endStream: true),
            .. Http2TestFrames.HeaderFrames(3, second.ToArray(), endStream: false, chunk: 1000),
            .. Http2TestFrames.Data(3, request, endStream: true),
        ];
        await connection.WriteAsync(bytes);
        await connection.FlushAsync();

        var outcomes = await ReadUntilEndedAsync(connection, [1, 3]).WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var id in new[] { 1, 3 })
        {
            var outcome = outcomes[id];
            Assert.Null(outcome.Reset);
            Assert.Contains(":status: 200", outcome.Headers);
            Assert.Contains("grpc-status: 0", outcome.Headers);
            var response = RangeResponse.Parser.ParseFrom(outcome.Data.Skip(5).ToArray());
            var token = Assert.Single(response.Kvs);
            Assert.Equal("secret-token", token.Value.ToStringUtf8());
        }
    }

    private static async Task<Dictionary<int, StreamOutcome>> ReadUntilEndedAsync(Stream connection, int[] streams)
    {
        var outcomes = streams.ToDictionary(id => id, _ => new StreamOutcome([], [], null));
        var open = new HashSet<int>(streams);
        var decoder = new HpackDecoder(4096);
        var block = new List<byte>();
        var header = new byte[9];
        while (open.Count > 0)
        {
            await connection.ReadExactlyAsync(header);
            Assert.True(Http2FrameHead.TryRead(new ReadOnlySequence<byte>(header), out var head));
            var payload = new byte[head.Length];
            await connection.ReadExactlyAsync(payload);
            var ended = (head.Flags & Http2FrameHead.EndStreamFlag) != 0;
            switch (head.Type)
            {
                case 0x0: // DATA
                    outcomes[head.StreamId].Data.AddRange(payload);
                    break;
                case Http2FrameHead.Headers or Http2FrameHead.Continuation:
                    block.AddRange(head.Type == Http2FrameHead.Headers ? StripHeaders(payload, head.Flags) : payload);
                    if ((head.Flags & Http2FrameHead.EndHeadersFlag) != 0)
                    {
                        var fields = new List<HpackHeaderField>();
                        Assert.True(decoder.TryDecode(block.ToArray(), fields));
                        outcomes[head.StreamId].Headers.AddRange(fields.Select(f => Encoding.ASCII.GetString(f.Name) + ": " + Encoding.ASCII.GetString(f.Value)));
                        block.Clear();
                    }
                    break;
                case 0x3: // RST_STREAM
                    outcomes[head.StreamId] = outcomes[head.StreamId] with { Reset = Convert.ToHexString(payload) };
                    ended = true;
                    break;
                case 0x4 when (head.Flags & 0x1) == 0: // SETTINGS: acknowledge
                    await connection.WriteAsync(Http2TestFrames.Frame(0x4, 0x1, 0, []));
                    break;
                case 0x7: // GOAWAY
                    Assert.Fail("server sent GOAWAY " + Convert.ToHexString(payload));
                    break;
            }
            if (ended && head.Type is 0x0 or Http2FrameHead.Headers or 0x3) open.Remove(head.StreamId);
        }
        return outcomes;
    }

    private static byte[] StripHeaders(byte[] payload, byte flags)
    {
        var start = 0;
        var padding = 0;
        if ((flags & Http2FrameHead.PaddedFlag) != 0)
        {
            padding = payload[0];
            start = 1;
        }
        if ((flags & Http2FrameHead.PriorityFlag) != 0) start += 5;
        return payload[start..^padding];
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fastkv-authority-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
