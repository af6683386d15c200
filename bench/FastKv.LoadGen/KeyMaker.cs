// Benchmark keys as etcd's benchmark makes them: a zero-filled buffer of --key-size bytes with the
// key's number written at the front as a zig-zag varint, so FastKv and etcd see the same key set.
using Google.Protobuf;

namespace FastKv.LoadGen;

public static class KeyMaker
{
    public static byte[] Key(long number, int keySize)
    {
        var key = new byte[Math.Max(keySize, MaxVarintLength(number))];
        WriteZigZagVarint(key, number);
        return key;
    }

    public static ByteString KeyString(long number, int keySize) => UnsafeByteOperations.UnsafeWrap(Key(number, keySize));

    /// <summary>Writes <paramref name="value"/> zig-zag encoded as a base-128 varint; returns the bytes written.</summary>
    public static int WriteZigZagVarint(Span<byte> destination, long value)
    {
        var u = (ulong)(value << 1) ^ (ulong)(value >> 63);
        var i = 0;
        while (u >= 0x80)
        {
            if (i < destination.Length) destination[i] = (byte)(u | 0x80);
            u >>= 7;
            i++;
        }
        if (i < destination.Length) destination[i] = (byte)u;
        return i + 1;
    }

    private static int MaxVarintLength(long number)
    {
        Span<byte> scratch = stackalloc byte[10];
        return WriteZigZagVarint(scratch, number);
    }

    public static ByteString RandomValue(int size)
    {
        var value = new byte[size];
        Random.Shared.NextBytes(value);
        return UnsafeByteOperations.UnsafeWrap(value);
    }
}
