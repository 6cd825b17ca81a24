namespace QdFunctional.Cluster;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>
/// <c>qd cluster init DIR</c>: a private certificate authority made for one cluster, and the one
/// certificate every member of that cluster presents (workers and runs alike), signed by it. The
/// authority's key is used once and dropped, so nothing else can ever be issued under it: a
/// leaked directory is replaced by a new <c>init</c>, which also makes a new cluster id. ECDSA
/// P-256 keys (fast handshakes); the member certificate allows both TLS server and client use,
/// since every member is both.
/// </summary>
public static class ClusterAuthority
{
    /// <summary>How long a member certificate made by <c>init</c> is valid.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(2 * 365);

    /// <summary>Makes a new authority and member certificate valid from now for <see cref="Validity"/>, and writes them to <paramref name="dir"/>.</summary>
    public static ClusterCredentials Init(string dir)
    {
        if (File.Exists(Path.Combine(dir, ClusterCredentials.KeyFile)))
            throw new ArgumentException(
                $"cluster init '{dir}': it already holds credentials; new ones would lock out every member using them. "
                    + "Choose another directory, or remove it first.",
                "dir"
            );
        var (authority, key) = NewAuthority();
        using (key)
        {
            var now = DateTimeOffset.UtcNow;
            using var member = Issue(authority, key, now.AddMinutes(-5), now + Validity);
            Write(dir, authority, member);
        }
        return ClusterCredentials.Load(dir);
    }

    /// <summary>A self-signed authority and its key (the caller disposes the key).</summary>
    public static (X509Certificate2 Authority, ECDsa Key) NewAuthority()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=qd cluster authority {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Valid from a day back: members' clocks differ, and a member certificate must start after its authority.
        var now = DateTimeOffset.UtcNow;
        return (request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10)), key);
    }

    /// <summary>A member certificate (with its private key) signed by <paramref name="authority"/>, valid from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, ECDsa authorityKey, DateTimeOffset from, DateTimeOffset to)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = ClusterCredentials.IdOf(authority);
        var request = new CertificateRequest($"CN=qd member of {id}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")],
                false
            )
        );
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signer = authority.HasPrivateKey ? null : authority.CopyWithPrivateKey(authorityKey);
        using var issued = request.Create(signer ?? authority, from, to, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <c>ca.crt</c>, <c>cluster.crt</c> and <c>cluster.key</c> (PEM) into <paramref name="dir"/>, readable by the owner only.</summary>
    public static void Write(string dir, X509Certificate2 authority, X509Certificate2 member)
    {
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WritePrivate(Path.Combine(dir, ClusterCredentials.AuthorityFile), authority.ExportCertificatePem());
        WritePrivate(Path.Combine(dir, ClusterCredentials.CertificateFile), member.ExportCertificatePem());
        using var key =
            member.GetECDsaPrivateKey() ?? throw new ArgumentException("the member certificate has no ECDSA private key.", nameof(member));
        WritePrivate(Path.Combine(dir, ClusterCredentials.KeyFile), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Creates the file with owner-only permissions before any byte is written.</summary>
    static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
        writer.Flush();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
