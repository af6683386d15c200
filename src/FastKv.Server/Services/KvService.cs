// etcdserverpb.KV: reads are served from the local store (after a ReadIndex round unless the
// client asked for a serializable read); writes are validated here, proposed through Raft and
// answered with what their apply produced.
using System.Buffers;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Grpc.Server;
using FastKv.Mvcc.Kv;
using FastKv.Server.Member;

namespace FastKv.Server.Services;

public sealed class KvService(EtcdMember member)
{
    private const string Service = "etcdserverpb.KV";

    public void Register(MethodTable methods)
    {
        methods.AddUnaryEncoded<RangeRequest, RangeResponse>(Service, "Range", RangeRequest.Parser, RangeResponse.Parser, Range);
        methods.AddUnary<PutRequest, PutResponse>(Service, "Put", PutRequest.Parser, Put);
        methods.AddUnary<DeleteRangeRequest, DeleteRangeResponse>(Service, "DeleteRange", DeleteRangeRequest.Parser, DeleteRange);
        methods.AddUnary<TxnRequest, TxnResponse>(Service, "Txn", TxnRequest.Parser, Txn);
        methods.AddUnary<CompactionRequest, CompactionResponse>(Service, "Compact", CompactionRequest.Parser, Compact);
    }

    // The store writes the response's encoding, copying stored key-values to the wire without
    // building messages; the header carries what Fill would put there.
    private async ValueTask Range(RangeRequest request, IBufferWriter<byte> response, CallContext call)
    {
        KvRequestChecks.CheckRange(request);
        var caller = member.Caller(call);
        if (member.Auth.IsEnabled) member.Auth.CheckRequest(caller, request);
        if (!request.Serializable)
            await member.LinearizableReadAsync(call.CancellationToken).ConfigureAwait(false);
        member.Kv.WriteRange(request, new ResponseHeaderFields(member.ClusterId, member.MemberId, member.Raft.Term), response);
    }

    private async ValueTask<PutResponse> Put(PutRequest request, CallContext call)
    {
        KvRequestChecks.CheckPut(request);
        var response = await member.ProposeAsync<PutResponse>(new InternalRaftRequest { Put = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        return member.Fill(response);
    }

    private async ValueTask<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, CallContext call)
    {
        KvRequestChecks.CheckDeleteRange(request);
        var response = await member.ProposeAsync<DeleteRangeResponse>(new InternalRaftRequest { DeleteRange = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        return member.Fill(response);
    }

    private async ValueTask<TxnResponse> Txn(TxnRequest request, CallContext call)
    {
        KvRequestChecks.CheckTxn(request, member.Config.MaxTxnOps);
        var response = await member.ProposeAsync<TxnResponse>(new InternalRaftRequest { Txn = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        // Responses nested in a txn keep the revision-only header the store gave them, as etcd's do.
        return member.Fill(response);
    }

    private async ValueTask<CompactionResponse> Compact(CompactionRequest request, CallContext call)
    {
        var outcome = await member.ProposeAsync<CompactionOutcome>(new InternalRaftRequest { Compaction = request }, call.CancellationToken, member.Caller(call)).ConfigureAwait(false);
        // A physical compaction answers once the old revisions are gone from the page file.
        if (request.Physical)
            await outcome.Physical.WaitAsync(call.CancellationToken).ConfigureAwait(false);
        member.Fill(outcome.Response.Header);
        return outcome.Response;
    }
}
