package dev.nagare.broker.metadata;

/**
 * This node as clients see it in Metadata, DescribeCluster and FindCoordinator: its id, the cluster id and the
 * advertised address. The address is known only once the listener is bound (port 0 picks a free port), so it is
 * set once after binding.
 *
 * <p>Thread-safe: the endpoint is published through a volatile field.
 */
public final class ClusterView {

    /** The advertised address of the Kafka listener. */
    public record Endpoint(String host, int port) {
    }

    private final NodeIdentity identity;
    private volatile Endpoint endpoint = new Endpoint("localhost", 9092);

    public ClusterView(NodeIdentity identity) {
        this.identity = identity;
    }

    public int nodeId() {
        return identity.nodeId();
    }

    public String clusterId() {
        return identity.clusterId();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public void endpoint(Endpoint endpoint) {
        this.endpoint = endpoint;
    }
}
