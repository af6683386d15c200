// With --client-cert-auth and auth enabled, a request that carries no token acts for the user named
// by the CommonName of its verified client certificate (etcd's AuthInfoFromTLS). The name is
// cached per certificate object: Kestrel keeps one per connection, and requests on it repeat.
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace FastKv.Server.Tls;

public static class CertificateUser
{
    private const string CommonNameOid = "2.5.4.3";
    private static readonly ConditionalWeakTable<X509Certificate2, string> Names = new();

    /// <summary>The subject's CommonName (the last one, as Go reads it), or "" when the subject has none.</summary>
    public static string CommonName(X509Certificate2 certificate) =>
        Names.GetValue(certificate, static c => Read(c.SubjectName));

    private static string Read(X500DistinguishedName subject)
    {
        var name = "";
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements) continue;
            if (rdn.GetSingleElementType().Value == CommonNameOid) name = rdn.GetSingleElementValue() ?? "";
        }
        return name;
    }
}
