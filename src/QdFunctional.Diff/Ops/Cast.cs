namespace QdFunctional.Diff;

// Conversion between dtypes: the one operation whose input and output dtypes differ.
public sealed partial class Tensor
{
    /// <summary>x converted to <paramref name="dtype"/>: float64 → float32 rounds to nearest, float32 → float64 is exact.</summary>
    /// <remarks>Differentiable: the derivative converts back (∂/∂x = 1 in the other precision), so a
    /// float32 computation can sit inside a float64 function and vice versa. A tensor already in
    /// <paramref name="dtype"/> is returned as it is.</remarks>
    public static Tensor Cast(Tensor x, Dtype dtype)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.CheckLive("cast");
        if (!Enum.IsDefined(dtype))
            throw new ArgumentOutOfRangeException(nameof(dtype), $"cast: {dtype} is not a dtype");
        if (x.Dtype == dtype)
            return x;
        var y = Blank(x.Rows, x.Cols, dtype, x.Tape, x.RequiresGrad);
        if (dtype == Dtype.Float32)
            y.Backend.Convert(x.Data, y.Data32, x.Length, accumulate: false);
        else
            y.Backend.Convert(x.Data32, y.Data, x.Length, accumulate: false);
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.Convert(n.Grad32!, tape.GradOf(n.A!), n.Length, accumulate: true);
                else
                    tape.Backend.Convert(n.Grad!, tape.GradOf32(n.A!), n.Length, accumulate: true);
            },
            x
        );
    }

    /// <summary>This tensor in float32 (itself when it already is).</summary>
    /// <remarks>Shorthand for <see cref="Cast(Tensor, Dtype)"/>, as DiffSharp's <c>t.float32()</c>.</remarks>
    public Tensor Float32() => Cast(this, Dtype.Float32);

    /// <summary>This tensor in float64 (itself when it already is).</summary>
    /// <remarks>Shorthand for <see cref="Cast(Tensor, Dtype)"/>, as DiffSharp's <c>t.float64()</c>.</remarks>
    public Tensor Float64() => Cast(this, Dtype.Float64);
}
