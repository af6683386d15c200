// The pieces of client TLS that need no process: CRL parsing against the CRLs .NET builds,
// CommonName extraction as Go reads it, and --cipher-suites names.
using System.Net.Security;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastKv.Server.Config;
using FastKv.Server.Tls;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Server.Tests;

public sealed class TlsPartsTests
{
    [Fact]
    public void A_crl_yields_exactly_the_serials_it_revokes()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=crl-test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var serials = Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(b => b.Length is > 0 and <= 20)).Where(a => a.Length <= 30);
        Prop.ForAll(serials.ToArbitrary(), (byte[][] raw) =>
        {
            var builder = new CertificateRevocationListBuilder();
            var expected = new HashSet<BigInteger>();
            foreach (var serial in raw)
            {
                // DER INTEGERs are minimal two's complement; the builder takes the bytes as given.
                var value = new BigInteger(serial, isUnsigned: true, isBigEndian: true);
                var encoded = value.ToByteArray(isUnsigned: false, isBigEndian: true);
                if (expected.Add(value)) builder.AddEntry(encoded, DateTimeOffset.UtcNow.AddMinutes(-1));
            }
            var der = builder.Build(ca, BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256);
            Assert.True(expected.SetEquals(RevokedSerials.Parse(der)));
            var pem = System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", der));
            Assert.True(expected.SetEquals(RevokedSerials.Parse(pem)));
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Something_that_is_not_a_crl_is_an_error_not_an_empty_list()
    {
        Assert.Throws<CryptographicException>(() => RevokedSerials.Parse("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"u8.ToArray()));
        Assert.Throws<CryptographicException>(() => RevokedSerials.Parse([0x30, 0x03, 0x02, 0x01]));
    }

    [Theory]
    [InlineData("CN=alice, O=team", "alice")]
    [InlineData("O=team, CN=first, CN=second", "second")]
    [InlineData("O=no-common-name", "")]
    public void The_user_is_the_subjects_common_name(string subject, string user)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal(user, CertificateUser.CommonName(certificate));
    }

    [Fact]
    public void Cipher_suite_names_are_gos()
    {
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
            CipherSuiteTable.Resolve(["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]));
        Assert.Empty(CipherSuiteTable.Resolve([]));
        // Names are case-sensitive and only TLS suites Go implements count.
        Assert.Equal("unexpected TLS cipher suite \"tls_ecdhe_rsa_with_aes_128_gcm_sha256\"",
            Assert.Throws<FlagParseException>(() => CipherSuiteTable.Resolve(["tls_ecdhe_rsa_with_aes_128_gcm_sha256"])).Message);
        Assert.Throws<FlagParseException>(() => CipherSuiteTable.Resolve(["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]));
        Assert.Throws<FlagParseException>(() => CipherSuiteTable.Resolve(["TLS_FALLBACK_SCSV"]));
    }
}
