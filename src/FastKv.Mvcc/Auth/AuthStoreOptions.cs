// Tunables of the auth store: etcd's simple-token TTL (5 minutes) and bcrypt cost (10).
namespace FastKv.Mvcc.Auth;

public sealed class AuthStoreOptions
{
    public TimeSpan TokenTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Cost of new password hashes; tests lower it to stay fast.</summary>
    public int BcryptCost { get; init; } = Bcrypt.DefaultCost;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
