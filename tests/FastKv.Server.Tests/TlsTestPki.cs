// Certificates for the TLS tests, made in-process with CertificateRequest and written as PEM files:
// a CA (RSA), a server certificate for 127.0.0.1/localhost (RSA, key in PKCS#1 "RSA PRIVATE KEY"),
// client certificates named by CommonName (EC P-256, key in SEC1 "EC PRIVATE KEY"), a second CA
// nobody trusts, and a CRL from the first CA listing the certificates marked revoked.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastKv.Server.Tests;

internal sealed class TlsTestPki : IDisposable
{
    private readonly TempDir _dir = new("fastkv-tls-");
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;
    private readonly List<X509Certificate2> _revoked = [];
    private readonly List<X509Certificate2> _owned = [];

    public TlsTestPki()
    {
        _ca = CreateCa("CN=fastkv-test-ca", "ca.pem");
        _otherCa = CreateCa("CN=someone-else-ca", "other-ca.pem");
        CaCertificate = X509CertificateLoader.LoadCertificate(_ca.RawData);
        _owned.Add(CaCertificate);
        ServerCertificate = CreateServer();
    }

    public string Dir => _dir.Path;
    public string CaFile => _dir.Sub("ca.pem");
    public string ServerCertFile => _dir.Sub("server.pem");
    public string ServerKeyFile => _dir.Sub("server-key.pem");
    public string CrlFile => _dir.Sub("crl.pem");
    public X509Certificate2 CaCertificate { get; }
    public X509Certificate2 ServerCertificate { get; }

    public sealed record Client(string CertFile, string KeyFile, X509Certificate2 Certificate);

    /// <summary>A client certificate for <paramref name="commonName"/>, signed by the trusted CA or by the untrusted one.</summary>
    public Client CreateClient(string commonName, bool trustedIssuer = true, bool revoked = false)
    {
        var issuer = trustedIssuer ? _ca : _otherCa;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=fastkv-tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        // An EC key under an RSA CA: the CA's key signs through a generator.
        using var issuerKey = issuer.GetRSAPrivateKey()!;
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), now.AddMinutes(-5), now.AddDays(1), RandomSerial());
        var certificate = issued.CopyWithPrivateKey(key);
        _owned.Add(certificate);
        var name = $"client-{commonName}-{(trustedIssuer ? "ca" : "other")}{(revoked ? "-revoked" : "")}";
        File.WriteAllText(_dir.Sub(name + ".pem"), certificate.ExportCertificatePem());
        File.WriteAllText(_dir.Sub(name + "-key.pem"), key.ExportECPrivateKeyPem());
        if (revoked)
        {
            _revoked.Add(certificate);
            WriteCrl();
        }
        return new Client(_dir.Sub(name + ".pem"), _dir.Sub(name + "-key.pem"), certificate);
    }

    /// <summary>Writes the CRL of the trusted CA (empty until a revoked client exists).</summary>
    public void WriteCrl()
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var c in _revoked) builder.AddEntry(c, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        var crl = builder.Build(_ca, System.Numerics.BigInteger.One + _revoked.Count, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        File.WriteAllText(CrlFile, PemEncoding.WriteString("X509 CRL", crl));
    }

    /// <summary>Accepts the server's certificate when it chains to the test CA.</summary>
    public bool ValidateServer(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private X509Certificate2 CreateCa(string subject, string file)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        _owned.Add(ca);
        File.WriteAllText(_dir.Sub(file), ca.ExportCertificatePem());
        return ca;
    }

    private X509Certificate2 CreateServer()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fastkv-test-server", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        var certificate = request.Create(_ca, now.AddMinutes(-5), now.AddDays(1), RandomSerial());
        _owned.Add(certificate);
        File.WriteAllText(ServerCertFile, certificate.ExportCertificatePem());
        File.WriteAllText(ServerKeyFile, key.ExportRSAPrivateKeyPem());
        return certificate;
    }

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    public void Dispose()
    {
        foreach (var c in _owned) c.Dispose();
        _dir.Dispose();
    }
}
