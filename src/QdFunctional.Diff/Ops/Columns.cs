namespace QdFunctional.Diff;

// Column slicing and concatenation: how a task splits its solution and assembles its outputs.
public sealed partial class Tensor
{
    /// <summary>Columns [start, start + count) of every row: batch × n → batch × count.</summary>
    /// <remarks>The derivative adds back into those columns and leaves the others untouched.</remarks>
    public static Tensor Slice(Tensor x, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (start < 0 || count < 0 || start + count > x.Cols)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: columns [{start}, {start + count}) are outside shape {x.Shape}");
        var y = Result("slice", x.Rows, count, x);
        if (y.Dtype == Dtype.Float32)
            y.Backend.CopyColumns(x.Data32, x.Cols, start, y.Data32, count, 0, count, x.Rows, accumulate: false);
        else
            y.Backend.CopyColumns(x.Data, x.Cols, start, y.Data, count, 0, count, x.Rows, accumulate: false);
        y.Start = start;
        return y.Record(
            static n =>
            {
                var tape = n.Tape!;
                if (n.Dtype == Dtype.Float32)
                    tape.Backend.CopyColumns(
                        n.Grad32!,
                        n.Cols,
                        0,
                        tape.GradOf32(n.A!),
                        n.A!.Cols,
                        n.Start,
                        n.Cols,
                        n.Rows,
                        accumulate: true
                    );
                else
                    tape.Backend.CopyColumns(n.Grad!, n.Cols, 0, tape.GradOf(n.A!), n.A!.Cols, n.Start, n.Cols, n.Rows, accumulate: true);
            },
            x
        );
    }

    /// <summary>The parts side by side: batch × n₁, …, batch × n_m → batch × Σnᵢ.</summary>
    /// <remarks>Assembles a task's objective and measures into one batch × (1 + k) output.</remarks>
    public static Tensor Concat(params Tensor[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
            throw new ArgumentException("concat: needs at least one tensor", nameof(parts));
        int rows = parts[0].Rows,
            cols = 0;
        Tape? tape = null;
        bool grad = false;
        foreach (var p in parts)
        {
            ArgumentNullException.ThrowIfNull(p);
            p.CheckLive("concat");
            if (p.Rows != rows)
                throw new ArgumentException($"concat: shapes {parts[0].Shape} and {p.Shape} have different batch sizes");
            if (p.Dtype != parts[0].Dtype)
                throw MixedDtypes("concat", parts[0], p);
            if (p.Tape is not null)
                tape = Same("concat", tape, p.Tape);
            grad |= p.RequiresGrad;
            cols += p.Cols;
        }
        var y = Blank(rows, cols, parts[0].Dtype, tape, grad);
        y.Parts = (Tensor[])parts.Clone();
        int at = 0;
        foreach (var p in parts)
        {
            if (y.Dtype == Dtype.Float32)
                y.Backend.CopyColumns(p.Data32, p.Cols, 0, y.Data32, cols, at, p.Cols, rows, accumulate: false);
            else
                y.Backend.CopyColumns(p.Data, p.Cols, 0, y.Data, cols, at, p.Cols, rows, accumulate: false);
            at += p.Cols;
        }
        return y.Record(static n =>
        {
            var tape = n.Tape!;
            int at = 0;
            foreach (var p in n.Parts!)
            {
                if (p.RequiresGrad && n.Dtype == Dtype.Float32)
                    tape.Backend.CopyColumns(n.Grad32!, n.Cols, at, tape.GradOf32(p), p.Cols, 0, p.Cols, n.Rows, accumulate: true);
                else if (p.RequiresGrad)
                    tape.Backend.CopyColumns(n.Grad!, n.Cols, at, tape.GradOf(p), p.Cols, 0, p.Cols, n.Rows, accumulate: true);
                at += p.Cols;
            }
        });
    }
}
