package dev.nagare.broker.api;

import org.apache.kafka.common.acl.AclOperation;

/**
 * Authorized-operation bit fields for Metadata, DescribeCluster and DescribeGroups. Nagare has no authorizer yet,
 * so every operation that applies to a resource type is allowed, as Kafka answers without an authorizer.
 */
final class AuthorizedOperations {

    /** What a response carries when the client did not ask. */
    static final int NOT_REQUESTED = Integer.MIN_VALUE;

    static final int TOPIC = bits(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE,
            AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);

    static final int CLUSTER = bits(AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE);

    private AuthorizedOperations() {
    }

    private static int bits(AclOperation... ops) {
        int b = 0;
        for (AclOperation op : ops) {
            b |= 1 << op.code();
        }
        return b;
    }
}
