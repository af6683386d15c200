// --auto-tls: a self-signed server certificate kept in <data-dir>/fixtures/client as cert.pem and
// key.pem, made the way etcd makes it (ECDSA P-521 signed with SHA-512, subject O=etcd, one year,
// server-auth only, the listen hosts as DNS names or IP addresses) and reused when both files exist.
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastKv.Server.Logging;

namespace FastKv.Server.Tls;

public static class AutoTlsCertificate
{
    /// <summary>The (cert, key) paths in <paramref name="directory"/>, creating them first if either is missing.</summary>
    public static (string CertFile, string KeyFile) Ensure(string directory, IEnumerable<string> hosts, JsonLog log)
    {
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        if (File.Exists(certPath) && File.Exists(keyPath)) return (certPath, keyPath);

        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        var request = new CertificateRequest(new X500DistinguishedName("O=etcd"), key, HashAlgorithmName.SHA512);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        // DNS names before IP addresses, each in the order given, as Go encodes them.
        var names = new SubjectAlternativeNameBuilder();
        var addresses = new List<IPAddress>();
        foreach (var host in hosts.Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) addresses.Add(ip);
            else names.AddDnsName(host);
        }
        foreach (var ip in addresses) names.AddIpAddress(ip);
        request.CertificateExtensions.Add(names.Build());

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now, now.AddYears(1), RandomSerial());
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        log.Info("created cert file", ("path", certPath));
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var keyFile = new FileStream(keyPath, keyOptions))
        using (var writer = new StreamWriter(keyFile))
        {
            writer.Write(key.ExportECPrivateKeyPem());
            writer.Write('\n');
        }
        log.Info("created key file", ("path", keyPath));
        return (certPath, keyPath);
    }

    // A positive serial below 2^128, as etcd draws it.
    private static byte[] RandomSerial()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var serial = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        if (serial.IsZero) serial = BigInteger.One;
        return serial.ToByteArray(isUnsigned: false, isBigEndian: true);
    }
}
