using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Wal.Tests;

public class CodecTests
{
    [Fact]
    public void Hard_state_encodes_all_fields_like_etcd_even_zero()
    {
        var bytes = new byte[16];
        int n = new HardState(1, 0, 1).Encode(bytes);
        Assert.Equal(new byte[] { 0x08, 0x01, 0x10, 0x00, 0x18, 0x01 }, bytes[..n]);
    }

    [Fact]
    public void Entry_encodes_type_term_index_then_data()
    {
        var entry = new RaftEntry(2, 3, EntryType.Normal, new byte[] { 0xAA, 0xBB });
        var bytes = new byte[entry.EncodedSize];
        Assert.Equal(bytes.Length, entry.Encode(bytes));
        Assert.Equal(new byte[] { 0x08, 0x00, 0x10, 0x02, 0x18, 0x03, 0x22, 0x02, 0xAA, 0xBB }, bytes);
    }

    [Fact]
    public void Entry_and_hard_state_round_trip()
    {
        Prop.ForAll<ulong, ulong, byte[]>((term, index, data) =>
        {
            var entry = new RaftEntry(term, index, (EntryType)(int)(index % 3), data);
            var bytes = new byte[entry.EncodedSize];
            entry.Encode(bytes);
            var back = RaftEntry.Decode(bytes);
            var state = new HardState(term, index, term ^ index);
            var stateBytes = new byte[state.EncodedSize];
            state.Encode(stateBytes);
            return back.Term == term && back.Index == index && back.Type == entry.Type && back.Data.Span.SequenceEqual(data)
                && HardState.Decode(stateBytes) == state;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(0, 0UL)]
    [InlineData(8, 8UL)]
    [InlineData(4, 0x84000000_00000004UL)]
    [InlineData(31, 0x81000000_0000001FUL)]
    public void Frame_length_word_carries_padding_in_top_byte(int length, ulong word)
    {
        Assert.Equal(word, FrameSize.Encode(length));
        Assert.True(FrameSize.TryDecode(word, out long back, out int pad));
        Assert.Equal(length, back);
        Assert.Equal(FrameSize.PaddingFor(length), pad);
    }

    [Fact]
    public void Garbage_top_byte_is_rejected()
    {
        Assert.False(FrameSize.TryDecode(0x40000000_00000010UL, out _, out _));
        Assert.False(FrameSize.TryDecode(0x80000000_00000010UL, out _, out _));
    }

    [Fact]
    public void Truncated_or_malformed_messages_raise_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => RaftEntry.Decode(new byte[] { 0x22, 0x05, 0x01 }));
        Assert.Throws<InvalidDataException>(() => HardState.Decode(new byte[] { 0x08, 0xFF }));
        Assert.Throws<InvalidDataException>(() => HardState.Decode(new byte[] { 0x0F }));
    }

    [Fact]
    public void Segment_names_format_and_parse()
    {
        var name = new SegmentName(1, 0xDD);
        Assert.Equal("0000000000000001-00000000000000dd.wal", name.FileName);
        Assert.True(SegmentName.TryParse(name.FileName, out var back));
        Assert.Equal(name, back);
        Assert.False(SegmentName.TryParse("0.tmp", out _));
        Assert.False(SegmentName.TryParse("000000000000000g-0000000000000000.wal", out _));
    }
}
