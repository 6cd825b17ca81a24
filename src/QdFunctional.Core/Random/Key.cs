using System.Runtime.CompilerServices;

namespace QdFunctional.Core.Random;

/// <summary>
/// A splittable PRNG key in the style of JAX: two 32-bit words, consumed by value. A key is
/// never used for two purposes; derive new keys with <see cref="Split(int)"/> or
/// <see cref="FoldIn(uint)"/> instead. <c>Of</c>, <c>Split</c> and <c>FoldIn</c> produce the
/// same words as <c>jax.random.PRNGKey</c>, <c>split</c> and <c>fold_in</c> with the
/// default threefry2x32 implementation.
/// </summary>
/// <remarks>
/// Draws are a pure function of (key, index): word <c>i</c> of a key's stream is
/// Threefry(key, (i >> 32, i &amp; 0xFFFFFFFF)) read as <c>hi &lt;&lt; 32 | lo</c>. The library
/// derives keys in a fixed order (iteration, then emitter, then purpose, then row), so a
/// row's randomness never depends on the thread that computes it.
/// </remarks>
public readonly record struct Key(uint Hi, uint Lo)
{
    /// <summary>The key for an integer seed, as <c>jax.random.PRNGKey(seed)</c>.</summary>
    public static Key Of(ulong seed) => new((uint)(seed >> 32), (uint)seed);

    /// <summary>
    /// <paramref name="count"/> independent keys. Follows JAX's layout: the counters
    /// 0..2n-1 are hashed in pairs (i, i + n) and the outputs are read row-major.
    /// </summary>
    public Key[] Split(int count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Split needs at least one key.");
        var words = new uint[2 * count];
        for (int i = 0; i < count; i++)
        {
            var (y0, y1) = Threefry.Hash(Hi, Lo, (uint)i, (uint)(i + count));
            words[i] = y0;
            words[i + count] = y1;
        }
        var keys = new Key[count];
        for (int i = 0; i < count; i++)
            keys[i] = new Key(words[2 * i], words[2 * i + 1]);
        return keys;
    }

    /// <summary>Two independent keys: the usual <c>let k1, k2 = key.Split2()</c>.</summary>
    public (Key, Key) Split2()
    {
        var k = Split(2);
        return (k[0], k[1]);
    }

    /// <summary>Three independent keys.</summary>
    public (Key, Key, Key) Split3()
    {
        var k = Split(3);
        return (k[0], k[1], k[2]);
    }

    /// <summary>A new key that mixes in <paramref name="data"/> (an iteration, a row, an emitter index).</summary>
    public Key FoldIn(uint data)
    {
        var (y0, y1) = Threefry.Hash(Hi, Lo, 0, data);
        return new Key(y0, y1);
    }

    /// <summary>A new key that mixes in a signed index; negative values are refused.</summary>
    public Key FoldIn(int data)
    {
        if (data < 0)
            throw new ArgumentOutOfRangeException(nameof(data), data, "FoldIn takes a non-negative index.");
        return FoldIn((uint)data);
    }

    /// <summary>Word <paramref name="index"/> of this key's stream of 64-bit values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Bits(ulong index)
    {
        var (y0, y1) = Threefry.Hash(Hi, Lo, (uint)(index >> 32), (uint)index);
        return ((ulong)y0 << 32) | y1;
    }

    /// <summary>Fills <paramref name="destination"/> with raw 64-bit words 0..n-1 of the stream.</summary>
    public void Bits(Span<ulong> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = Bits((ulong)i);
    }

    /// <summary>Uniform doubles in [0, 1): the top 53 bits of each word times 2^-53.</summary>
    public void Uniform(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = ToUnitDouble(Bits((ulong)i));
    }

    /// <summary>Uniform doubles in [low, high).</summary>
    public void Uniform(Span<double> destination, double low, double high)
    {
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"Uniform needs finite low < high, got [{low}, {high}).");
        double width = high - low;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = low + width * ToUnitDouble(Bits((ulong)i));
    }

    /// <summary>Uniform doubles, each in its own [low[j], high[j]) for j = i mod low.Length (row-major bounds).</summary>
    public void Uniform(Span<double> destination, ReadOnlySpan<double> low, ReadOnlySpan<double> high)
    {
        if (low.Length == 0 || low.Length != high.Length || destination.Length % low.Length != 0)
            throw new ArgumentException(
                $"Uniform with per-column bounds needs equal, non-empty bound lengths dividing the output; got {low.Length}, {high.Length} for {destination.Length} values.");
        int d = low.Length;
        for (int i = 0; i < destination.Length; i++)
        {
            int j = i % d;
            destination[i] = low[j] + (high[j] - low[j]) * ToUnitDouble(Bits((ulong)i));
        }
    }

    /// <summary>Uniform floats in [0, 1): the top 24 bits of each word times 2^-24.</summary>
    public void Uniform(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (Bits((ulong)i) >> 40) * (1.0f / (1 << 24));
    }

    /// <summary>
    /// Standard normal draws (times <paramref name="scale"/>, plus <paramref name="mean"/>) by the
    /// Box-Muller transform: words 2i and 2i+1 give values 2i and 2i+1.
    /// </summary>
    public void Normal(Span<double> destination, double mean = 0.0, double scale = 1.0)
    {
        int n = destination.Length;
        for (int i = 0; i + 1 < n; i += 2)
        {
            var (z0, z1) = BoxMuller(Bits((ulong)i), Bits((ulong)i + 1));
            destination[i] = mean + scale * z0;
            destination[i + 1] = mean + scale * z1;
        }
        if ((n & 1) == 1)
        {
            var (z0, _) = BoxMuller(Bits((ulong)n - 1), Bits((ulong)n));
            destination[n - 1] = mean + scale * z0;
        }
    }

    /// <summary>One uniform double in [0, 1) (word 0 of the stream).</summary>
    public double NextUniform() => ToUnitDouble(Bits(0));

    /// <summary>
    /// Integers uniform in [low, high), by the multiply-high map of a 64-bit word onto the
    /// range (bias below range / 2^64, far under anything measurable).
    /// </summary>
    public void Integers(Span<int> destination, int low, int high)
    {
        if (low >= high)
            throw new ArgumentException($"Integers needs low < high, got [{low}, {high}).");
        ulong range = (ulong)((long)high - low);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (int)((long)low + (long)Math.BigMul(Bits((ulong)i), range, out _));
    }

    /// <summary>One integer uniform in [0, count).</summary>
    public int NextInt(int count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "NextInt needs a positive count.");
        return (int)Math.BigMul(Bits(0), (ulong)count, out _);
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates driven by the stream).</summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = i;
        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = (int)Math.BigMul(Bits((ulong)i), (ulong)(i + 1), out _);
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }

    /// <summary>
    /// <paramref name="destination"/>.Length distinct indices from 0..population-1, without
    /// replacement, in random order (partial Fisher-Yates over a virtual identity array).
    /// </summary>
    public void Choice(int population, Span<int> destination)
    {
        int k = destination.Length;
        if (population < 0 || k > population)
            throw new ArgumentException($"Choice of {k} distinct items needs a population of at least {k}, got {population}.");
        // Swapped positions live in a dictionary, so the cost is O(k), not O(population).
        var swapped = new Dictionary<int, int>(k);
        for (int i = 0; i < k; i++)
        {
            int j = i + (int)Math.BigMul(Bits((ulong)i), (ulong)(population - i), out _);
            int vi = swapped.TryGetValue(i, out var a) ? a : i;
            int vj = swapped.TryGetValue(j, out var b) ? b : j;
            destination[i] = vj;
            swapped[j] = vi;
        }
    }

    /// <summary>The double in [0, 1) made of a word's top 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(ulong word) => (word >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (double, double) BoxMuller(ulong a, ulong b)
    {
        double u1 = 1.0 - ToUnitDouble(a); // in (0, 1]: log is finite
        double u2 = ToUnitDouble(b);
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (s, c) = Math.SinCos(2.0 * Math.PI * u2);
        return (r * c, r * s);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Key({Hi:x8}, {Lo:x8})";
}
