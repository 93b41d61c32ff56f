package dev.nagare.broker.api;

import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.ProducerIdAllocator;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;

/**
 * InitProducerId for idempotent producers: a new producer id, epoch 0, never handed out before (also across
 * restarts). Transactional ids need the transaction coordinator, which Nagare does not have yet: those get
 * COORDINATOR_NOT_AVAILABLE (and FindCoordinator for transactions is not advertised).
 */
final class InitProducerIdHandler implements ApiHandler {

    private final ProducerIdAllocator producerIds;

    InitProducerIdHandler(ProducerIdAllocator producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public void handle(Request request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (data.transactionalId() != null) {
            request.respond(response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setProducerId(-1).setProducerEpoch((short) -1));
            return;
        }
        request.respond(response.setProducerId(producerIds.nextId()).setProducerEpoch((short) 0));
    }
}
