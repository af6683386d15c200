// One-line descriptions of what raft entries carry, like etcd-dump-logs: etcd v3 requests
// (etcdserverpb.InternalRaftRequest), v2 requests (etcdserverpb.Request, used for member attributes),
// and membership changes (raftpb.ConfChange). Anything else is shown as its size and leading bytes.
using System.Text;
using FastKv.Wal;

namespace FastKv.Util.Wal;

internal static class EntrySummary
{
    // InternalRaftRequest field numbers of the request kinds, named as etcd names them.
    private static readonly Dictionary<int, string> RequestKinds = new()
    {
        [2] = "v2", [3] = "range", [4] = "put", [5] = "delete_range", [6] = "txn", [7] = "compaction",
        [8] = "lease_grant", [9] = "lease_revoke", [10] = "alarm", [11] = "lease_checkpoint",
        [1000] = "auth_enable", [1011] = "auth_disable", [1012] = "authenticate",
        [1100] = "auth_user_add", [1101] = "auth_user_delete", [1102] = "auth_user_change_password",
        [1103] = "auth_user_grant_role", [1104] = "auth_user_get", [1105] = "auth_user_revoke_role",
        [1106] = "auth_user_list", [1107] = "auth_role_list", [1200] = "auth_role_add", [1201] = "auth_role_delete",
        [1202] = "auth_role_get", [1203] = "auth_role_grant_permission", [1204] = "auth_role_revoke_permission",
        [1300] = "cluster_version_set", [1301] = "cluster_member_attr_set", [1302] = "downgrade_info_set",
    };

    private static readonly string[] ConfChangeTypes = ["AddNode", "RemoveNode", "UpdateNode", "AddLearnerNode"];

    public static string TypeName(EntryType type) => type switch
    {
        EntryType.Normal => "norm",
        EntryType.ConfChange => "conf",
        EntryType.ConfChangeV2 => "confv2",
        _ => $"type{(int)type}",
    };

    public static string Describe(in RaftEntry entry)
    {
        var data = entry.Data.Span;
        if (data.IsEmpty)
            return entry.Type == EntryType.Normal ? "(empty: leader's no-op)" : "(empty)";
        try
        {
            return entry.Type switch
            {
                EntryType.ConfChange => DescribeConfChange(data),
                EntryType.Normal => DescribeRequest(data),
                _ => Raw(data),
            };
        }
        catch (InvalidDataException)
        {
            return Raw(data);
        }
    }

    private static string DescribeConfChange(ReadOnlySpan<byte> data)
    {
        ulong type = 0, node = 0;
        int p = 0;
        while (ProtoWire.TryReadTag(data, ref p, out int field, out int wire))
        {
            if (field == 2 && wire == ProtoWire.WireVarint) type = ProtoWire.ReadVarint(data, ref p);
            else if (field == 3 && wire == ProtoWire.WireVarint) node = ProtoWire.ReadVarint(data, ref p);
            else ProtoWire.SkipField(data, ref p, wire);
        }
        string name = type < (ulong)ConfChangeTypes.Length ? ConfChangeTypes[type] : $"type{type}";
        return $"conf change {name} node={node:x}";
    }

    private static string DescribeRequest(ReadOnlySpan<byte> data)
    {
        // A v3 request has exactly one request field (plus header/ID); a v2 request starts with ID then Method.
        int p = 0;
        ulong id = 0;
        int kind = 0;
        ReadOnlySpan<byte> body = default;
        while (ProtoWire.TryReadTag(data, ref p, out int field, out int wire))
        {
            if (field == 1 && wire == ProtoWire.WireVarint)
                id = ProtoWire.ReadVarint(data, ref p);
            else if (field == 100 && wire == ProtoWire.WireLengthDelimited)
            {
                // RequestHeader {ID=1, ...}: where etcd 3.x puts the request id.
                var header = ProtoWire.ReadLengthDelimited(data, ref p);
                if (id == 0)
                    id = VarintField(header, 1);
            }
            else if (RequestKinds.ContainsKey(field) && wire == ProtoWire.WireLengthDelimited)
            {
                kind = field;
                body = ProtoWire.ReadLengthDelimited(data, ref p);
            }
            else
                return DescribeV2(data);
        }
        if (kind == 0)
            return DescribeV2(data);
        string name = RequestKinds[kind];
        string detail = kind switch
        {
            4 => Put(body),
            5 => KeyRange(body),
            3 => KeyRange(body),
            7 => $"revision={VarintField(body, 1)}",
            8 => $"ttl={VarintField(body, 1)} id={VarintField(body, 2):x}",
            9 or 11 => $"id={VarintField(body, 1):x}",
            6 => $"{Count(body, 1)} compares, {Count(body, 2)} success ops, {Count(body, 3)} failure ops",
            _ => $"{body.Length} bytes",
        };
        return $"{name} {detail} (request id {id:x})";
    }

    private static string DescribeV2(ReadOnlySpan<byte> data)
    {
        string? method = null, path = null;
        int p = 0;
        while (ProtoWire.TryReadTag(data, ref p, out int field, out int wire))
        {
            if (field == 2 && wire == ProtoWire.WireLengthDelimited) method = Encoding.UTF8.GetString(ProtoWire.ReadLengthDelimited(data, ref p));
            else if (field == 3 && wire == ProtoWire.WireLengthDelimited) path = Encoding.UTF8.GetString(ProtoWire.ReadLengthDelimited(data, ref p));
            else ProtoWire.SkipField(data, ref p, wire);
        }
        return method is null ? Raw(data) : $"v2 {method} {path}";
    }

    private static string Put(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> key = default, value = default;
        ulong lease = 0;
        int p = 0;
        while (ProtoWire.TryReadTag(body, ref p, out int field, out int wire))
        {
            if (field == 1 && wire == ProtoWire.WireLengthDelimited) key = ProtoWire.ReadLengthDelimited(body, ref p);
            else if (field == 2 && wire == ProtoWire.WireLengthDelimited) value = ProtoWire.ReadLengthDelimited(body, ref p);
            else if (field == 3 && wire == ProtoWire.WireVarint) lease = ProtoWire.ReadVarint(body, ref p);
            else ProtoWire.SkipField(body, ref p, wire);
        }
        return $"key={Text(key)} value={value.Length} bytes" + (lease != 0 ? $" lease={lease:x}" : "");
    }

    private static string KeyRange(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> key = default, end = default;
        int p = 0;
        while (ProtoWire.TryReadTag(body, ref p, out int field, out int wire))
        {
            if (field == 1 && wire == ProtoWire.WireLengthDelimited) key = ProtoWire.ReadLengthDelimited(body, ref p);
            else if (field == 2 && wire == ProtoWire.WireLengthDelimited) end = ProtoWire.ReadLengthDelimited(body, ref p);
            else ProtoWire.SkipField(body, ref p, wire);
        }
        return end.IsEmpty ? $"key={Text(key)}" : $"key={Text(key)} range_end={Text(end)}";
    }

    private static ulong VarintField(ReadOnlySpan<byte> body, int wanted)
    {
        int p = 0;
        while (ProtoWire.TryReadTag(body, ref p, out int field, out int wire))
        {
            if (field == wanted && wire == ProtoWire.WireVarint) return ProtoWire.ReadVarint(body, ref p);
            ProtoWire.SkipField(body, ref p, wire);
        }
        return 0;
    }

    private static int Count(ReadOnlySpan<byte> body, int wanted)
    {
        int n = 0, p = 0;
        while (ProtoWire.TryReadTag(body, ref p, out int field, out int wire))
        {
            if (field == wanted) n++;
            ProtoWire.SkipField(body, ref p, wire);
        }
        return n;
    }

    /// <summary>Printable keys as text; anything with control or non-UTF-8 bytes as 0x-hex.</summary>
    private static string Text(ReadOnlySpan<byte> bytes)
    {
        bool printable = true;
        foreach (byte b in bytes)
            printable &= b is >= 0x20 and < 0x7F;
        return printable ? Encoding.ASCII.GetString(bytes) : "0x" + Convert.ToHexStringLower(bytes);
    }

    private static string Raw(ReadOnlySpan<byte> data) =>
        $"{data.Length} bytes 0x{Convert.ToHexStringLower(data[..Math.Min(16, data.Length)])}{(data.Length > 16 ? "..." : "")}";
}
