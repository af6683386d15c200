// Any octet string Huffman-encoded with the code table decodes back to itself; a string whose
// padding is not the EOS prefix does not decode.
using FastKv.Grpc.Hosting;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Grpc.Tests.Authority;

public sealed class HuffmanRoundTripTests
{
    [Fact]
    public void Every_octet_string_round_trips()
    {
        var strings = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));
        Prop.ForAll(strings.ToArbitrary(), text =>
        {
            var encoded = HuffmanTestEncoder.Encode(text);
            var decoded = new byte[HpackHuffmanCode.MaxDecodedLength(encoded.Length)];
            return HpackHuffmanCode.TryDecode(encoded, decoded, out var written) && decoded.AsSpan(0, written).SequenceEqual(text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void The_code_is_a_complete_prefix_code()
    {
        // Kraft's equality: a complete binary prefix code's lengths satisfy sum(2^-length) == 1.
        var sum = 0.0;
        foreach (var length in HpackHuffmanCode.BitLengths) sum += Math.Pow(2, -length);
        Assert.Equal(1.0, sum, 12);
        Assert.Equal(257, HpackHuffmanCode.BitLengths.Length);
    }

    [Fact]
    public void Padding_must_be_ones()
    {
        // "a" is 00011 (5 bits): 0x1F pads with ones, 0x18 with zeros.
        var decoded = new byte[4];
        Assert.True(HpackHuffmanCode.TryDecode([0x1F], decoded, out var written));
        Assert.Equal((byte)'a', decoded[0]);
        Assert.Equal(1, written);
        Assert.False(HpackHuffmanCode.TryDecode([0x18], decoded, out _));
        Assert.False(HpackHuffmanCode.TryDecode([0x1F, 0xFF], decoded, out _)); // eight bits of padding
    }
}
