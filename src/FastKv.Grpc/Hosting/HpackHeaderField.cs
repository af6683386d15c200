// One decoded header field as raw octets (HPACK names and values are not necessarily text).
namespace FastKv.Grpc.Hosting;

internal readonly record struct HpackHeaderField(byte[] Name, byte[] Value)
{
    /// <summary>The size HPACK charges a dynamic-table entry (RFC 7541 section 4.1).</summary>
    public int TableSize => Name.Length + Value.Length + 32;
}
