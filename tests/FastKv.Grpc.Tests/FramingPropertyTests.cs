// Properties of the wire encodings against simple models: framed messages survive any split of
// the byte stream into reads; grpc-timeout never shortens a deadline; grpc-message decodes back.
using System.Buffers;
using System.IO.Pipelines;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Framing;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Grpc.Tests;

public sealed class FramingPropertyTests
{
    [Fact]
    public void Framed_messages_parse_back_whatever_the_read_boundaries()
    {
        var gen =
            from values in Gen.ArrayOf(Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(b => b.Take(300).ToArray()))
            from cuts in Gen.ArrayOf(Gen.Choose(1, 64))
            select (values.Take(8).ToArray(), cuts);
        Prop.ForAll(gen.ToArbitrary(), async input =>
        {
            var (values, cuts) = input;
            var messages = values.Select((v, i) => new PutRequest { Key = ByteString.CopyFromUtf8($"k{i}"), Value = ByteString.CopyFrom(v) }).ToArray();
            var parsed = await RoundTripAsync(messages, cuts);
            Assert.Equal(messages, parsed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    private static async Task<List<PutRequest>> RoundTripAsync(PutRequest[] messages, int[] cuts)
    {
        var encoded = new Pipe();
        foreach (var m in messages) MessageFraming.Write(encoded.Writer, m);
        await encoded.Writer.CompleteAsync();
        var bytes = (await encoded.Reader.ReadAsync()).Buffer.ToArray();

        // Feed the bytes in arbitrary pieces while the reader parses concurrently.
        var (reader, feeding) = FastKv.TestSupport.ChunkedPipe.Feed(bytes, cuts);
        var result = new List<PutRequest>();
        while (await MessageFraming.ReadAsync(reader, PutRequest.Parser, int.MaxValue, gzip: false, CancellationToken.None) is { } m)
            result.Add(m);
        await feeding;
        return result;
    }

    [Fact]
    public void Grpc_timeout_round_trips_without_shortening_and_within_one_unit()
    {
        var gen = Gen.Choose(0, int.MaxValue).SelectMany(a => Gen.Choose(0, 40).Select(shift => (long)a << shift >> 10))
            .Where(t => t > 0 && t < TimeSpan.FromDays(3000).Ticks);
        Prop.ForAll(gen.ToArbitrary(), ticks =>
        {
            var timeout = TimeSpan.FromTicks(ticks);
            var text = GrpcTimeout.Format(timeout);
            Assert.True(text.Length <= 9, text);
            Assert.True(GrpcTimeout.TryParse(text, out var parsed), text);
            Assert.True(parsed >= timeout, $"{text} parsed {parsed} < {timeout}");
            // Rounding up costs less than one of the chosen unit, and that unit is the finest whose amount fits 8 digits.
            var unit = text[^1] switch
            {
                'n' => 1L, 'u' => 10L, 'm' => TimeSpan.TicksPerMillisecond, 'S' => TimeSpan.TicksPerSecond,
                'M' => TimeSpan.TicksPerMinute, _ => TimeSpan.TicksPerHour,
            };
            Assert.True((parsed - timeout).Ticks < unit, $"{text} vs {timeout}");
            var finer = text[^1] switch { 'u' => 1L, 'm' => 10L, 'S' => TimeSpan.TicksPerMillisecond, 'M' => TimeSpan.TicksPerSecond, 'H' => TimeSpan.TicksPerMinute, _ => 0L };
            // ('n' counts hundreds of nanoseconds here, so the finer unit of 'u' is one tick.)
            if (finer > 0) Assert.True((ticks + finer - 1) / finer * (text[^1] == 'u' ? 100 : 1) > 99_999_999, $"{text} could use a finer unit");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("900n", 9L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Grpc_timeout_units_parse(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.Equal(ticks, parsed.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1s")]
    [InlineData("1.5S")]
    public void Malformed_grpc_timeouts_are_refused(string text) => Assert.False(GrpcTimeout.TryParse(text, out _));

    [Fact]
    public void Grpc_message_encoding_round_trips_and_stays_printable_ascii()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null), text =>
        {
            // Lone surrogates cannot be UTF-8 encoded; they become U+FFFD like everywhere else.
            var normalized = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
            var encoded = StatusMessageEncoding.Encode(normalized);
            Assert.All(encoded, c => Assert.InRange(c, (char)0x20, (char)0x7E));
            Assert.Equal(normalized, StatusMessageEncoding.Decode(encoded));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData("a%zzb", "a%zzb")]
    [InlineData("trailing%4", "trailing%4")]
    [InlineData("%e2%82%ac", "€")]
    public void Grpc_message_decoding_is_lenient(string wire, string text) => Assert.Equal(text, StatusMessageEncoding.Decode(wire));
}
