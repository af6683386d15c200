// Helpers that write and check recognisable entries.
namespace FastKv.Wal.Tests;

internal static class WalTestData
{
    public static byte[] Payload(ulong index, int size = 48)
    {
        var data = new byte[size];
        for (int i = 0; i < size; i++)
            data[i] = (byte)(index * 31 + (ulong)i * 7 + 1);
        return data;
    }

    public static RaftEntry Entry(ulong index, ulong term = 1, int size = 48) => new(term, index, Payload(index, size));

    public static RaftEntry[] Entries(ulong from, int count, ulong term = 1, int size = 48) =>
        Enumerable.Range(0, count).Select(i => Entry(from + (ulong)i, term, size)).ToArray();

    public static void AssertEntries(IReadOnlyList<RaftEntry> entries, ulong from, ulong to, int size = 48)
    {
        Assert.Equal((int)(to - from + 1), entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            ulong index = from + (ulong)i;
            Assert.Equal(index, entries[i].Index);
            Assert.True(entries[i].Data.Span.SequenceEqual(Payload(index, size)), $"payload of entry {index} differs");
        }
    }

    /// <summary>Reads a file without .NET's implicit shared lock, which a held WAL segment would refuse.</summary>
    public static byte[] ReadUnlocked(string path)
    {
        using var handle = NativeIo.Open(path, write: false, create: false);
        var bytes = new byte[RandomAccess.GetLength(handle)];
        int done = 0;
        while (done < bytes.Length)
            done += RandomAccess.Read(handle, bytes.AsSpan(done), done);
        return bytes;
    }

    /// <summary>Replaces a file's contents without .NET's implicit lock.</summary>
    public static void WriteUnlocked(string path, byte[] bytes)
    {
        using var handle = NativeIo.Open(path, write: true, create: true);
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, bytes, 0);
    }

    /// <summary>Overwrites bytes at an offset without .NET's implicit lock.</summary>
    public static void PatchUnlocked(string path, long offset, byte[] bytes)
    {
        using var handle = NativeIo.Open(path, write: true, create: false);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>XORs one byte with a mask without .NET's implicit lock.</summary>
    public static void FlipUnlocked(string path, long offset, byte mask = 0x5A)
    {
        using var handle = NativeIo.Open(path, write: true, create: false);
        var one = new byte[1];
        RandomAccess.Read(handle, one, offset);
        one[0] ^= mask;
        RandomAccess.Write(handle, one, offset);
    }

    /// <summary>Truncates a file without .NET's implicit lock.</summary>
    public static void TruncateUnlocked(string path, long length)
    {
        using var handle = NativeIo.Open(path, write: true, create: false);
        RandomAccess.SetLength(handle, length);
    }

    /// <summary>The first <paramref name="length"/> bytes of a file, without .NET's implicit lock.</summary>
    public static byte[] ReadPrefixUnlocked(string path, long length)
    {
        using var handle = NativeIo.Open(path, write: false, create: false);
        var bytes = new byte[length];
        int done = 0;
        while (done < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(done), done);
            if (n == 0)
                throw new EndOfStreamException(path);
            done += n;
        }
        return bytes;
    }

    /// <summary>The path of the newest segment.</summary>
    public static string LastSegment(string dir) => Path.Combine(dir, SegmentName.List(dir)[^1].FileName);
}
