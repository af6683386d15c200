// `txn-put`: --total Txn requests, each an unconditional success branch of --txn-ops puts to
// distinct random keys of the key space (etcd refuses a txn that writes one key twice).
using FastKv.Api.Etcdserverpb;

namespace FastKv.LoadGen;

public sealed record TxnPutSettings(int TxnOps, int KeySize, int ValueSize, long KeySpaceSize);

public static class TxnPutBench
{
    public static Task<LatencyReport> RunAsync(RunSettings run, TxnPutSettings txn, Connections connections)
    {
        var value = KeyMaker.RandomValue(txn.ValueSize);
        var random = new Random(2);
        var chosen = new HashSet<long>();
        var requests = new RequestTable<TxnRequest>(run.Total, _ =>
        {
            var request = new TxnRequest();
            chosen.Clear();
            while (chosen.Count < txn.TxnOps) chosen.Add(random.NextInt64(txn.KeySpaceSize));
            foreach (var k in chosen)
                request.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = KeyMaker.KeyString(k, txn.KeySize), Value = value } });
            return request;
        });
        return RequestRun.RunAsync(connections, run.Clients, run.Total,
            (n, channel) => channel.CallAsync(Methods.Txn, requests[n]), run.Progress);
    }
}
