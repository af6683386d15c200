// The HPACK decoder against RFC 7541 Appendix C's examples (byte strings, decoded fields and the
// dynamic table's size after each block) and against malformed input.
using System.Text;
using FastKv.Grpc.Hosting;

namespace FastKv.Grpc.Tests.Authority;

public sealed class HpackDecoderTests
{
    internal static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));

    private static string Render(List<HpackHeaderField> fields) =>
        string.Join("\n", fields.Select(f => Encoding.ASCII.GetString(f.Name) + ": " + Encoding.ASCII.GetString(f.Value)));

    private static void AssertBlock(HpackDecoder decoder, string hex, string expected, int tableSize)
    {
        var fields = new List<HpackHeaderField>();
        Assert.True(decoder.TryDecode(Hex(hex), fields));
        Assert.Equal(expected, Render(fields));
        Assert.Equal(tableSize, decoder.TableSize);
    }

    [Fact]
    public void Literal_with_indexing_enters_the_dynamic_table() =>
        AssertBlock(new HpackDecoder(4096), "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key: custom-header", 55);

    [Fact]
    public void Literal_without_indexing_leaves_the_table_empty() =>
        AssertBlock(new HpackDecoder(4096), "040c 2f73 616d 706c 652f 7061 7468", ":path: /sample/path", 0);

    [Fact]
    public void Literal_never_indexed_leaves_the_table_empty() =>
        AssertBlock(new HpackDecoder(4096), "1008 7061 7373 776f 7264 0673 6563 7265 74", "password: secret", 0);

    [Fact]
    public void Indexed_field_comes_from_the_static_table() =>
        AssertBlock(new HpackDecoder(4096), "82", ":method: GET", 0);

    private const string Request1 = ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com";
    private const string Request2 = Request1 + "\ncache-control: no-cache";
    private const string Request3 = ":method: GET\n:scheme: https\n:path: /index.html\n:authority: www.example.com\ncustom-key: custom-value";

    [Fact]
    public void Request_sequence_without_huffman_tracks_the_dynamic_table()
    {
        var decoder = new HpackDecoder(4096);
        AssertBlock(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", Request1, 57);
        AssertBlock(decoder, "8286 84be 5808 6e6f 2d63 6163 6865", Request2, 110);
        AssertBlock(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65", Request3, 164);
    }

    [Fact]
    public void Request_sequence_with_huffman_tracks_the_dynamic_table()
    {
        var decoder = new HpackDecoder(4096);
        AssertBlock(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", Request1, 57);
        AssertBlock(decoder, "8286 84be 5886 a8eb 1064 9cbf", Request2, 110);
        AssertBlock(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", Request3, 164);
    }

    private const string Response1 = ":status: 302\ncache-control: private\ndate: Mon, 21 Oct 2013 20:13:21 GMT\nlocation: https://www.example.com";
    private const string Response2 = ":status: 307\ncache-control: private\ndate: Mon, 21 Oct 2013 20:13:21 GMT\nlocation: https://www.example.com";
    private const string Response3 = ":status: 200\ncache-control: private\ndate: Mon, 21 Oct 2013 20:13:22 GMT\nlocation: https://www.example.com\n"
        + "content-encoding: gzip\nset-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [Fact]
    public void Response_sequence_without_huffman_evicts_from_a_256_octet_table()
    {
        var decoder = new HpackDecoder(256);
        AssertBlock(decoder, """
            4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
            2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d
            """, Response1, 222);
        AssertBlock(decoder, "4803 3330 37c1 c0bf", Response2, 222);
        AssertBlock(decoder, """
            88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
            54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
            5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31
            """, Response3, 215);
    }

    [Fact]
    public void Response_sequence_with_huffman_evicts_from_a_256_octet_table()
    {
        var decoder = new HpackDecoder(256);
        AssertBlock(decoder, """
            4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
            2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3
            """, Response1, 222);
        AssertBlock(decoder, "4883 640e ffc1 c0bf", Response2, 222);
        AssertBlock(decoder, """
            88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
            77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
            9587 3160 65c0 03ed 4ee5 b106 3d50 07
            """, Response3, 215);
    }

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("be")] // dynamic index 62 with an empty table
    [InlineData("3fe2 1f")] // size update to 4097, above the limit
    [InlineData("8230")] // size update after a field
    [InlineData("0085 ffff ffff ff00")] // Huffman string containing EOS
    [InlineData("0081 0000")] // Huffman padding of zeros
    [InlineData("000a 6375 73")] // string longer than the block
    [InlineData("7fff ffff ffff 7f")] // integer overflow
    public void Malformed_blocks_are_refused_without_throwing(string hex)
    {
        Assert.False(new HpackDecoder(4096).TryDecode(Hex(hex), []));
    }

    [Fact]
    public void Size_update_at_the_start_shrinks_the_table()
    {
        var decoder = new HpackDecoder(4096);
        AssertBlock(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", Request1, 57);
        AssertBlock(decoder, "20 82", ":method: GET", 0);
        Assert.Equal(0, decoder.MaxTableSize);
    }
}
