// --client-crl-file: the serial numbers an X.509 CRL (DER or PEM "X509 CRL") lists as revoked.
// Like etcd, the list is read again when it changes on disk (here: when its size or write time
// does), so a CRL can be replaced without a restart, and its signature is not checked: the file
// is trusted configuration, not something a client sends.
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace FastKv.Server.Tls;

public sealed class RevokedSerials(string path)
{
    private readonly Lock _gate = new();
    private (DateTime Written, long Length) _stamp;
    private HashSet<BigInteger> _serials = [];

    public string Path { get; } = path;

    /// <summary>True when the serial (big-endian, as X509Certificate2.SerialNumberBytes) is listed.</summary>
    public bool Contains(ReadOnlySpan<byte> serialBigEndian)
    {
        var serial = new BigInteger(serialBigEndian, isUnsigned: false, isBigEndian: true);
        return Current().Contains(serial);
    }

    private HashSet<BigInteger> Current()
    {
        var info = new FileInfo(Path);
        if (!info.Exists) throw new FileNotFoundException($"open {Path}: no such file or directory", Path);
        var stamp = (info.LastWriteTimeUtc, info.Length);
        lock (_gate)
        {
            if (stamp != _stamp)
            {
                _serials = Parse(File.ReadAllBytes(Path));
                _stamp = stamp;
            }
            return _serials;
        }
    }

    /// <summary>The revoked serials of one CRL; throws CryptographicException when it is not a CRL.</summary>
    public static HashSet<BigInteger> Parse(byte[] file)
    {
        var der = Unarmor(file);
        try
        {
            var crl = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = crl.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger(); // version
            tbs.ReadSequence(); // signature algorithm
            tbs.ReadSequence(); // issuer
            ReadTime(tbs); // thisUpdate
            var serials = new HashSet<BigInteger>();
            if (!tbs.HasData) return serials;
            var next = tbs.PeekTag();
            if (next.HasSameClassAndValue(Asn1Tag.UtcTime) || next.HasSameClassAndValue(Asn1Tag.GeneralizedTime))
            {
                ReadTime(tbs); // nextUpdate
                if (!tbs.HasData) return serials;
                next = tbs.PeekTag();
            }
            if (!next.HasSameClassAndValue(Asn1Tag.Sequence)) return serials; // only extensions follow
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                serials.Add(entry.ReadInteger());
            }
            return serials;
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("x509: malformed crl", e);
        }
    }

    private static void ReadTime(AsnReader reader)
    {
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)) reader.ReadUtcTime();
        else reader.ReadGeneralizedTime();
    }

    private static byte[] Unarmor(byte[] file)
    {
        var text = Encoding.ASCII.GetString(file);
        return PemEncoding.TryFind(text, out var fields) && text[fields.Label] == "X509 CRL"
            ? Convert.FromBase64String(text[fields.Base64Data])
            : file;
    }
}
