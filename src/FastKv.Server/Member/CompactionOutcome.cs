// What applying a compaction produces: the response, and the sweep that removes the compacted
// revisions from the page file in the background (awaited only for physical compactions).
using FastKv.Api.Etcdserverpb;

namespace FastKv.Server.Member;

public sealed record CompactionOutcome(Task Physical, CompactionResponse Response);
