// etcdserverpb.Watch: one bidirectional stream carries many watches. Requests from the client
// go straight to the stream's hub state; a pump copies the hub's responses (already ordered,
// atomic per revision, bounded) to the wire. The stream ends when the client ends its side or
// cancels, as etcd's does.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc;
using FastKv.Grpc.Server;
using FastKv.Mvcc.Kv;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class WatchService(EtcdMember member)
{
    public void Register(MethodTable methods) =>
        methods.AddDuplexStreaming<WatchRequest, WatchResponse>("etcdserverpb.Watch", "Watch", WatchRequest.Parser, Watch);

    private async Task Watch(MessageReader<WatchRequest> requests, MessageWriter<WatchResponse> responses, CallContext call)
    {
        using var stream = member.Watch.OpenStream();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken);
        var pump = PumpAsync(stream, responses, done.Token);
        try
        {
            var caller = member.Caller(call);
            while (await requests.MoveNextAsync().ConfigureAwait(false))
            {
                var request = requests.Current;
                if (request.CreateRequest is { } create && member.Auth.IsEnabled && !MayWatch(caller, create))
                {
                    stream.Refuse(create, FastKv.Api.EtcdErrors.WatchPermissionDeniedReason);
                    continue;
                }
                stream.Handle(request);
            }
            // A client that closes its sending side still receives events, as from etcd: the
            // stream ends when the call is cancelled (client gone, deadline, server stopping).
            await WaitUntilCancelledAsync(call.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private static async Task WaitUntilCancelledAsync(CancellationToken cancel)
    {
        try { await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private bool MayWatch(FastKv.Mvcc.Auth.AuthInfo caller, WatchCreateRequest create)
    {
        try
        {
            member.Auth.CheckWatch(caller, create.Key.Span, create.RangeEnd.Span);
            return true;
        }
        catch (FastKv.Api.EtcdException)
        {
            return false;
        }
    }

    // Each response is encoded straight from the watcher's queue into one buffer per stream (no
    // WatchResponse objects), then framed; a buffer a huge response grew is not kept.
    private async Task PumpAsync(FastKv.Mvcc.Watch.WatchStream stream, MessageWriter<WatchResponse> responses, CancellationToken cancel)
    {
        var buffer = new ArrayBufferWriter<byte>(InitialResponseBuffer);
        while (await stream.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            var header = new ResponseHeaderFields(member.ClusterId, member.MemberId, member.Raft.Term);
            while (stream.TryWrite(header, buffer))
            {
                await responses.WriteEncodedAsync(buffer.WrittenMemory, WatchResponse.Parser, cancel).ConfigureAwait(false);
                if (buffer.Capacity > MaxKeptResponseBuffer) buffer = new ArrayBufferWriter<byte>(InitialResponseBuffer);
                else buffer.ResetWrittenCount();
            }
        }
    }

    private const int InitialResponseBuffer = 4096;
    private const int MaxKeptResponseBuffer = 64 * 1024;
}
