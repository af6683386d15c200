// Hash/HashKV must be etcd's CRC-32C: the standard check value, and the instruction path and
// the table path agreeing on any input split into any pieces.
using FastKv.Mvcc.Kv;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class Crc32CastagnoliTests
{
    [Fact]
    public void Check_value_of_123456789_is_E3069283()
    {
        var crc = new Crc32Castagnoli();
        crc.Append("123456789"u8);
        Assert.Equal(0xE3069283u, crc.Value);
        var portable = new Crc32Castagnoli();
        portable.AppendPortable("123456789"u8);
        Assert.Equal(0xE3069283u, portable.Value);
    }

    [Fact]
    public void Pieces_and_paths_agree()
    {
        var gen = from n in Gen.Choose(0, 200)
                  from data in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)
                  from cut in Gen.Choose(0, n)
                  select (data, cut);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var whole = new Crc32Castagnoli();
            whole.Append(t.data);
            var pieces = new Crc32Castagnoli();
            pieces.Append(t.data.AsSpan(0, t.cut));
            pieces.Append(t.data.AsSpan(t.cut));
            var portable = new Crc32Castagnoli();
            portable.AppendPortable(t.data);
            Assert.Equal(whole.Value, pieces.Value);
            Assert.Equal(whole.Value, portable.Value);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
