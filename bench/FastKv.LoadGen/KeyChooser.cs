// Which key request number i writes: i modulo the key space with --sequential-keys, otherwise a
// uniformly random key of the space (etcd benchmark's two modes).
namespace FastKv.LoadGen;

public sealed class KeyChooser(long keySpaceSize, bool sequential, int seed)
{
    private readonly Random _random = new(seed);

    public long Next(long number) => sequential ? number % keySpaceSize : _random.NextInt64(keySpaceSize);
}
