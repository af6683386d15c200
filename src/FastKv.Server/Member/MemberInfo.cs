// One member as the cluster knows it; stored in the `members` bucket as etcd's JSON
// ({"id","peerURLs","name","clientURLs","isLearner"}) under the member's hex ID.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastKv.Server.Member;

public sealed record MemberInfo
{
    [JsonPropertyName("id")] public ulong Id { get; init; }
    [JsonPropertyName("peerURLs")] public string[] PeerUrls { get; init; } = [];
    [JsonPropertyName("name")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public string Name { get; init; } = "";
    [JsonPropertyName("clientURLs")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string[]? ClientUrls { get; init; }
    [JsonPropertyName("isLearner")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool IsLearner { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static MemberInfo FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<MemberInfo>(json) ?? throw new InvalidDataException("member record is null");
}
