// How the lock and election recipes name things in the key space: every contender for `name`
// owns the key `name/<lease id in lower-case hex>`, and the contenders are the keys under the
// prefix `name/`, queued by create revision. Plain-KV clients (etcdctl lock/elect) use the same
// names, so both kinds of contender share one queue.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Server.Concurrency;

internal static class ContenderKeys
{
    public static ByteString Prefix(ByteString name)
    {
        var bytes = new byte[name.Length + 1];
        name.Span.CopyTo(bytes);
        bytes[^1] = (byte)'/';
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    public static ByteString Own(ByteString prefix, long lease)
    {
        // Go's %x of a signed ID: a minus sign and the magnitude for negative values.
        var hex = lease < 0 ? "-" + ((ulong)-lease).ToString("x", System.Globalization.CultureInfo.InvariantCulture)
                            : lease.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var bytes = new byte[prefix.Length + hex.Length];
        prefix.Span.CopyTo(bytes);
        System.Text.Encoding.ASCII.GetBytes(hex, bytes.AsSpan(prefix.Length));
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    /// <summary>The range end that selects every key starting with <paramref name="prefix"/>.</summary>
    public static ByteString PrefixEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return UnsafeByteOperations.UnsafeWrap(end.AsMemory(0, i + 1));
            }
        }
        // All 0xff (or empty): everything from the prefix on.
        return ByteString.CopyFrom(0);
    }

    /// <summary>The oldest contender under the prefix (the owner), if any.</summary>
    public static RangeRequest Oldest(ByteString prefix) => new()
    {
        Key = prefix,
        RangeEnd = PrefixEnd(prefix),
        SortTarget = RangeRequest.Types.SortTarget.Create,
        SortOrder = RangeRequest.Types.SortOrder.Ascend,
        Limit = 1,
    };

    /// <summary>The youngest contender created at or before <paramref name="maxCreateRevision"/>: the one to wait for.</summary>
    public static RangeRequest YoungestUpTo(ByteString prefix, long maxCreateRevision) => new()
    {
        Key = prefix,
        RangeEnd = PrefixEnd(prefix),
        SortTarget = RangeRequest.Types.SortTarget.Create,
        SortOrder = RangeRequest.Types.SortOrder.Descend,
        Limit = 1,
        MaxCreateRevision = maxCreateRevision,
    };

    /// <summary>The key does not exist (a create revision of 0).</summary>
    public static Compare NotCreated(ByteString key) => CreatedAt(key, 0);

    public static Compare CreatedAt(ByteString key, long revision) => new()
    {
        Key = key,
        Target = Compare.Types.CompareTarget.Create,
        Result = Compare.Types.CompareResult.Equal,
        CreateRevision = revision,
    };
}
