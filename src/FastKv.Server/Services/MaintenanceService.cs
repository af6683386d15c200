// etcdserverpb.Maintenance: the member's status (version, db sizes, Raft position, leader),
// alarms, hashes, snapshots, defragmentation and leadership transfer.
using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Server;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class MaintenanceService(EtcdMember member)
{
    private const string Service = "etcdserverpb.Maintenance";
    private const int SnapshotChunkBytes = 32 * 1024;

    public void Register(MethodTable methods)
    {
        methods.AddUnary<StatusRequest, StatusResponse>(Service, "Status", StatusRequest.Parser, Status);
        methods.AddUnary<AlarmRequest, AlarmResponse>(Service, "Alarm", AlarmRequest.Parser, Alarm);
        methods.AddUnary<HashKVRequest, HashKVResponse>(Service, "HashKV", HashKVRequest.Parser, HashKV);
        methods.AddUnary<HashRequest, HashResponse>(Service, "Hash", HashRequest.Parser, Hash);
        methods.AddServerStreaming<SnapshotRequest, SnapshotResponse>(Service, "Snapshot", SnapshotRequest.Parser, Snapshot);
        methods.AddUnary<DefragmentRequest, DefragmentResponse>(Service, "Defragment", DefragmentRequest.Parser, Defragment);
        methods.AddUnary<MoveLeaderRequest, MoveLeaderResponse>(Service, "MoveLeader", MoveLeaderRequest.Parser, MoveLeader);
    }

    private ValueTask<StatusResponse> Status(StatusRequest request, CallContext call)
    {
        var raft = member.Raft;
        var response = new StatusResponse
        {
            Header = member.Fill(null),
            Version = member.Config.EtcdVersion,
            DbSize = member.Backend.Size,
            DbSizeInUse = member.Backend.SizeInUse,
            Leader = raft.Leader,
            RaftIndex = raft.CommittedIndex,
            RaftTerm = raft.Term,
            RaftAppliedIndex = raft.AppliedIndex,
        };
        response.Errors.Add(member.Alarms.Errors());
        return ValueTask.FromResult(response);
    }

    // Every alarm action goes through Raft, so all members agree on the alarms in force.
    private async ValueTask<AlarmResponse> Alarm(AlarmRequest request, CallContext call)
    {
        // etcd 3.4 answers alarms without a response header.
        return await member.ProposeAsync<AlarmResponse>(new InternalRaftRequest { Alarm = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
    }

    // Rewrites the page file compactly while reads and writes go on (writes wait only for the
    // final switch of files). Allowed under NOSPACE: it is how an operator gets the space back.
    // Root only when auth is on, as in etcd. etcd answers with an empty message, no header.
    private async ValueTask<DefragmentResponse> Defragment(DefragmentRequest request, CallContext call)
    {
        RequireAdmin(call);
        var log = member.Log.For("v3rpc/maintenance");
        log.Info("starting defragment");
        var result = await member.Backend.DefragmentAsync().ConfigureAwait(false);
        member.Log.For("backend").Info("defragmented",
            ("path", member.Config.DbPath),
            ("current-db-size-bytes-diff", result.SizeAfter - result.SizeBefore),
            ("current-db-size-bytes", result.SizeAfter),
            ("took", result.Duration),
            ("writes-paused", result.SwitchPause));
        log.Info("finished defragment");
        return new DefragmentResponse();
    }

    // Only the leader hands leadership over, and only to a voting member; handing it to
    // itself succeeds at once, as in etcd. etcd answers with an empty message, no header.
    private ValueTask<MoveLeaderResponse> MoveLeader(MoveLeaderRequest request, CallContext call)
    {
        var raft = member.Raft;
        if (raft.Leader != member.MemberId) throw EtcdErrors.NotLeader();
        var target = member.Members.FirstOrDefault(m => m.Id == request.TargetID);
        if (target is null || target.IsLearner) throw EtcdErrors.BadLeaderTransferee();
        if (target.Id != member.MemberId)
            // Unreachable while a member refuses to start with peers; a cluster needs Raft's transfer here.
            throw new EtcdException(StatusCode.Unavailable, "etcdserver: leadership transfer needs the peer transport, which this build does not have");
        return ValueTask.FromResult(new MoveLeaderResponse());
    }

    // etcd 3.4 lets only root defragment, hash or copy the database when auth is on, and answers
    // others with the auth store's own error (code Unknown).
    private void RequireAdmin(CallContext call)
    {
        try
        {
            member.Auth.CheckAdmin(member.Caller(call));
        }
        catch (EtcdException e)
        {
            throw EtcdErrors.AsUntranslatedAuthError(e);
        }
    }

    private async ValueTask<HashKVResponse> HashKV(HashKVRequest request, CallContext call)
    {
        RequireAdmin(call);
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var h = member.Kv.HashKV(request.Revision);
        return new HashKVResponse { Header = member.Fill(new ResponseHeader { Revision = h.Revision }), Hash = h.Hash, CompactRevision = h.CompactRevision };
    }

    private async ValueTask<HashResponse> Hash(HashRequest request, CallContext call)
    {
        RequireAdmin(call);
        await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        var h = member.Kv.Hash();
        return new HashResponse { Header = member.Fill(new ResponseHeader { Revision = h.Revision }), Hash = h.Hash };
    }

    // A consistent copy of the page file as of now, in chunks, then its SHA-256 as the last
    // message, as etcd sends it (etcdctl snapshot restore verifies that digest). The copy is
    // produced from one read transaction on a background thread; writers go on meanwhile.
    private async Task Snapshot(SnapshotRequest request, FastKv.Grpc.MessageWriter<SnapshotResponse> responses, CallContext call)
    {
        RequireAdmin(call);
        await member.CommitBackendAsync().ConfigureAwait(false);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
        using var tx = member.Backend.BeginRead();
        var total = tx.Size;
        var producer = Task.Run(() =>
        {
            try
            {
                using var stream = pipe.Writer.AsStream();
                tx.WriteTo(stream);
                pipe.Writer.Complete();
            }
            catch (Exception e)
            {
                pipe.Writer.Complete(e);
            }
        });
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var staging = new byte[SnapshotChunkBytes];
        long sent = 0;
        try
        {
            while (true)
            {
                var read = await pipe.Reader.ReadAtLeastAsync(SnapshotChunkBytes, call.CancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (buffer.Length >= SnapshotChunkBytes || (read.IsCompleted && buffer.Length > 0))
                {
                    var slice = buffer.Slice(0, Math.Min(SnapshotChunkBytes, buffer.Length));
                    // A chunk within one pipe segment is sent from the pipe's memory (valid until
                    // AdvanceTo; the message is encoded before WriteAsync returns); one spanning
                    // segments is gathered into the staging buffer.
                    ReadOnlyMemory<byte> chunk;
                    if (slice.IsSingleSegment) chunk = slice.First;
                    else
                    {
                        slice.CopyTo(staging);
                        chunk = staging.AsMemory(0, (int)slice.Length);
                    }
                    sha.AppendData(chunk.Span);
                    sent += chunk.Length;
                    await responses.WriteAsync(new SnapshotResponse
                    {
                        RemainingBytes = (ulong)Math.Max(0, total - sent),
                        Blob = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(chunk),
                    }, call.CancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(slice.End);
                }
                pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) break;
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
        // Like etcd 3.4: 32 KiB chunks without a header, then the SHA-256 of everything sent.
        await responses.WriteAsync(new SnapshotResponse
        {
            RemainingBytes = 0,
            Blob = Google.Protobuf.ByteString.CopyFrom(sha.GetHashAndReset()),
        }, call.CancellationToken).ConfigureAwait(false);
    }
}
