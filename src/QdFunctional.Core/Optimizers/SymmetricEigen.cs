namespace QdFunctional.Core.Optimizers;

using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

/// <summary>
/// Eigendecomposition C = B diag(λ) Bᵀ of a symmetric matrix, the step that makes full CMA-ES
/// cost O(n³); CMA-ES calls it lazily. Eigenvalues come back ascending, clamped below at
/// 1e-20·max(λ) so rounding can never produce a zero or negative variance.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Eigenvectors of the n × n symmetric row-major <paramref name="matrix"/> as the columns of a
    /// row-major n × n block (entry [i·n + k] is component i of vector k), and their eigenvalues.
    /// </summary>
    public static (double[] Vectors, double[] Values) Decompose(int n, ReadOnlySpan<double> matrix)
    {
        if (n < 1 || matrix.Length != (long)n * n)
            throw new ArgumentException($"SymmetricEigen: {matrix.Length} values are not an {n} × {n} matrix.", nameof(matrix));
        // Symmetric, so the row-major values are also the column-major storage MathNet expects.
        var evd = Matrix<double>.Build.Dense(n, n, matrix.ToArray()).Evd(Symmetricity.Symmetric);
        var values = new double[n];
        double max = 0;
        for (int k = 0; k < n; k++)
        {
            values[k] = evd.EigenValues[k].Real;
            max = Math.Max(max, values[k]);
        }
        double floor = Math.Max(max, double.Epsilon) * 1e-20;
        for (int k = 0; k < n; k++)
            values[k] = Math.Max(values[k], floor);
        return (evd.EigenVectors.ToRowMajorArray(), values);
    }
}
