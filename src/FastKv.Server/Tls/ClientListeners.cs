// Turns --listen-client-urls and the client TLS flags into the host's endpoints, with etcd's rules:
// http:// and unix:// serve cleartext (certificates given anyway are ignored with a warning),
// https:// and unixs:// serve TLS and need --cert-file/--key-file or --auto-tls, and a unix URL
// listens on a socket file named by the URL's host[:port] text, relative to the working directory.
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastKv.Grpc.Hosting;
using FastKv.Server.Config;
using FastKv.Server.Logging;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FastKv.Server.Tls;

/// <summary>One client URL as served: where it listens, whether it speaks TLS, the address etcd logs for it.</summary>
public sealed record ClientListener(Uri Url, GrpcEndpoint Endpoint, bool Secure, string Address, string? SocketPath);

public static class ClientListeners
{
    /// <summary>The client URLs' listeners, or those of other URLs (the metrics listener's) under the same TLS settings.</summary>
    public static async Task<IReadOnlyList<ClientListener>> BuildAsync(ServerConfig config, JsonLog log, IReadOnlyList<Uri>? otherUrls = null)
    {
        var urls = otherUrls ?? config.ListenClientUrls;
        var tls = config.ClientTls;
        var suites = CipherSuiteTable.Resolve(tls.CipherSuites);
        var (certFile, keyFile) = (tls.CertFile, tls.KeyFile);
        if (tls.AutoTls)
        {
            if (tls.HasCertificate) log.Warn("ignoring client auto TLS since certs given");
            else (certFile, keyFile) = AutoTlsCertificate.Ensure(Path.Combine(config.DataDir, "fixtures", "client"),
                urls.Select(u => HostOf(u)), log);
        }
        var haveCertificate = certFile.Length > 0 && keyFile.Length > 0;

        Action<HttpsConnectionAdapterOptions>? configure = null;
        X509Certificate2? certificate = null;
        foreach (var url in urls)
        {
            if (IsSecure(url))
            {
                if (!haveCertificate)
                    throw new FlagParseException($"TLS key/cert (--cert-file, --key-file) must be provided for client url {url.OriginalString} with HTTPS scheme");
                continue;
            }
            if (haveCertificate) log.Warn("scheme is HTTP while key and cert files are present; ignoring key and cert files", ("client-url", url.OriginalString));
            if (tls.ClientCertAuth) log.Warn("scheme is HTTP while --client-cert-auth is enabled; ignoring client cert auth for this URL", ("client-url", url.OriginalString));
        }
        if (urls.Any(IsSecure))
        {
            CipherSuiteTable.EnsureHttp2Capable(suites);
            (certificate, var chain) = LoadCertificate(certFile, keyFile);
            var check = tls.ClientCertAuth
                ? new ClientCertificateCheck(LoadTrustedRoots(tls.TrustedCaFile), tls.CrlFile.Length > 0 ? new RevokedSerials(tls.CrlFile) : null, log)
                : null;
            var policy = CipherSuiteTable.Policy(suites);
            configure = options =>
            {
                options.ServerCertificateChain = chain;
                options.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                options.CheckCertificateRevocation = false;
                if (check is not null)
                {
                    options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    options.ClientCertificateValidation = check.Validate;
                }
                if (policy is not null) options.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = policy;
            };
        }
        // Like etcd, whenever a certificate is configured, even if only cleartext URLs ignore it.
        if (haveCertificate && otherUrls is null) log.Info("starting with client TLS", ("tls-info", tls.Describe(certFile, keyFile)), ("cipher-suites", tls.CipherSuites));

        var listeners = new List<ClientListener>();
        foreach (var url in urls)
        {
            var secure = IsSecure(url);
            if (url.Scheme is "unix" or "unixs")
            {
                var path = HostAndPort(url);
                // A socket file left by an earlier run would make the bind fail; etcd removes it too.
                if (File.Exists(path)) File.Delete(path);
                var endpoint = new GrpcEndpoint(new UnixDomainSocketEndPoint(path), secure ? certificate : null, secure ? configure : null);
                listeners.Add(new ClientListener(url, endpoint, secure, path, path));
                continue;
            }
            var ip = await ResolveAsync(url).ConfigureAwait(false);
            listeners.Add(new ClientListener(url, new GrpcEndpoint(ip, secure ? certificate : null, secure ? configure : null), secure, ip.ToString(), null));
        }
        return listeners;
    }

    private static bool IsSecure(Uri url) => url.Scheme is "https" or "unixs";

    // Go's url.Host: host[:port] as written (System.Uri lower-cases the host, and a socket name keeps its case).
    private static string HostAndPort(Uri url)
    {
        var text = url.OriginalString;
        var start = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = text.IndexOfAny(['/', '?', '#'], start);
        return end < 0 ? text[start..] : text[start..end];
    }

    // The host a self-signed certificate names: Go's SplitHostPort of the URL's host, or all of it.
    private static string HostOf(Uri url)
    {
        if (url.Scheme is not ("unix" or "unixs")) return url.Host;
        var host = HostAndPort(url);
        if (host.StartsWith('[') && host.IndexOf(']') is var close and > 0) return host[1..close];
        var colon = host.IndexOf(':');
        return colon >= 0 && colon == host.LastIndexOf(':') ? host[..colon] : host;
    }

    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadCertificate(string certFile, string keyFile)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Intermediates after the leaf in the cert file are sent to clients with it.
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certFile);
            if (chain.Count > 0) chain.RemoveAt(0);
            return (certificate, chain);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new FlagParseException($"failed to load client TLS key pair (--cert-file {certFile}, --key-file {keyFile}): {e.Message}");
        }
    }

    private static X509Certificate2Collection? LoadTrustedRoots(string caFile)
    {
        if (caFile.Length == 0) return null;
        try
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0) throw new CryptographicException("no certificates in the file");
            return roots;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new FlagParseException($"failed to load --trusted-ca-file {caFile}: {e.Message}");
        }
    }

    internal static async Task<IPEndPoint> ResolveAsync(Uri url)
    {
        var port = url.IsDefaultPort || url.Port < 0 ? 2379 : url.Port;
        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip)) return new IPEndPoint(ip, port);
        var addresses = await Dns.GetHostAddressesAsync(url.Host).ConfigureAwait(false);
        // Like etcd, a name listens on the first address it resolves to (localhost -> 127.0.0.1).
        var first = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        return new IPEndPoint(first, port);
    }
}
