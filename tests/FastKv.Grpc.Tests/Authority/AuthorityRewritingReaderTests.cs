// The rewriting reader over client byte streams delivered in every possible two-part split and
// byte by byte, read the way Kestrel reads (whole preface, whole frames, examined = end): a scheme
// in :authority comes out as host:port in stateless literals, everything else unchanged; a valid
// authority or a broken first block leaves the stream byte for byte as sent.
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FastKv.Grpc.Hosting;

namespace FastKv.Grpc.Tests.Authority;

[Collection(AllocationMeasurement.Name)]
public sealed class AuthorityRewritingReaderTests
{
    private static readonly AuthorityRewriteLimits Limits = new(4096, 16384);
    private static readonly byte[] Message = Http2TestFrames.GrpcMessage("request"u8);

    private static byte[] ClientStream(string authority)
    {
        var first = new List<byte>();
        Http2TestFrames.Reference(first, 3); // :method POST
        Http2TestFrames.Reference(first, 6); // :scheme http
        Http2TestFrames.Indexed(first, ":path", "/etcdserverpb.Maintenance/Status");
        Http2TestFrames.Indexed(first, ":authority", authority);
        Http2TestFrames.Indexed(first, "content-type", "application/grpc");
        Http2TestFrames.Indexed(first, "te", "trailers");
        Http2TestFrames.Indexed(first, "user-agent", "grpc-go/1.26.0");
        // The second request reuses every entry the first one added (newest has index 62).
        var second = new List<byte>();
        Http2TestFrames.Reference(second, 3);
        Http2TestFrames.Reference(second, 6);
        foreach (var index in new[] { 66, 65, 64, 63, 62 }) Http2TestFrames.Reference(second, index);
        return
        [
            .. Http2TestFrames.Preface,
            .. Http2TestFrames.Settings(),
            .. Http2TestFrames.WindowUpdate(0, 1 << 20),
            .. Http2TestFrames.HeaderFrames(1, first.ToArray(), endStream: false, chunk: 20, padding: 3, priority: true),
            .. Http2TestFrames.Data(1, Message, endStream: true),
            .. Http2TestFrames.HeaderFrames(3, second.ToArray(), endStream: true, chunk: 1000),
        ];
    }

    private static string ExpectedBlock(string authority) =>
        $":method: POST\n:scheme: http\n:path: /etcdserverpb.Maintenance/Status\n:authority: {authority}\n"
        + "content-type: application/grpc\nte: trailers\nuser-agent: grpc-go/1.26.0";

    /// <summary>Feeds stream in two parts split at "split" (or byte by byte when null) and returns what a Kestrel-like reader consumed.</summary>
    private static async Task<(byte[] Output, AuthorityRewritingReader Reader)> RunAsync(byte[] stream, int? split)
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false, pauseWriterThreshold: 0));
        var reader = new AuthorityRewritingReader(pipe.Reader, Limits);
        var consumer = ConsumeLikeKestrelAsync(reader);
        var parts = split is { } at ? new[] { stream[..at], stream[at..] } : stream.Select(b => new[] { b }).ToArray();
        foreach (var part in parts)
        {
            await pipe.Writer.WriteAsync(part);
            await Task.Yield();
        }
        await pipe.Writer.CompleteAsync();
        var output = await consumer.WaitAsync(TimeSpan.FromSeconds(10));
        return (output, reader);
    }

    private static async Task<byte[]> ConsumeLikeKestrelAsync(PipeReader reader)
    {
        var output = new List<byte>();
        var prefaceDone = false;
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            if (!prefaceDone)
            {
                if (buffer.Length >= 24)
                {
                    output.AddRange(buffer.Slice(0, 24).ToArray());
                    buffer = buffer.Slice(24);
                    prefaceDone = true;
                    // Kestrel's preface read stops exactly after the preface.
                    reader.AdvanceTo(buffer.Start, buffer.Start);
                    continue;
                }
            }
            else
            {
                while (Http2FrameHead.TryRead(buffer, out var head) && buffer.Length >= head.FrameLength)
                {
                    output.AddRange(buffer.Slice(0, head.FrameLength).ToArray());
                    buffer = buffer.Slice(head.FrameLength);
                }
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return output.ToArray();
            }
        }
    }

    /// <summary>The output's frames: header blocks decoded (with a fresh decoder whose table must stay empty), other frames as hex.</summary>
    private static List<string> Describe(byte[] output)
    {
        Assert.True(output.AsSpan(0, 24).SequenceEqual(Http2TestFrames.Preface));
        var decoder = new HpackDecoder(4096);
        var described = new List<string>();
        var offset = 24;
        var block = new List<byte>();
        while (offset < output.Length)
        {
            Assert.True(Http2FrameHead.TryRead(new System.Buffers.ReadOnlySequence<byte>(output.AsMemory(offset)), out var head));
            var payload = output.AsSpan(offset + 9, head.Length);
            if (head.Type is Http2FrameHead.Headers or Http2FrameHead.Continuation)
            {
                Assert.Equal(0, head.Flags & (Http2FrameHead.PaddedFlag | Http2FrameHead.PriorityFlag));
                block.AddRange(payload.ToArray());
                if ((head.Flags & Http2FrameHead.EndHeadersFlag) != 0)
                {
                    var fields = new List<HpackHeaderField>();
                    Assert.True(decoder.TryDecode(block.ToArray(), fields));
                    described.Add($"headers {head.StreamId}:\n" + string.Join("\n", fields.Select(f => Encoding.ASCII.GetString(f.Name) + ": " + Encoding.ASCII.GetString(f.Value))));
                    block.Clear();
                }
            }
            else
            {
                described.Add($"frame {head.Type} {head.Flags} {head.StreamId} {Convert.ToHexString(payload)}");
            }
            offset += 9 + head.Length;
        }
        Assert.Equal(0, decoder.TableSize);
        return described;
    }

    [Fact]
    public async Task Scheme_in_authority_is_rewritten_at_every_split()
    {
        var stream = ClientStream("http://127.0.0.1:2379");
        var expected = new List<string>
        {
            $"frame 4 0 0 {Convert.ToHexString(Http2TestFrames.Settings().AsSpan(9))}",
            $"frame 8 0 0 {Convert.ToHexString(Http2TestFrames.WindowUpdate(0, 1 << 20).AsSpan(9))}",
            "headers 1:\n" + ExpectedBlock("127.0.0.1:2379"),
            $"frame 0 1 1 {Convert.ToHexString(Message)}",
            "headers 3:\n" + ExpectedBlock("127.0.0.1:2379"),
        };
        for (var split = 1; split < stream.Length; split++)
        {
            var (output, reader) = await RunAsync(stream, split);
            Assert.True(reader.IsRewriting, $"split {split}");
            Assert.Equal(expected, Describe(output));
        }
        var (trickled, _) = await RunAsync(stream, split: null);
        Assert.Equal(expected, Describe(trickled));
    }

    [Fact]
    public async Task End_stream_survives_on_a_block_split_into_continuations()
    {
        var (output, _) = await RunAsync(ClientStream("https://example.com:443/ignored/path"), split: 100);
        var described = Describe(output);
        Assert.Equal("headers 3:\n" + ExpectedBlock("example.com:443"), described[^1]);
        // Re-framed: the second request's HEADERS still ends its stream.
        var offset = 24;
        var lastHeadersFlags = 0;
        while (offset < output.Length)
        {
            Http2FrameHead.TryRead(new System.Buffers.ReadOnlySequence<byte>(output.AsMemory(offset)), out var head);
            if (head.Type == Http2FrameHead.Headers) lastHeadersFlags = head.Flags;
            offset += 9 + head.Length;
        }
        Assert.Equal(Http2FrameHead.EndStreamFlag | Http2FrameHead.EndHeadersFlag, lastHeadersFlags);
    }

    [Fact]
    public async Task Valid_authority_passes_through_unchanged_at_every_split()
    {
        var stream = ClientStream("127.0.0.1:2379");
        for (var split = 1; split < stream.Length; split += 7)
        {
            var (output, reader) = await RunAsync(stream, split);
            Assert.True(reader.IsPassThrough, $"split {split}");
            Assert.Equal(stream, output);
        }
        var (trickled, _) = await RunAsync(stream, split: null);
        Assert.Equal(stream, trickled);
    }

    [Fact]
    public async Task Broken_first_block_is_left_for_kestrel_to_refuse()
    {
        byte[] stream = [.. Http2TestFrames.Preface, .. Http2TestFrames.Settings(), .. Http2TestFrames.HeaderFrames(1, [0x80, 0x82], endStream: true, chunk: 100)];
        var (output, reader) = await RunAsync(stream, split: 30);
        Assert.True(reader.IsPassThrough);
        Assert.Equal(stream, output);
    }

    [Fact]
    public async Task Broken_later_block_and_everything_after_it_go_to_kestrel_unchanged()
    {
        var stream = ClientStream("http://127.0.0.1:2379");
        byte[] broken = [.. Http2TestFrames.HeaderFrames(5, [0x80], endStream: true, chunk: 100), .. Http2TestFrames.Data(5, Message, endStream: true)];
        var (output, reader) = await RunAsync([.. stream, .. broken], split: 90);
        Assert.True(reader.IsRewriting);
        Assert.Equal(broken, output[^broken.Length..]);
        Assert.Equal("headers 3:\n" + ExpectedBlock("127.0.0.1:2379"), Describe(output[..^broken.Length])[^1]);
    }

    [Fact]
    public async Task Completing_the_rewriting_reader_stops_the_pump_and_completes_the_transport()
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var reader = new AuthorityRewritingReader(pipe.Reader, Limits);
        await pipe.Writer.WriteAsync(ClientStream("http://127.0.0.1:2379")); // the client stays connected
        var result = await reader.ReadAsync();
        Assert.True(reader.IsRewriting);
        reader.AdvanceTo(result.Buffer.End);
        await reader.CompleteAsync();
        await reader.Pump.WaitAsync(TimeSpan.FromSeconds(10));
        var transportCompleted = false;
        for (var attempt = 0; attempt < 100 && !transportCompleted; attempt++)
        {
            transportCompleted = (await pipe.Writer.WriteAsync(new byte[1])).IsCompleted;
            if (!transportCompleted) await Task.Delay(50);
        }
        Assert.True(transportCompleted);
    }

    [Fact]
    public async Task Pass_through_costs_no_allocation_beyond_the_transport()
    {
        static async Task<long> AllocatedByReadsAsync(Pipe pipe, PipeReader reader)
        {
            var frame = Http2TestFrames.Data(1, Message, endStream: false);
            var before = 0L;
            for (var i = 0; i < 2000; i++)
            {
                if (i == 1000) before = GC.GetAllocatedBytesForCurrentThread(); // after warming the segment pool
                pipe.Writer.Write(frame);
                await pipe.Writer.FlushAsync();
                var result = await reader.ReadAsync();
                reader.AdvanceTo(result.Buffer.End);
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var stream = ClientStream("127.0.0.1:2379");
        var plain = new Pipe(new PipeOptions(useSynchronizationContext: false, pauseWriterThreshold: 0));
        await plain.Writer.WriteAsync(stream);
        plain.Reader.AdvanceTo((await plain.Reader.ReadAsync()).Buffer.End);
        var baseline = await AllocatedByReadsAsync(plain, plain.Reader);

        var wrapped = new Pipe(new PipeOptions(useSynchronizationContext: false, pauseWriterThreshold: 0));
        var reader = new AuthorityRewritingReader(wrapped.Reader, Limits);
        await wrapped.Writer.WriteAsync(stream);
        reader.AdvanceTo((await reader.ReadAsync()).Buffer.End);
        Assert.True(reader.IsPassThrough);
        var measured = await AllocatedByReadsAsync(wrapped, reader);
        Assert.True(measured <= baseline + 1024, $"pass-through allocated {measured} bytes over 1000 reads, the bare pipe {baseline}");
    }

    [Fact]
    public async Task Http1_request_passes_through_unchanged()
    {
        var stream = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        var pipe = new Pipe();
        var reader = new AuthorityRewritingReader(pipe.Reader, Limits);
        await pipe.Writer.WriteAsync(stream);
        await pipe.Writer.CompleteAsync();
        var result = await reader.ReadAsync();
        Assert.Equal(stream, result.Buffer.ToArray());
        Assert.True(reader.IsPassThrough);
        reader.AdvanceTo(result.Buffer.End);
        await reader.CompleteAsync();
    }

    [Theory]
    [InlineData("127.0.0.1:2379", true)]
    [InlineData("localhost", true)]
    [InlineData("[::1]:2379", true)]
    [InlineData("", true)]
    [InlineData("http://127.0.0.1:2379", false)]
    [InlineData("127.0.0.1:23a", false)]
    [InlineData("host/path", false)]
    public void Authority_validity_follows_host_port_form(string authority, bool valid) =>
        Assert.Equal(valid, AuthorityForm.IsValid(Encoding.ASCII.GetBytes(authority)));

    [Theory]
    [InlineData("http://127.0.0.1:2379", "127.0.0.1:2379")]
    [InlineData("https://[::1]:2379/x?y", "[::1]:2379")]
    [InlineData("unix:///tmp/etcd.sock", "localhost")]
    [InlineData("http://user@host:1", "host:1")]
    public void Normalized_authority_keeps_host_and_port(string authority, string normalized) =>
        Assert.Equal(normalized, Encoding.ASCII.GetString(AuthorityForm.Normalize(Encoding.ASCII.GetBytes(authority))));
}
