// Encodes configuration changes into entry payloads in the protobuf wire layout of raftpb
// (ConfChange: id=1 type=2 node_id=3 context=4; ConfChangeV2: transition=1 changes=2 context=3;
// ConfChangeSingle: type=1 node_id=2), so entries written by FastKv read the same as etcd's.
namespace FastKv.Raft;

public static class ConfChangeCodec
{
    public static byte[] Encode(ConfChangeV2 cc)
    {
        var w = new List<byte>(16 + cc.Changes.Length * 8 + cc.Context.Length);
        if (cc.Transition != 0) { Tag(w, 1, 0); Varint(w, (ulong)cc.Transition); }
        foreach (var c in cc.Changes)
        {
            var inner = new List<byte>(12);
            if (c.Type != 0) { Tag(inner, 1, 0); Varint(inner, (ulong)c.Type); }
            if (c.NodeId != 0) { Tag(inner, 2, 0); Varint(inner, c.NodeId); }
            Tag(w, 2, 2); Varint(w, (ulong)inner.Count); w.AddRange(inner);
        }
        if (!cc.Context.IsEmpty) { Tag(w, 3, 2); Varint(w, (ulong)cc.Context.Length); w.AddRange(cc.Context.ToArray()); }
        return w.ToArray();
    }

    public static byte[] Encode(ConfChange cc)
    {
        var w = new List<byte>(24 + cc.Context.Length);
        if (cc.Id != 0) { Tag(w, 1, 0); Varint(w, cc.Id); }
        if (cc.Type != 0) { Tag(w, 2, 0); Varint(w, (ulong)cc.Type); }
        if (cc.NodeId != 0) { Tag(w, 3, 0); Varint(w, cc.NodeId); }
        if (!cc.Context.IsEmpty) { Tag(w, 4, 2); Varint(w, (ulong)cc.Context.Length); w.AddRange(cc.Context.ToArray()); }
        return w.ToArray();
    }

    // Decodes the payload of a ConfChange or ConfChangeV2 entry into the V2 form.
    public static ConfChangeV2 Decode(in Entry e)
    {
        return e.Type switch
        {
            EntryType.ConfChangeV2 => DecodeV2(e.Data.Span),
            EntryType.ConfChange => DecodeV1(e.Data.Span).AsV2(),
            _ => throw new ArgumentException($"entry {e.Index} is not a configuration change"),
        };
    }

    public static ConfChange DecodeV1(ReadOnlySpan<byte> b)
    {
        ulong id = 0, node = 0; var type = ConfChangeType.AddNode; ReadOnlyMemory<byte> ctx = default;
        int p = 0;
        while (p < b.Length)
        {
            var (field, wire) = ReadTag(b, ref p);
            switch (field, wire)
            {
                case (1, 0): id = ReadVarint(b, ref p); break;
                case (2, 0): type = (ConfChangeType)ReadVarint(b, ref p); break;
                case (3, 0): node = ReadVarint(b, ref p); break;
                case (4, 2): ctx = ReadBytes(b, ref p).ToArray(); break;
                default: Skip(b, ref p, wire); break;
            }
        }
        return new ConfChange { Id = id, Type = type, NodeId = node, Context = ctx };
    }

    public static ConfChangeV2 DecodeV2(ReadOnlySpan<byte> b)
    {
        var transition = ConfChangeTransition.Auto; var changes = new List<ConfChangeSingle>(); ReadOnlyMemory<byte> ctx = default;
        int p = 0;
        while (p < b.Length)
        {
            var (field, wire) = ReadTag(b, ref p);
            switch (field, wire)
            {
                case (1, 0): transition = (ConfChangeTransition)ReadVarint(b, ref p); break;
                case (2, 2):
                    {
                        var inner = ReadBytes(b, ref p);
                        var type = ConfChangeType.AddNode; ulong node = 0; int q = 0;
                        while (q < inner.Length)
                        {
                            var (f, w) = ReadTag(inner, ref q);
                            if (f == 1 && w == 0) type = (ConfChangeType)ReadVarint(inner, ref q);
                            else if (f == 2 && w == 0) node = ReadVarint(inner, ref q);
                            else Skip(inner, ref q, w);
                        }
                        changes.Add(new ConfChangeSingle(type, node));
                        break;
                    }
                case (3, 2): ctx = ReadBytes(b, ref p).ToArray(); break;
                default: Skip(b, ref p, wire); break;
            }
        }
        return new ConfChangeV2 { Transition = transition, Changes = changes.ToArray(), Context = ctx };
    }

    private static void Tag(List<byte> w, int field, int wire) => Varint(w, (ulong)((field << 3) | wire));

    private static void Varint(List<byte> w, ulong v)
    {
        while (v >= 0x80) { w.Add((byte)(v | 0x80)); v >>= 7; }
        w.Add((byte)v);
    }

    private static (int Field, int Wire) ReadTag(ReadOnlySpan<byte> b, ref int p)
    {
        var t = ReadVarint(b, ref p);
        return ((int)(t >> 3), (int)(t & 7));
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> b, ref int p)
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p >= b.Length) throw new FormatException("truncated varint in configuration change");
            byte x = b[p++];
            v |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return v;
        }
        throw new FormatException("varint too long in configuration change");
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> b, ref int p)
    {
        var n = (int)ReadVarint(b, ref p);
        if (n < 0 || p + n > b.Length) throw new FormatException("truncated bytes field in configuration change");
        var s = b.Slice(p, n); p += n; return s;
    }

    private static void Skip(ReadOnlySpan<byte> b, ref int p, int wire)
    {
        switch (wire)
        {
            case 0: ReadVarint(b, ref p); break;
            case 1: p += 8; break;
            case 2: ReadBytes(b, ref p); break;
            case 5: p += 4; break;
            default: throw new FormatException($"unsupported wire type {wire} in configuration change");
        }
        if (p > b.Length) throw new FormatException("truncated field in configuration change");
    }
}
