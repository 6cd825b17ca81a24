using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QdFunctional.Numerics;

namespace QdFunctional.Core.Random;

/// <summary>
/// A splittable PRNG key in the style of JAX: two 32-bit words, consumed by value. A key is
/// never used for two purposes; derive new keys with <see cref="Split(int)"/> or
/// <see cref="FoldIn(uint)"/> instead. <c>Of</c>, <c>Split</c> and <c>FoldIn</c> produce the
/// same words as <c>jax.random.PRNGKey</c>, <c>split</c> and <c>fold_in</c> with the
/// threefry2x32 implementation in its original layout (<c>jax_threefry_partitionable=False</c>;
/// JAX has since made the partitionable layout its default, which changes <c>split</c>).
/// Known answers from Random123 and JAX's own tests are checked in the test suite.
/// </summary>
/// <remarks>
/// Draws are a pure function of (key, index): word <c>i</c> of a key's stream is
/// Threefry(key, (i >> 32, i &amp; 0xFFFFFFFF)) read as <c>hi &lt;&lt; 32 | lo</c>. The library
/// derives keys in a fixed order (iteration, then emitter, then purpose, then row), so a
/// row's randomness never depends on the thread that computes it.
/// </remarks>
[SkipLocalsInit] // scratch buffers are always written before they are read
public readonly record struct Key(uint Hi, uint Lo)
{
    /// <summary>
    /// The version of the random streams, that is, of the values a key draws. 1: normals by
    /// Box-Muller pairs; 2 (this one): normals by the ziggurat. Raw words, uniforms, integers,
    /// choices, splits and fold-ins are the same in both. A run records it in its config.json and
    /// checkpoints, so that it is never resumed under another stream.
    /// </summary>
    public const int StreamVersion = 2;

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

    /// <summary>Two independent keys: <c>var (k1, k2) = key.Split2()</c> in C#, <c>let struct (k1, k2) = key.Split2()</c> in F#.</summary>
    public (Key, Key) Split2()
    {
        // Split(2) without its arrays: counters (0, 2) and (1, 3) give words a0 b0 a1 b1.
        var (a0, a1) = Threefry.Hash(Hi, Lo, 0, 2);
        var (b0, b1) = Threefry.Hash(Hi, Lo, 1, 3);
        return (new Key(a0, b0), new Key(a1, b1));
    }

    /// <summary>Three independent keys.</summary>
    public (Key, Key, Key) Split3()
    {
        // Split(3) without its arrays: counters (0, 3), (1, 4), (2, 5) give words a0 b0 c0 a1 b1 c1.
        var (a0, a1) = Threefry.Hash(Hi, Lo, 0, 3);
        var (b0, b1) = Threefry.Hash(Hi, Lo, 1, 4);
        var (c0, c1) = Threefry.Hash(Hi, Lo, 2, 5);
        return (new Key(a0, b0), new Key(c0, a1), new Key(b1, c1));
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
    public void Bits(Span<ulong> destination) => Threefry.Fill(Hi, Lo, 0, destination);

    /// <summary>Uniform doubles in [0, 1): the top 53 bits of each word times 2^-53.</summary>
    public void Uniform(Span<double> destination) => Uniform(destination, 0.0, 1.0);

    /// <summary>
    /// Uniform doubles in [low, high): <c>low + (high - low) * u</c> for the unit draw <c>u</c>
    /// of each word; a value that rounds up to <paramref name="high"/> becomes the largest
    /// double below it, so the interval stays half-open. Long draws run on several threads
    /// with the same result.
    /// </summary>
    public unsafe void Uniform(Span<double> destination, double low, double high)
    {
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high) || !double.IsFinite(high - low))
            throw new ArgumentException($"Uniform needs finite low < high with a finite width, got [{low}, {high}).");
        if (destination.Length < ParallelFrom)
        {
            UniformChunk(destination, 0, low, high); // short draws (one row): no closure, no pinning
            return;
        }
        fixed (double* p = destination)
            UniformParallel((nint)p, destination.Length, low, high);
    }

    /// <summary>A long uniform draw in fixed chunks; separate so short draws never allocate the closure.</summary>
    unsafe void UniformParallel(nint address, int length, double low, double high)
    {
        var key = this;
        Blocks.For(
            length,
            ChunkLength,
            (start, end) => key.UniformChunk(new Span<double>((double*)address + start, end - start), (ulong)start, low, high)
        );
    }

    /// <summary>
    /// Uniform doubles, each in its own [low[j], high[j]) for j = i mod low.Length (row-major
    /// bounds), from the same unit draws as <see cref="Uniform(Span{double})"/>.
    /// </summary>
    public void Uniform(Span<double> destination, ReadOnlySpan<double> low, ReadOnlySpan<double> high)
    {
        if (low.Length == 0 || low.Length != high.Length || destination.Length % low.Length != 0)
            throw new ArgumentException(
                $"Uniform with per-column bounds needs equal, non-empty bound lengths dividing the output; got {low.Length}, {high.Length} for {destination.Length} values."
            );
        int d = low.Length;
        for (int j = 0; j < d; j++)
            if (!(low[j] < high[j]) || !double.IsFinite(low[j]) || !double.IsFinite(high[j]) || !double.IsFinite(high[j] - low[j]))
                throw new ArgumentException(
                    $"Uniform needs finite low[{j}] < high[{j}] with a finite width, got [{low[j]}, {high[j]}).",
                    nameof(low)
                );
        Uniform(destination);
        for (int i = 0; i < destination.Length; i += d)
        {
            var row = destination.Slice(i, d);
            for (int j = 0; j < d; j++)
            {
                double x = low[j] + (high[j] - low[j]) * row[j];
                row[j] = x < high[j] ? x : Math.BitDecrement(high[j]);
            }
        }
    }

    /// <summary>Uniform floats in [0, 1): the top 24 bits of each word times 2^-24.</summary>
    public void Uniform(Span<float> destination)
    {
        Span<ulong> words = stackalloc ulong[Block];
        for (int i = 0; i < destination.Length; i += Block)
        {
            int m = Math.Min(Block, destination.Length - i);
            Threefry.Fill(Hi, Lo, (ulong)i, words[..m]);
            var d = destination.Slice(i, m);
            for (int j = 0; j < m; j++)
                d[j] = (words[j] >> 40) * (1.0f / (1 << 24));
        }
    }

    /// <summary>
    /// Normal draws <c>mean + scale * z</c> with standard normal <c>z</c> from the ziggurat
    /// (<see cref="Ziggurat"/>): value i is the transform of word i of the stream (and, for the
    /// rare value whose word the fast path rejects, of value i's own retry words), so value i
    /// depends only on the key and i, and a shorter draw is a prefix of a longer one. Long draws
    /// run on several threads with the same result. The values are the same bits on every CPU
    /// (with or without AVX2 or AVX-512, x64 or Arm), thread count and draw length. These are the
    /// normals of stream <see cref="StreamVersion"/>.
    /// </summary>
    public unsafe void Normal(Span<double> destination, double mean = 0.0, double scale = 1.0)
    {
        if (!double.IsFinite(mean) || !double.IsFinite(scale) || scale < 0)
            throw new ArgumentException($"Normal needs a finite mean and a finite scale >= 0, got mean {mean}, scale {scale}.");
        if (destination.Length < ParallelFrom)
        {
            NormalChunk(destination, 0, mean, scale, add: false); // short draws (one row): no closure, no pinning
            return;
        }
        fixed (double* p = destination)
            NormalParallel((nint)p, destination.Length, mean, scale);
    }

    /// <summary>A long normal draw in fixed chunks; separate so short draws never allocate the closure.</summary>
    unsafe void NormalParallel(nint address, int length, double mean, double scale)
    {
        var key = this;
        Blocks.For(
            length,
            ChunkLength,
            (start, end) => key.NormalChunk(new Span<double>((double*)address + start, end - start), (ulong)start, mean, scale, add: false)
        );
    }

    /// <summary>One uniform double in [0, 1) (word 0 of the stream).</summary>
    public double NextUniform() => ToUnitDouble(Bits(0));

    /// <summary>
    /// Value <paramref name="index"/> of the standard normal stream, computed alone: bit for bit
    /// value <paramref name="index"/> of <see cref="Normal"/> with mean 0 and scale 1.
    /// </summary>
    public double NormalAt(uint index) => Ziggurat.Standard(Hi, Lo, index);

    /// <summary>
    /// Integers uniform in [low, high), by the multiply-high map of a 64-bit word onto the
    /// range (bias below range / 2^64, far under anything measurable).
    /// </summary>
    public void Integers(Span<int> destination, int low, int high)
    {
        if (low >= high)
            throw new ArgumentException($"Integers needs low < high, got [{low}, {high}).");
        ulong range = (ulong)((long)high - low);
        Span<ulong> words = stackalloc ulong[Block];
        for (int i = 0; i < destination.Length; i += Block)
        {
            int m = Math.Min(Block, destination.Length - i);
            Threefry.Fill(Hi, Lo, (ulong)i, words[..m]);
            var d = destination.Slice(i, m);
            for (int j = 0; j < m; j++)
                d[j] = (int)((long)low + (long)Math.BigMul(words[j], range, out _));
        }
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
        if (population <= DenseChoice)
        {
            // Small populations: the identity array itself, on the stack; same draws as below.
            Span<int> items = stackalloc int[population];
            for (int i = 0; i < population; i++)
                items[i] = i;
            for (int i = 0; i < k; i++)
            {
                int j = i + (int)Math.BigMul(Bits((ulong)i), (ulong)(population - i), out _);
                destination[i] = items[j];
                items[j] = items[i];
            }
            return;
        }
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

    /// <summary>Populations up to this size are shuffled in a stack array rather than a dictionary.</summary>
    const int DenseChoice = 1024;

    /// <summary>Words hashed per stack buffer: big enough to amortise the vector set-up, small for the stack.</summary>
    const int Block = 256;

    /// <summary>Values per block of a long draw. Every value is a function of (key, index), so the
    /// blocks only decide which thread computes it.</summary>
    const int ChunkLength = 1 << 14;

    /// <summary>Draws shorter than this run on the calling thread: below it, scheduling costs more than it saves.</summary>
    const int ParallelFrom = 1 << 17;

    /// <summary>Values start .. start + destination.Length - 1 of <see cref="Uniform(Span{double}, double, double)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void UniformChunk(Span<double> destination, ulong start, double low, double high)
    {
        double width = high - low;
        double below = Math.BitDecrement(high);
        Span<ulong> words = stackalloc ulong[Block];
        for (int i = 0; i < destination.Length; i += Block)
        {
            int m = Math.Min(Block, destination.Length - i);
            Threefry.Fill(Hi, Lo, start + (ulong)i, words[..m]);
            var d = destination.Slice(i, m);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
                j = UnitsByEight(words[..m], d, low, width, high, below);
            for (; j < m; j++)
            {
                double x = low + width * ToUnitDouble(words[j]);
                d[j] = x < high ? x : below;
            }
        }
    }

    /// <summary>
    /// The loop of <see cref="UniformChunk"/> eight words at a time, to the bit: the top 53 bits of a
    /// word convert to a double exactly, and the multiply and the add stay two roundings, as in the
    /// scalar form. Returns how many values it wrote (a multiple of eight).
    /// </summary>
    static int UnitsByEight(ReadOnlySpan<ulong> words, Span<double> destination, double low, double width, double high, double below)
    {
        var lowV = Vector512.Create(low);
        var widthV = Vector512.Create(width);
        var highV = Vector512.Create(high);
        var belowV = Vector512.Create(below);
        var unit = Vector512.Create(1.0 / (1UL << 53));
        int j = 0;
        for (; j + 8 <= words.Length; j += 8)
        {
            var u = Vector512.ConvertToDouble(Vector512.ShiftRightLogical(Vector512.Create(words.Slice(j, 8)), 11)) * unit;
            var x = lowV + widthV * u;
            Vector512.ConditionalSelect(Vector512.LessThan(x, highV), x, belowV).CopyTo(destination.Slice(j, 8));
        }
        return j;
    }

    /// <summary>
    /// Adds <c>0 + scale · z</c> to each value, z the key's standard normal stream: bit for bit what
    /// drawing <c>Normal(noise, 0, scale)</c> and adding it would give (Gaussian mutation,
    /// <c>x ← x + σ N(0, I)</c>), without the noise buffer. For a row's draw, not a long one.
    /// </summary>
    internal void AddNormal(Span<double> values, double scale) => NormalChunk(values, 0, 0.0, scale, add: true);

    /// <summary>
    /// Values start .. start + destination.Length - 1 of <see cref="Normal"/>: value i is
    /// <c>mean + scale · z</c> for the ziggurat's z of word i (<see cref="Ziggurat.Standard(uint, uint, uint, ulong)"/>).
    /// With <paramref name="add"/> each value is added to what the destination holds instead.
    /// </summary>
    /// <remarks>
    /// Three forms give the same bits: with AVX-512, sixteen words are hashed in one 512-bit block
    /// and transformed in registers (<see cref="Ziggurat.Fast16"/>); with AVX2, eight words;
    /// otherwise one word at a time. The few values the fast path leaves out come from the one
    /// scalar slow path, after each run of blocks. A last group shorter than a block is drawn
    /// by a narrower form, so a value never depends on where a draw ends.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalChunk(Span<double> destination, ulong start, double mean, double scale, bool add)
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported && Avx512BW.IsSupported)
            NormalChunk512(destination, start, mean, scale, add);
        else if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
            NormalChunk256(destination, start, mean, scale, add);
        else
            NormalChunkPortable(destination, start, mean, scale, add);
    }

    /// <summary>Values a vector form leaves to the slow path between two patches.</summary>
    const int Pending = 64;

    /// <summary><see cref="NormalChunk"/> sixteen values at a time in 512-bit registers (a last, short group by the 256-bit form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalChunk512(Span<double> destination, ulong start, double mean, double scale, bool add)
    {
        var tables = Ziggurat.Pointers();
        Span<int> at = stackalloc int[Pending];
        Span<ulong> words = stackalloc ulong[Pending];
        Span<double> held = stackalloc double[Pending];
        int whole = destination.Length & ~15;
        for (int i = 0; i < whole; )
        {
            int count = 0;
            i = Blocks512(destination, i, whole, start, mean, scale, add, tables, at, words, held, ref count);
            Patch(destination, start, mean, scale, add, at[..count], words, held);
        }
        // The rest (fewer than sixteen, as the last eight of a 1000-value row) in eights, then one by one.
        if (whole < destination.Length)
            NormalChunk256(destination[whole..], start + (ulong)whole, mean, scale, add);
    }

    /// <summary>
    /// Blocks of sixteen values from <paramref name="i"/> while the pending buffers have room: the
    /// fast path's values are stored, and a value the slow path must give is noted (position, word,
    /// the value it replaces) for <see cref="Patch"/>. No calls, so every vector stays in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Blocks512(
        Span<double> destination,
        int i,
        int end,
        ulong start,
        double mean,
        double scale,
        bool add,
        Ziggurat.VectorTables tables,
        Span<int> at,
        Span<ulong> words,
        Span<double> held,
        ref int count
    )
    {
        var meanV = Vector512.Create(mean);
        var scaleV = Vector512.Create(scale);
        for (; i + 32 <= end && count <= at.Length - 32; i += 32)
        {
            // Two blocks per round trip: their hashes interleave (Threefry.Hash32).
            var (a0, a1) = Threefry.Counters16(start + (ulong)i);
            var (b0, b1) = Threefry.Counters16(start + (ulong)i + 16);
            Threefry.Hash32(Hi, Lo, ref a0, ref a1, ref b0, ref b1);
            Store16(destination, i, meanV, scaleV, add, tables, a0, a1, at, words, held, ref count);
            Store16(destination, i + 16, meanV, scaleV, add, tables, b0, b1, at, words, held, ref count);
        }
        for (; i < end && count <= at.Length - 16; i += 16)
        {
            var (hi, lo) = Threefry.Counters16(start + (ulong)i);
            Threefry.Hash16(Hi, Lo, ref hi, ref lo);
            Store16(destination, i, meanV, scaleV, add, tables, hi, lo, at, words, held, ref count);
        }
        return i;
    }

    /// <summary>Values i .. i + 15 from their hashed words: the fast path's stored, the others noted for <see cref="Patch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store16(
        Span<double> destination,
        int i,
        Vector512<double> meanV,
        Vector512<double> scaleV,
        bool add,
        Ziggurat.VectorTables tables,
        Vector512<uint> hi,
        Vector512<uint> lo,
        Span<int> at,
        Span<ulong> words,
        Span<double> held,
        ref int count
    )
    {
        var (z0, z1, rejected) = Ziggurat.Fast16(tables, hi, lo, out var w0, out var w1);
        var d = destination.Slice(i, 16);
        for (; rejected != 0; rejected &= rejected - 1)
        {
            int j = BitOperations.TrailingZeroCount(rejected);
            at[count] = i + j;
            words[count] = j < 8 ? w0.GetElement(j) : w1.GetElement(j - 8);
            held[count] = d[j];
            count++;
        }
        var v0 = meanV + scaleV * z0;
        var v1 = meanV + scaleV * z1;
        if (add)
        {
            v0 = Vector512.Create<double>(d) + v0;
            v1 = Vector512.Create<double>(d[8..]) + v1;
        }
        v0.CopyTo(d);
        v1.CopyTo(d[8..]);
    }

    /// <summary><see cref="NormalChunk"/> eight values at a time in 256-bit registers (a last, short group by the portable form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalChunk256(Span<double> destination, ulong start, double mean, double scale, bool add)
    {
        var tables = Ziggurat.Pointers();
        Span<int> at = stackalloc int[Pending];
        Span<ulong> words = stackalloc ulong[Pending];
        Span<double> held = stackalloc double[Pending];
        int whole = destination.Length & ~7;
        for (int i = 0; i < whole; )
        {
            int count = 0;
            i = Blocks256(destination, i, whole, start, mean, scale, add, tables, at, words, held, ref count);
            Patch(destination, start, mean, scale, add, at[..count], words, held);
        }
        if (whole < destination.Length)
            NormalChunkPortable(destination[whole..], start + (ulong)whole, mean, scale, add);
    }

    /// <summary><see cref="Blocks512"/> with eight values per block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Blocks256(
        Span<double> destination,
        int i,
        int end,
        ulong start,
        double mean,
        double scale,
        bool add,
        Ziggurat.VectorTables tables,
        Span<int> at,
        Span<ulong> words,
        Span<double> held,
        ref int count
    )
    {
        var meanV = Vector256.Create(mean);
        var scaleV = Vector256.Create(scale);
        for (; i < end && count <= at.Length - 8; i += 8)
        {
            var (hi, lo) = Threefry.Counters8(start + (ulong)i);
            Threefry.Hash8(Hi, Lo, ref hi, ref lo);
            var (z0, z1, rejected) = Ziggurat.Fast8(tables, hi, lo, out var w0, out var w1);
            var d = destination.Slice(i, 8);
            for (; rejected != 0; rejected &= rejected - 1)
            {
                int j = BitOperations.TrailingZeroCount(rejected);
                at[count] = i + j;
                words[count] = j < 4 ? w0.GetElement(j) : w1.GetElement(j - 4);
                held[count] = d[j];
                count++;
            }
            var v0 = meanV + scaleV * z0;
            var v1 = meanV + scaleV * z1;
            if (add)
            {
                v0 = Vector256.Create<double>(d) + v0;
                v1 = Vector256.Create<double>(d[4..]) + v1;
            }
            v0.CopyTo(d);
            v1.CopyTo(d[4..]);
        }
        return i;
    }

    /// <summary>The values the fast path left out: <c>mean + scale · z</c> for the slow path's z, written or added.</summary>
    void Patch(
        Span<double> destination,
        ulong start,
        double mean,
        double scale,
        bool add,
        ReadOnlySpan<int> at,
        ReadOnlySpan<ulong> words,
        ReadOnlySpan<double> held
    )
    {
        // Every value here needs its first retry word: hash them side by side.
        Span<uint> index = stackalloc uint[Pending];
        Span<ulong> retry = stackalloc ulong[Pending];
        for (int c = 0; c < at.Length; c++)
            index[c] = (uint)(start + (ulong)at[c]);
        Threefry.HashCounters(Hi, Lo, Ziggurat.FirstRetryCounter, index[..at.Length], retry);
        for (int c = 0; c < at.Length; c++)
        {
            int j = at[c];
            double v = mean + scale * Ziggurat.Slow(Hi, Lo, index[c], words[c], retry[c]);
            destination[j] = add ? held[c] + v : v;
        }
    }

    /// <summary><see cref="NormalChunk"/> one word at a time, for machines without AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalChunkPortable(Span<double> destination, ulong start, double mean, double scale, bool add)
    {
        Span<ulong> words = stackalloc ulong[Block];
        for (int i = 0; i < destination.Length; i += Block)
        {
            int m = Math.Min(Block, destination.Length - i);
            Threefry.Fill(Hi, Lo, start + (ulong)i, words[..m]);
            var d = destination.Slice(i, m);
            for (int j = 0; j < m; j++)
            {
                double v = mean + scale * Ziggurat.Standard(Hi, Lo, (uint)(start + (ulong)(i + j)), words[j]);
                d[j] = add ? d[j] + v : v;
            }
        }
    }

    /// <summary>The double in [0, 1) made of a word's top 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(ulong word) => (word >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override string ToString() => $"Key({Hi:x8}, {Lo:x8})";
}
