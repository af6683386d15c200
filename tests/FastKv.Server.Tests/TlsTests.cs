// TLS on the client port, with real processes and the real etcdctl: https listeners carrying gRPC
// and HTTP/1.1 + HTTP/2 on one port, --client-cert-auth against a trusted CA and a CRL, the client
// certificate's CommonName as the auth user (compared with etcd 3.4 run with the same flags),
// --auto-tls, --cipher-suites, unix socket listeners, and etcd's start-up refusals.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FastKv.Api.V3electionpb;
using FastKv.Api.V3lockpb;
using FastKv.Server.Tests.Support;
using Google.Protobuf;

namespace FastKv.Server.Tests;

[Collection("parity")]
public sealed class TlsTests
{
    private static string[] HttpsFlags(TlsTestPki pki, int port, bool clientCertAuth) =>
    [
        "--listen-client-urls", $"https://127.0.0.1:{port}",
        "--advertise-client-urls", $"https://127.0.0.1:{port}",
        "--cert-file", pki.ServerCertFile,
        "--key-file", pki.ServerKeyFile,
        .. clientCertAuth
            ? new[] { "--trusted-ca-file", pki.CaFile, "--client-cert-auth=true", "--client-crl-file", pki.CrlFile }
            : [],
    ];

    // etcdctl names the endpoint with and without its scheme (retry warnings carry the bare address).
    private static string Normalize(string output, int port) =>
        ParityServers.Normalize(output.Replace($"https://127.0.0.1:{port}", $"127.0.0.1:{port}", StringComparison.Ordinal), $"127.0.0.1:{port}", false);

    private static string[] As(TlsTestPki pki, TlsTestPki.Client? client, params string[] command) =>
        client is null
            ? ["--cacert", pki.CaFile, .. command]
            : ["--cacert", pki.CaFile, "--cert", client.CertFile, "--key", client.KeyFile, .. command];

    // One unary gRPC call over an HttpClient that presents a client certificate (FastKv.Grpc's
    // client has no TLS options): the length-prefixed request, then the body and grpc-status.
    private static async Task<(int Status, string Message, byte[] Body)> UnaryOverHttpsAsync(HttpClient http, string endpoint, string path, IMessage request)
    {
        var payload = request.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint + path)
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var t) ? t.First() :
            response.Headers.TryGetValues(name, out var h) ? h.First() : null;
        var status = int.Parse(Header("grpc-status") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        if (status == -1) return (-1, $"no grpc-status: HTTP {(int)response.StatusCode} {response.Version}", body);
        var text = Uri.UnescapeDataString(Header("grpc-message") ?? "");
        return (status, text, body.Length >= 5 ? body[5..] : []);
    }

    private static HttpClient Https(TlsTestPki pki, TlsTestPki.Client? client, Version version)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is X509Certificate2 c && pki.ValidateServer(c);
        if (client is not null) handler.SslOptions.ClientCertificates = [client.Certificate];
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    [Fact]
    public async Task Client_certificate_common_name_is_the_user_when_no_token_is_given_like_etcd()
    {
        Assert.True(Etcdctl.Available && MemberProcess.EtcdAvailable, "etcd and etcdctl are needed (apt-get install etcd-server etcd-client)");
        using var pki = new TlsTestPki();
        var root = pki.CreateClient("root");
        var alice = pki.CreateClient("alice");
        var revoked = pki.CreateClient("carol", revoked: true);
        var stranger = pki.CreateClient("root", trustedIssuer: false);
        using var dir = new TempDir();
        var (fastkvPort, etcdPort) = (FreePort.Next(), FreePort.Next());
        var startFastKv = MemberProcess.StartFastKvAsync(dir.Sub("fastkv"), fastkvPort, HttpsFlags(pki, fastkvPort, clientCertAuth: true));
        var startEtcd = MemberProcess.StartEtcdAsync(dir.Sub("etcd"), HttpsFlags(pki, etcdPort, clientCertAuth: true), etcdPort);
        using var fastkv = await startFastKv;
        using var etcd = await startEtcd;
        Assert.Contains("\"serving client traffic securely\"", fastkv.Log);
        Assert.DoesNotContain("serving client traffic insecurely", fastkv.Log);
        var endpoints = (FastKv: $"https://127.0.0.1:{fastkvPort}", Etcd: $"https://127.0.0.1:{etcdPort}");

        async Task<EtcdctlResult> Same(params string[] args)
        {
            var both = await Task.WhenAll(Etcdctl.RunAsync(endpoints.Etcd, args), Etcdctl.RunAsync(endpoints.FastKv, args));
            var (e, f) = (both[0], both[1]);
            var command = "etcdctl " + string.Join(' ', args);
            Assert.True(e.ExitCode == f.ExitCode, $"{command}: exit code {f.ExitCode}, etcd {e.ExitCode}\nfastkv: {f.Output}\netcd: {e.Output}");
            Assert.Equal(Normalize(e.Stdout, etcdPort), Normalize(f.Stdout, fastkvPort));
            Assert.Equal(Normalize(e.Stderr, etcdPort), Normalize(f.Stderr, fastkvPort));
            return f;
        }

        // Before auth: the certificate only opens the connection.
        Assert.Equal("OK\n", (await Same(As(pki, alice, "put", "/other/k", "v"))).Stdout);
        Assert.Equal("/other/k\nv\n", (await Same(As(pki, alice, "get", "/other/k"))).Stdout);

        await Same(As(pki, root, "user", "add", "root:rootpw"));
        await Same(As(pki, root, "role", "add", "root"));
        await Same(As(pki, root, "user", "grant-role", "root", "root"));
        await Same(As(pki, root, "role", "add", "alice-role"));
        await Same(As(pki, root, "role", "grant-permission", "alice-role", "readwrite", "/alice/", "--prefix"));
        await Same(As(pki, root, "user", "add", "alice:alicepw"));
        await Same(As(pki, root, "user", "grant-role", "alice", "alice-role"));
        await Same(As(pki, root, "auth", "enable"));

        // With auth on and no --user, each certificate acts for the user its CommonName names.
        Assert.Equal("OK\n", (await Same(As(pki, alice, "put", "/alice/x", "1"))).Stdout);
        Assert.Equal("/alice/x\n1\n", (await Same(As(pki, alice, "get", "/alice/x"))).Stdout);
        Assert.Contains("Error: etcdserver: permission denied", (await Same(As(pki, alice, "put", "/other/k", "2"))).Stderr);
        Assert.Contains("Error: etcdserver: permission denied", (await Same(As(pki, alice, "get", "/other/k"))).Stderr);
        Assert.Equal("/other/k\nv\n", (await Same(As(pki, root, "get", "/other/k"))).Stdout);
        await Same(As(pki, root, "user", "list"));
        // A token wins over the certificate: root's certificate with alice's password acts as alice.
        Assert.Contains("Error: etcdserver: permission denied", (await Same(As(pki, root, "--user", "alice:alicepw", "put", "/other/k", "3"))).Stderr);
        Assert.Equal("OK\n", (await Same(As(pki, alice, "--user", "root:rootpw", "put", "/other/k", "4"))).Stdout);

        // The Lock and Election services act as the certificate's user too: alice may lock and
        // campaign under /alice/ only, with etcd's codes and texts (a refusal seen through etcd's
        // in-process client arrives as Unknown).
        using (var http = Https(pki, alice, HttpVersion.Version20))
        {
            async Task<(int Status, string Message, byte[] Body)> Both(string path, IMessage request)
            {
                var e = await UnaryOverHttpsAsync(http, endpoints.Etcd, path, request);
                var f = await UnaryOverHttpsAsync(http, endpoints.FastKv, path, request);
                Assert.True((e.Status, e.Message) == (f.Status, f.Message), $"{path}: fastkv {f.Status} {f.Message}, etcd {e.Status} {e.Message}");
                return f;
            }
            var held = await Both("/v3lockpb.Lock/Lock", new LockRequest { Name = ByteString.CopyFromUtf8("/alice/lock") });
            Assert.True(held.Status == 0, held.Message);
            Assert.StartsWith("/alice/lock/", LockResponse.Parser.ParseFrom(held.Body).Key.ToStringUtf8());
            Assert.Equal("etcdserver: permission denied", (await Both("/v3lockpb.Lock/Lock", new LockRequest { Name = ByteString.CopyFromUtf8("/other/lock") })).Message);
            var campaign = await Both("/v3electionpb.Election/Campaign", new CampaignRequest { Name = ByteString.CopyFromUtf8("/alice/election"), Value = ByteString.CopyFromUtf8("a") });
            Assert.True(campaign.Status == 0, campaign.Message);
            Assert.Equal("etcdserver: permission denied", (await Both("/v3electionpb.Election/Leader", new LeaderRequest { Name = ByteString.CopyFromUtf8("/other/election") })).Message);
        }

        // etcd issue 13415: /health over HTTPS with a client certificate works with auth enabled.
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var http = Https(pki, alice, version);
            foreach (var endpoint in new[] { endpoints.FastKv, endpoints.Etcd })
            {
                using var health = await http.GetAsync(endpoint + "/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal(version, health.Version);
                Assert.Contains("\"health\":\"true\"", await health.Content.ReadAsStringAsync());
            }
        }

        // Refused at the handshake: no certificate, one from a CA the server does not trust, a revoked one.
        foreach (var (client, what) in new[] { ((TlsTestPki.Client?)null, "no client certificate"), (stranger, "another CA's certificate"), (revoked, "a revoked certificate") })
        {
            var args = As(pki, client, "--dial-timeout=2s", "--command-timeout=3s", "get", "/alice/x");
            var both = await Task.WhenAll(Etcdctl.RunAsync(endpoints.Etcd, args), Etcdctl.RunAsync(endpoints.FastKv, args));
            Assert.True(both[0].ExitCode != 0, $"etcd accepted {what}: {both[0].Output}");
            Assert.True(both[1].ExitCode != 0, $"fastkv accepted {what}: {both[1].Output}");
            Assert.DoesNotContain("/alice/x", both[1].Stdout);

            using var http = Https(pki, client, HttpVersion.Version11);
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(endpoints.FastKv + "/version"));
        }
        // Each refusal for its own reason: the CRL, not the chain, stopped the revoked certificate.
        Assert.Contains("tls: failed to verify client certificate", fastkv.Log);
        Assert.Contains($"certificate was revoked (serial {revoked.Certificate.SerialNumber})", fastkv.Log);
        Assert.DoesNotContain(alice.Certificate.SerialNumber, fastkv.Log);
        Assert.False(fastkv.HasExited);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Https_port_serves_grpc_http1_and_http2_with_the_listed_cipher_suites()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client");
        using var pki = new TlsTestPki();
        using var dir = new TempDir();
        var (port, plainPort, metricsPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        string[] flags =
        [
            .. HttpsFlags(pki, port, clientCertAuth: false),
            // The metrics listener serves https with the client certificate too.
            "--listen-metrics-urls", $"https://127.0.0.1:{metricsPort}",
            // A cleartext URL beside it: etcd ignores the certificate there, with a warning.
            "--listen-client-urls", $"https://127.0.0.1:{port},http://127.0.0.1:{plainPort}",
            "--cipher-suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        ];
        using var server = await MemberProcess.StartFastKvAsync(dir.Sub("data"), port, flags);
        var https = $"https://127.0.0.1:{port}";

        Assert.Equal("OK\n", (await Etcdctl.RunAsync(https, "--cacert", pki.CaFile, "put", "k", "over-tls")).Stdout);
        Assert.Equal("k\nover-tls\n", (await Etcdctl.RunAsync(https, "--cacert", pki.CaFile, "get", "k")).Stdout);
        Assert.Equal("k\nover-tls\n", (await Etcdctl.RunAsync($"http://127.0.0.1:{plainPort}", "get", "k")).Stdout);
        Assert.Contains($"\"msg\":\"scheme is HTTP while key and cert files are present; ignoring key and cert files\",\"client-url\":\"http://127.0.0.1:{plainPort}\"", server.Log);
        Assert.Contains($"\"msg\":\"serving client traffic securely\",\"address\":\"127.0.0.1:{port}\"", server.Log);
        Assert.Contains($"\"msg\":\"serving client traffic insecurely; this is strongly discouraged!\",\"address\":\"127.0.0.1:{plainPort}\"", server.Log);

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var http = Https(pki, null, version);
            using var health = await http.GetAsync(https + "/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(version, health.Version);
            using var versionResponse = await http.GetAsync(https + "/version");
            Assert.Equal(version, versionResponse.Version);
            Assert.Contains("\"etcdserver\":\"3.4.23\"", await versionResponse.Content.ReadAsStringAsync());
        }
        using (var http = Https(pki, null, HttpVersion.Version11))
        {
            var metrics = await http.GetStringAsync($"https://127.0.0.1:{metricsPort}/metrics");
            Assert.Contains("etcd_server_has_leader 1", metrics);
        }

        // TLS 1.2 offers only what --cipher-suites lists.
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, await HandshakeAsync(port, pki, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, await HandshakeAsync(port, pki, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256));
        await Assert.ThrowsAnyAsync<AuthenticationException>(() => HandshakeAsync(port, pki, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384));
        Assert.False(server.HasExited);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<TlsCipherSuite> HandshakeAsync(int port, TlsTestPki pki, TlsCipherSuite only)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls12,
            CipherSuitesPolicy = new CipherSuitesPolicy([only]),
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && pki.ValidateServer(c),
        }, timeout.Token);
        return tls.NegotiatedCipherSuite;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Auto_tls_generates_a_certificate_in_the_data_dir_and_a_unix_url_serves_a_socket_file()
    {
        Assert.True(Etcdctl.Available, "etcdctl is missing: apt-get install etcd-client");
        using var dir = new TempDir();
        var port = FreePort.Next();
        // etcd names the socket file after the URL's host[:port], relative to the working directory.
        var socket = $"localhost:{FreePort.Next()}";
        var tlsSocket = $"localhost:{FreePort.Next()}";
        var dataDir = dir.Sub("data");
        string[] flags =
        [
            "--listen-client-urls", $"https://127.0.0.1:{port},unix://{socket},unixs://{tlsSocket}",
            "--advertise-client-urls", $"https://127.0.0.1:{port}",
            "--auto-tls",
        ];
        var https = $"https://127.0.0.1:{port}";
        string thumbprint;
        using (var server = await MemberProcess.StartFastKvAsync(dataDir, port, flags))
        {
            Assert.Equal("OK\n", (await Etcdctl.RunAsync(https, "--insecure-transport=false", "--insecure-skip-tls-verify", "put", "k", "auto")).Stdout);
            Assert.Equal("k\nauto\n", (await Etcdctl.RunAsync(https, "--insecure-transport=false", "--insecure-skip-tls-verify", "get", "k")).Stdout);
            // Without skipping verification the self-signed certificate is not trusted.
            Assert.NotEqual(0, (await Etcdctl.RunAsync(https, "--insecure-transport=false", "--dial-timeout=2s", "--command-timeout=3s", "get", "k")).ExitCode);

            Assert.True(File.Exists(socket), $"no socket file {socket} in {Environment.CurrentDirectory}");
            Assert.Equal("k\nauto\n", (await Etcdctl.RunAsync($"unix://{socket}", "get", "k")).Stdout);
            Assert.Contains($"\"msg\":\"scheme is HTTP while key and cert files are present; ignoring key and cert files\",\"client-url\":\"unix://{socket}\"", server.Log);

            var certFile = Path.Combine(dataDir, "fixtures", "client", "cert.pem");
            // unixs:// is TLS over the socket; the generated certificate names the URL's host.
            Assert.Equal("k\nauto\n", (await Etcdctl.RunAsync($"unixs://{tlsSocket}", "--cacert", certFile, "get", "k")).Stdout);
            Assert.Contains($"\"msg\":\"serving client traffic securely\",\"address\":\"{tlsSocket}\"", server.Log);
            var keyFile = Path.Combine(dataDir, "fixtures", "client", "key.pem");
            Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", await File.ReadAllTextAsync(keyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(certFile);
            Assert.Equal("O=etcd", certificate.Subject);
            var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains(IPAddress.Parse("127.0.0.1"), names.EnumerateIPAddresses());
            Assert.Contains("localhost", names.EnumerateDnsNames());
            thumbprint = certificate.Thumbprint;
            Assert.Contains($"\"msg\":\"created cert file\",\"path\":\"{certFile}\"", server.Log);
            Assert.Equal(0, server.Stop(TimeSpan.FromSeconds(10)));
        }
        Assert.False(File.Exists(socket) || File.Exists(tlsSocket), "a socket file outlived the server");

        // A restart reuses the certificate it made.
        using (var again = await MemberProcess.StartFastKvAsync(dataDir, port, flags))
        {
            Assert.Equal("k\nauto\n", (await Etcdctl.RunAsync(https, "--insecure-transport=false", "--insecure-skip-tls-verify", "get", "k")).Stdout);
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dataDir, "fixtures", "client", "cert.pem"));
            Assert.Equal(thumbprint, certificate.Thumbprint);
            Assert.DoesNotContain("created cert file", again.Log);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Auto_tls_certificate_has_the_shape_of_etcds()
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd is missing: apt-get install etcd-server");
        using var dir = new TempDir();
        var (fastkvPort, etcdPort) = (FreePort.Next(), FreePort.Next());
        string[] Flags(int port) =>
        [
            "--listen-client-urls", $"https://127.0.0.1:{port},https://localhost:{FreePort.Next()}",
            "--advertise-client-urls", $"https://127.0.0.1:{port}",
            "--auto-tls",
        ];
        var startFastKv = MemberProcess.StartFastKvAsync(dir.Sub("fastkv"), fastkvPort, Flags(fastkvPort));
        var startEtcd = MemberProcess.StartEtcdAsync(dir.Sub("etcd"), Flags(etcdPort), etcdPort);
        using (await startFastKv)
        using (await startEtcd)
        {
            Assert.Equal(await ShapeAsync(dir.Sub("etcd")), await ShapeAsync(dir.Sub("fastkv")));
        }
    }

    // Everything about a generated certificate that does not change from one generation to the next.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<string> ShapeAsync(string dataDir)
    {
        var folder = Path.Combine(dataDir, "fixtures", "client");
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(folder, "cert.pem"));
        var key = await File.ReadAllTextAsync(Path.Combine(folder, "key.pem"));
        using var publicKey = certificate.GetECDsaPublicKey();
        var lines = new List<string>
        {
            $"subject {certificate.Subject}; issuer {certificate.Issuer}",
            $"signature {certificate.SignatureAlgorithm.FriendlyName}; key {publicKey?.KeySize}",
            $"validity {(certificate.NotAfter - certificate.NotBefore).TotalDays:F0} days",
            $"key file {key[..key.IndexOf('\n', StringComparison.Ordinal)]} mode {File.GetUnixFileMode(Path.Combine(folder, "key.pem"))}",
            $"serial bytes > 8: {certificate.SerialNumberBytes.Length > 8}",
        };
        foreach (var extension in certificate.Extensions.OrderBy(e => e.Oid!.Value, StringComparer.Ordinal))
        {
            var detail = extension switch
            {
                X509KeyUsageExtension ku => ku.KeyUsages.ToString(),
                X509EnhancedKeyUsageExtension eku => string.Join(",", eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value)),
                X509BasicConstraintsExtension bc => $"ca={bc.CertificateAuthority}",
                X509SubjectAlternativeNameExtension san => san.Format(multiLine: false),
                _ => "",
            };
            lines.Add($"extension {extension.Oid!.Value} critical={extension.Critical} {detail}");
        }
        return string.Join("\n", lines);
    }

    [Theory]
    [InlineData("bogus-cipher", "unexpected TLS cipher suite \\\"TLS_BOGUS\\\"")]
    [InlineData("https-without-cert", "TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:{port} with HTTPS scheme")]
    [InlineData("no-http2-cipher", "http2: TLSConfig.CipherSuites is missing an HTTP/2-required AES_128_GCM_SHA256 cipher (need at least one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)")]
    public async Task Unservable_tls_settings_stop_start_up_with_etcds_error(string setting, string error)
    {
        Assert.True(MemberProcess.EtcdAvailable, "etcd is missing: apt-get install etcd-server");
        using var pki = new TlsTestPki();
        using var dir = new TempDir();
        string[] Flags(int port) => setting switch
        {
            "bogus-cipher" => [.. HttpsFlags(pki, port, false), "--cipher-suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_BOGUS"],
            "https-without-cert" => ["--listen-client-urls", $"https://127.0.0.1:{port}", "--advertise-client-urls", $"https://127.0.0.1:{port}"],
            _ => [.. HttpsFlags(pki, port, false), "--cipher-suites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
        };
        var (fastkvPort, etcdPort) = (FreePort.Next(), FreePort.Next());
        var fastkv = RunToExitAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [TestPaths.ServerDll(), .. MemberProcess.CommonFlags(dir.Sub("fastkv"), fastkvPort, FreePort.Next()), .. Flags(fastkvPort)]);
        var etcd = RunToExitAsync("etcd",
            [.. MemberProcess.CommonFlags(dir.Sub("etcd"), etcdPort, FreePort.Next()), "--logger=zap", "--log-outputs=stderr", .. Flags(etcdPort)]);
        var (fastkvExit, fastkvLog) = await fastkv;
        var (etcdExit, etcdLog) = await etcd;
        Assert.True(etcdExit == 1, $"etcd exited {etcdExit}:\n{etcdLog}");
        Assert.Contains(error.Replace("{port}", etcdPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), etcdLog);
        Assert.True(fastkvExit == 1, $"fastkv exited {fastkvExit}:\n{fastkvLog}");
        Assert.Contains(error.Replace("{port}", fastkvPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), fastkvLog);
        Assert.Contains("\"level\":\"fatal\"", fastkvLog);
    }

    private static async Task<(int ExitCode, string Log)> RunToExitAsync(string fileName, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, "did not exit within 30s\n" + await stderr + await stdout);
        }
        return (process.ExitCode, await stderr + await stdout);
    }
}
