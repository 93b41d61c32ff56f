package dev.nagare.broker.api;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.ClusterView;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;

/** DescribeCluster: this node as the only broker and the controller. Asking brokers for controllers is refused, as Kafka's brokers do. */
final class DescribeClusterHandler implements ApiHandler {

    private static final byte BROKERS = 1;

    private final ClusterView cluster;

    DescribeClusterHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public void handle(Request request) {
        DescribeClusterRequestData data = request.data();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.nodeId())
                .setEndpointType(BROKERS)
                .setClusterAuthorizedOperations(data.includeClusterAuthorizedOperations()
                        ? AuthorizedOperations.CLUSTER : AuthorizedOperations.NOT_REQUESTED);
        if (request.version() >= 1 && data.endpointType() != BROKERS) {
            request.respond(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER"));
            return;
        }
        ClusterView.Endpoint endpoint = cluster.endpoint();
        response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(cluster.nodeId()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(null));
        request.respond(response);
    }
}
