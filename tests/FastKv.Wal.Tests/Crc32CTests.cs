using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Wal.Tests;

public class Crc32CTests
{
    // Published CRC-32C check values (RFC 3720 appendix B.4 and the usual "123456789" check).
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("a", 0xC1D04330u)]
    public void Known_ascii_vectors_match(string text, uint expected)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Crc32C.AppendTable(0, bytes));
        Assert.Equal(expected, Crc32C.Compute(bytes));
        if (Crc32C.IsHardwareAccelerated)
            Assert.Equal(expected, Crc32C.AppendHardware(0, bytes));
    }

    [Fact]
    public void Rfc3720_vectors_match_on_both_paths()
    {
        var zeros = new byte[32];
        var ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var up = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var down = Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray();
        (byte[] data, uint crc)[] cases = [(zeros, 0x8A9136AAu), (ones, 0x62A8AB43u), (up, 0x46DD794Eu), (down, 0x113FDB5Cu)];
        foreach (var (data, crc) in cases)
        {
            Assert.Equal(crc, Crc32C.AppendTable(0, data));
            Assert.Equal(crc, Crc32C.Compute(data));
        }
    }

    [Fact]
    public void Hardware_and_table_agree_on_random_data_of_every_small_length()
    {
        Assert.True(Crc32C.IsHardwareAccelerated, "this machine is expected to have SSE4.2 or Arm CRC32");
        var random = new Random(7);
        for (int length = 0; length < 600; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            uint seed = (uint)random.Next();
            Assert.Equal(Crc32C.AppendTable(seed, data), Crc32C.AppendHardware(seed, data));
        }
    }

    [Fact]
    public void Chaining_equals_checksum_of_the_concatenation()
    {
        Prop.ForAll<byte[], byte[]>((a, b) =>
        {
            var both = a.Concat(b).ToArray();
            return Crc32C.Append(Crc32C.Append(0, a), b) == Crc32C.Compute(both)
                && Crc32C.AppendTable(Crc32C.AppendTable(0, a), b) == Crc32C.Compute(both);
        }).QuickCheckThrowOnFailure();
    }
}
