// bcrypt against published test vectors (OpenBSD / jBCrypt password, salt, hash triples)
// and Blowfish's initial state against the published first and last words of pi's digits.
using FastKv.Mvcc.Auth;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Mvcc.Tests.Auth;

public sealed class BcryptTests
{
    [Fact]
    public void Initial_blowfish_state_is_pis_hex_digits()
    {
        var words = Blowfish.InitialWords;
        Assert.Equal(18 + 1024, words.Length);
        Assert.Equal(0x243F6A88u, words[0]);
        Assert.Equal(0x85A308D3u, words[1]);
        Assert.Equal(0x13198A2Eu, words[2]);
        Assert.Equal(0x03707344u, words[3]);
        Assert.Equal(0x8979FB1Bu, words[17]);   // P[17]
        Assert.Equal(0xD1310BA6u, words[18]);   // S0[0]
        Assert.Equal(0x98DFB5ACu, words[19]);   // S0[1]
        Assert.Equal(0x4B7A70E9u, words[18 + 256]); // S1[0]
        Assert.Equal(0xE93D5A68u, words[18 + 512]); // S2[0]
        Assert.Equal(0x3A39CE37u, words[18 + 768]); // S3[0]
        Assert.Equal(0x3AC372E6u, words[^1]);   // S3[255]
    }

    [Theory]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("", "$2a$08$HqWuK6/Ng6sg9gQzbLrgb.Tl.ZHfXLhvt/SgVyWhQqgqcZ7ZuUtye")]
    [InlineData("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe")]
    [InlineData("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO")]
    [InlineData("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("a", "$2a$10$k87L/MF28Q673VKh8/cPi.SUl7MU/rWuSiIDDFayrKk/1tBsSQu4u")]
    public void Published_vectors_hash_and_verify(string password, string expected)
    {
        Span<byte> salt = stackalloc byte[16];
        Assert.True(BcryptBase64.TryDecode(expected.AsSpan(7, 22), salt));
        var cost = int.Parse(expected.AsSpan(4, 2));
        Assert.Equal(expected, Bcrypt.Hash(password, salt, cost));
        Assert.True(Bcrypt.Verify(password, expected));
        Assert.False(Bcrypt.Verify(password + "x", expected));
    }

    [Theory]
    [InlineData("$2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("$2y$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    public void Verify_accepts_the_2b_and_2y_prefixes(string hash) => Assert.True(Bcrypt.Verify("abc", hash));

    [Theory]
    [InlineData("")]
    [InlineData("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0")]
    [InlineData("$2x$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("$2a$99$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h!i")]
    [InlineData("plaintext-password-not-a-hash-at-all-but-sixty-characters-xx")]
    public void Verify_rejects_malformed_hashes_without_throwing(string hash) => Assert.False(Bcrypt.Verify("abc", hash));

    [Fact]
    public void New_hashes_use_2a_cost_10_a_random_salt_and_verify()
    {
        var a = Bcrypt.Hash("secret");
        var b = Bcrypt.Hash("secret");
        Assert.StartsWith("$2a$10$", a);
        Assert.Equal(60, a.Length);
        Assert.NotEqual(a, b);
        Assert.True(Bcrypt.Verify("secret", System.Text.Encoding.ASCII.GetBytes(a)));
        Assert.False(Bcrypt.Verify("Secret", a));
    }

    [Fact]
    public void Only_the_first_72_key_bytes_count()
    {
        var salt = new byte[16];
        var longA = new string('p', 72) + "tail-one";
        var longB = new string('p', 72) + "tail-two";
        Assert.Equal(Bcrypt.Hash(longA, salt, 4), Bcrypt.Hash(longB, salt, 4));
        Assert.NotEqual(Bcrypt.Hash(new string('p', 71), salt, 4), Bcrypt.Hash(new string('p', 71) + "q", salt, 4));
    }

    [Fact]
    public void Radix64_round_trips_salts_and_hashes()
    {
        var gen = from length in Gen.Elements(16, 23)
                  from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
                  select bytes;
        Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            var text = new char[BcryptBase64.EncodedLength(bytes.Length)];
            BcryptBase64.Encode(bytes, text);
            var back = new byte[bytes.Length];
            Assert.True(BcryptBase64.TryDecode(text, back));
            Assert.Equal(bytes, back);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
