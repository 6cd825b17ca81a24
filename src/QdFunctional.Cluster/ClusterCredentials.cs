namespace QdFunctional.Cluster;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// What lets a process into one cluster: the cluster's own authority (<c>ca.crt</c>) and the member
/// certificate with its key (<c>cluster.crt</c>, <c>cluster.key</c>), as <c>qd cluster init</c>
/// writes them. A peer is accepted only when its certificate chains to this authority alone (the
/// machine's trusted roots play no part) and is valid now; the cluster id is derived from the
/// authority, so two clusters sharing a membership store never see each other.
/// </summary>
public sealed class ClusterCredentials
{
    /// <summary>The authority's certificate file in a credentials directory.</summary>
    public const string AuthorityFile = "ca.crt";

    /// <summary>The member certificate file.</summary>
    public const string CertificateFile = "cluster.crt";

    /// <summary>The member certificate's private key file.</summary>
    public const string KeyFile = "cluster.key";

    /// <summary>The environment variable that names a credentials directory when <c>--cluster-cert</c> is not given (batch scripts).</summary>
    public const string Variable = "QD_CLUSTER_CERT";

    ClusterCredentials(string dir, X509Certificate2 authority, X509Certificate2 certificate)
    {
        Directory = dir;
        Authority = authority;
        Certificate = certificate;
        ClusterId = IdOf(authority);
    }

    /// <summary>Where the files were read from.</summary>
    public string Directory { get; }

    /// <summary>The cluster's authority: the only trust anchor.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The certificate (with private key) this process presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster and service id: <c>qd-</c> and 16 hex digits of the authority's SHA-256.</summary>
    public string ClusterId { get; }

    /// <summary>The subject this process presents, for <c>qd cluster status</c>.</summary>
    public string Subject => Certificate.Subject;

    /// <summary>The cluster id of the cluster whose authority is <paramref name="authority"/>.</summary>
    public static string IdOf(X509Certificate2 authority) =>
        "qd-" + Convert.ToHexStringLower(SHA256.HashData(authority.RawData)).AsSpan(0, 16).ToString();

    /// <summary>
    /// The credentials in <paramref name="dir"/>, or in the directory <see cref="Variable"/> names when
    /// <paramref name="dir"/> is null; null when neither is given.
    /// </summary>
    public static ClusterCredentials? Find(string? dir)
    {
        dir ??= Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        return dir is null ? null : Load(dir);
    }

    /// <summary>Reads the three files; an <see cref="ArgumentException"/> says in one line what is missing or unsafe.</summary>
    public static ClusterCredentials Load(string dir)
    {
        foreach (var file in new[] { AuthorityFile, CertificateFile, KeyFile })
            if (!File.Exists(Path.Combine(dir, file)))
                throw new ArgumentException(
                    $"cluster credentials '{dir}': no {file} there; make them with `qd cluster init DIR`.",
                    "cluster-cert"
                );
        var keyPath = Path.Combine(dir, KeyFile);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            throw new ArgumentException(
                $"cluster credentials '{dir}': {KeyFile} is readable by others; `chmod 600 {keyPath}` (the key lets anyone in).",
                "cluster-cert"
            );
        try
        {
            var authority = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, AuthorityFile)));
            var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(dir, CertificateFile), keyPath);
            return new ClusterCredentials(dir, authority, certificate);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"cluster credentials '{dir}': unreadable ({e.Message.Split('\n')[0]}).", "cluster-cert");
        }
    }

    /// <summary>Null when <paramref name="peer"/> chains to this cluster's authority and is valid now; else why not, in a few words.</summary>
    public string? Refusal(X509Certificate2 peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = DateTime.Now;
        if (chain.Build(peer) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(Authority.RawData))
            return null;
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var why =
            (flags & X509ChainStatusFlags.NotTimeValid) != 0 ? "expired or not yet valid"
            : peer.Subject == peer.Issuer ? "self-signed"
            : "not issued by this cluster's authority";
        return $"certificate '{peer.Subject}' is {why}";
    }
}
