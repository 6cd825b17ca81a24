namespace QdFunctional.Cluster;

using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

/// <summary>
/// Mutual TLS between every member of a cluster (Orleans' <c>Microsoft.Orleans.Connections.Security</c>):
/// each side presents the cluster's certificate and requires the other's, and accepts it only when
/// it chains to the cluster's authority (<see cref="ClusterCredentials.Refusal"/>); host names play
/// no part, since members are known by their certificate. On a worker, every inbound connection
/// (from another worker or a client) that ends without an accepted certificate is recorded in
/// <see cref="PeerRefusals"/> with its remote address.
/// </summary>
public static class ClusterTls
{
    /// <summary>The name a member asks for when it connects (SNI); not checked, as above.</summary>
    const string TargetHost = "qd-cluster-member";

    /// <summary>Why the certificate of the connection being authenticated was refused, set by the validator for the refusal log.</summary>
    static readonly AsyncLocal<Verdict?> current = new();

    sealed class Verdict
    {
        public string? Why;
    }

    /// <summary>Makes a silo speak mutual TLS only, and log the connections it refuses.</summary>
    public static void Configure(ISiloBuilder silo, ClusterCredentials credentials)
    {
        silo.Services.AddSingleton<PeerRefusals>();
        silo.Services.AddSingleton(credentials);
        // Registered before UseTls, so this middleware runs outside the TLS handshake and sees how it ended.
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(b => b.Use(next => context => Watch(next, context, b.ApplicationServices)));
            o.ConfigureGatewayInboundConnection(b => b.Use(next => context => Watch(next, context, b.ApplicationServices)));
        });
        silo.UseTls(credentials.Certificate, o => Options(o, credentials));
    }

    /// <summary>Makes a client speak mutual TLS only.</summary>
    public static void Configure(IClientBuilder client, ClusterCredentials credentials) =>
        client.UseTls(credentials.Certificate, o => Options(o, credentials));

    static void Options(TlsOptions o, ClusterCredentials credentials)
    {
        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.RemoteCertificateValidation = (certificate, _, _) =>
        {
            var why = credentials.Refusal(certificate);
            if (why is not null && current.Value is { } verdict)
                verdict.Why = why;
            return why is null;
        };
        o.OnAuthenticateAsClient = (_, client) => client.TargetHost = TargetHost;
    }

    /// <summary>Runs the rest of the connection's pipeline; a connection that ends without a TLS peer certificate was refused.</summary>
    static async Task Watch(ConnectionDelegate next, ConnectionContext context, IServiceProvider services)
    {
        var verdict = new Verdict();
        current.Value = verdict;
        try
        {
            await next(context);
        }
        finally
        {
            if (context.Features.Get<ITlsConnectionFeature>()?.RemoteCertificate is null)
                services.GetRequiredService<PeerRefusals>().Add(context.RemoteEndPoint, verdict.Why ?? "no certificate, or not TLS");
        }
    }
}
