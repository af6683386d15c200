// The HPACK header block of a gRPC request, which is the same for every call of one method on one
// connection, so it is encoded once and its bytes reused. Static-table entries are referenced by
// index and everything else is a literal without indexing and without Huffman coding, so the
// server's dynamic table is never touched and the block stays valid for the connection's lifetime.
using System.Buffers;
using System.Text;
using FastKv.Grpc.Hosting;

namespace FastKv.LoadGen.Http2;

public static class RequestHeaderBlock
{
    // RFC 7541 Appendix A.
    private const int MethodPostIndex = 3;
    private const int SchemeHttpIndex = 6;
    private const int AuthorityNameIndex = 1;
    private const int PathNameIndex = 4;
    private const int ContentTypeNameIndex = 31;

    public static byte[] Encode(string path, string authority)
    {
        var output = new ArrayBufferWriter<byte>(128);
        WriteIndexed(output, MethodPostIndex);
        WriteIndexed(output, SchemeHttpIndex);
        WriteLiteral(output, PathNameIndex, null, path);
        WriteLiteral(output, AuthorityNameIndex, null, authority);
        WriteLiteral(output, ContentTypeNameIndex, null, "application/grpc");
        WriteLiteral(output, 0, "te", "trailers");
        return output.WrittenSpan.ToArray();
    }

    private static void WriteIndexed(IBufferWriter<byte> output, int index) => WriteInteger(output, 0x80, 7, index);

    /// <summary>Literal header field without indexing (0000xxxx), with an indexed name when nameIndex is set, raw strings.</summary>
    private static void WriteLiteral(IBufferWriter<byte> output, int nameIndex, string? name, string value)
    {
        WriteInteger(output, 0x00, 4, nameIndex);
        if (nameIndex == 0) WriteString(output, name!);
        WriteString(output, value);
    }

    private static void WriteString(IBufferWriter<byte> output, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        WriteInteger(output, 0x00, 7, bytes.Length);
        output.Write(bytes);
    }

    private static void WriteInteger(IBufferWriter<byte> output, byte flags, int prefixBits, int value) =>
        HpackLiteralEncoder.WriteInteger(output, flags, prefixBits, value);
}
