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

    /// <summary>The path of the newest segment.</summary>
    public static string LastSegment(string dir) => Path.Combine(dir, SegmentName.List(dir)[^1].FileName);
}
