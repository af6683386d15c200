// The client port's TLS flags as given (--cert-file, --key-file, --trusted-ca-file,
// --client-cert-auth, --client-crl-file, --auto-tls, --cipher-suites). They are only read here;
// files are opened and names resolved when the listeners are built, so that a bad value fails
// start-up the way etcd's does (a fatal log line and exit status 1), not flag parsing.
// Those start-up errors are FlagParseExceptions thrown by ClientListeners.BuildAsync.
using FastKv.Server.Config;

namespace FastKv.Server.Tls;

public sealed record ClientTlsSettings
{
    public static ClientTlsSettings None { get; } = new();

    public string CertFile { get; init; } = "";
    public string KeyFile { get; init; } = "";
    public string TrustedCaFile { get; init; } = "";
    public bool ClientCertAuth { get; init; }
    public string CrlFile { get; init; } = "";
    public bool AutoTls { get; init; }
    public IReadOnlyList<string> CipherSuites { get; init; } = [];

    /// <summary>etcd's TLSInfo.Empty: no certificate and key pair was given.</summary>
    public bool HasCertificate => CertFile.Length > 0 && KeyFile.Length > 0;

    public static ClientTlsSettings From(FlagSet flags) => new()
    {
        CertFile = flags.GetString("cert-file"),
        KeyFile = flags.GetString("key-file"),
        TrustedCaFile = flags.GetString("trusted-ca-file"),
        ClientCertAuth = flags.GetBool("client-cert-auth"),
        CrlFile = flags.GetString("client-crl-file"),
        AutoTls = flags.GetBool("auto-tls"),
        CipherSuites = flags.GetString("cipher-suites").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
    };

    /// <summary>etcd's TLSInfo string, as its "starting with client TLS" line prints it.</summary>
    public string Describe(string certFile, string keyFile) =>
        $"cert = {certFile}, key = {keyFile}, trusted-ca = {TrustedCaFile}, client-cert-auth = {(ClientCertAuth ? "true" : "false")}, crl-file = {CrlFile}";
}
