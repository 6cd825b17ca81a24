namespace QdFunctional.Bench;

using MathMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

/// <summary>MathNet's managed symmetric eigendecomposition: the reference our own
/// <c>SymmetricEigen</c> is timed and tested against, kept here so MathNet is no dependency of Core.</summary>
public static class MathNetEigen
{
    /// <summary>Eigenvectors (columns of a row-major n × n block) and ascending eigenvalues of a symmetric row-major matrix.</summary>
    public static (double[] Vectors, double[] Values) Decompose(int n, ReadOnlySpan<double> matrix)
    {
        if (n < 1 || matrix.Length != (long)n * n)
            throw new ArgumentException($"A {n} × {n} matrix needs {(long)n * n} values, got {matrix.Length}.", nameof(matrix));
        // Symmetric, so the row-major values are also the column-major storage MathNet expects.
        var evd = MathMatrix.Build.Dense(n, n, matrix.ToArray()).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var values = new double[n];
        for (int k = 0; k < n; k++)
            values[k] = evd.EigenValues[k].Real;
        return (evd.EigenVectors.ToRowMajorArray(), values);
    }
}
