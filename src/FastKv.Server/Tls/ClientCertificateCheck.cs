// --client-cert-auth: a client must present a certificate that chains to --trusted-ca-file (the
// system roots when none is given), may be used for client authentication, and is not listed in
// --client-crl-file. Anything else fails the TLS handshake, as with etcd's RequireAndVerifyClientCert.
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastKv.Server.Logging;

namespace FastKv.Server.Tls;

public sealed class ClientCertificateCheck
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly RevokedSerials? _revoked;
    private readonly JsonLog _log;

    public ClientCertificateCheck(X509Certificate2Collection? trustedRoots, RevokedSerials? revoked, JsonLog log)
    {
        _trustedRoots = trustedRoots;
        _revoked = revoked;
        _log = log;
    }

    /// <summary>Kestrel's ClientCertificateValidation callback.</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (_trustedRoots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_trustedRoots);
        }
        // Intermediates the client sent along with its certificate.
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.Equals(certificate)) policy.ExtraStore.Add(element.Certificate);

        var built = chain.Build(certificate);
        var elements = chain.ChainElements;
        try
        {
            if (!built)
            {
                var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].StatusInformation.Trim() : errors.ToString();
                _log.Warn("rejected connection", ("error", "tls: failed to verify client certificate: " + status));
                return false;
            }
            return _revoked is null || !IsRevoked(elements, _revoked);
        }
        finally
        {
            // The chain's copies of the certificates hold native handles; a handshake should not leave them to the finalizer.
            foreach (var element in elements)
                if (!ReferenceEquals(element.Certificate, certificate)) element.Certificate.Dispose();
        }
    }

    private bool IsRevoked(X509ChainElementCollection elements, RevokedSerials revoked)
    {
        try
        {
            foreach (var element in elements)
            {
                if (!revoked.Contains(element.Certificate.SerialNumberBytes.Span)) continue;
                _log.Warn("rejected connection", ("error", $"x509: certificate was revoked (serial {element.Certificate.SerialNumber})"));
                return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // An unreadable CRL refuses everyone rather than letting revoked clients in.
            _log.Warn("rejected connection", ("crl-file", revoked.Path), ("error", e.Message));
            return true;
        }
    }
}
